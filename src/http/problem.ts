/**
 * The one error path of the HTTP layer: anything thrown (our NgsiError, fastify's own errors, bugs)
 * becomes an NGSI-LD ProblemDetails; 5xx are logged with the stack, 4xx are not.
 */
import type { FastifyError } from 'fastify';
import { isNgsiError, ngsiError, toProblemDetails, type ErrorName, type ProblemDetails } from '../ngsi-ld/errors';

const FASTIFY_CODES: Record<string, ErrorName> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'InvalidRequest',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidRequest',
  FST_ERR_CTP_EMPTY_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_TYPE: 'UnsupportedMediaType',
  FST_ERR_BAD_URL: 'BadRequestData',
  FST_ERR_ASYNC_CONSTRAINT: 'BadRequestData',
};

/** Maps any thrown value to a ProblemDetails; `internal` is true when it must be logged as a bug. */
export function problemOf(err: unknown): { problem: ProblemDetails; internal: boolean } {
  if (isNgsiError(err)) return { problem: toProblemDetails(err), internal: err.status >= 500 && err.errorName === 'InternalError' };
  const fe = err as Partial<FastifyError>;
  const name = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (name) return { problem: toProblemDetails(ngsiError(name, fe.message ?? name)), internal: false };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { problem: toProblemDetails(ngsiError('BadRequestData', fe.message ?? 'Bad request')), internal: false };
  }
  return { problem: toProblemDetails(err), internal: true };
}
