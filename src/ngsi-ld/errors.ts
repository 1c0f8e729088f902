/**
 * The one catalogue of NGSI-LD errors (ETSI GS CIM 009 v1.8, clause 5.5.2 "Error types") plus the
 * HTTP-level errors of content negotiation and limits. Every error leaving the platform is a
 * ProblemDetails (RFC 7807) built by {@link toProblemDetails}.
 */

export const ERROR_TYPE_BASE = 'https://uri.etsi.org/ngsi-ld/errors/';

/** Name → HTTP status and title. The name is the last segment of the type URI. */
export const ERROR_CATALOGUE = {
  InvalidRequest: { status: 400, title: 'The request associated to the operation is syntactically invalid or includes wrong content' },
  BadRequestData: { status: 400, title: 'The request includes input data which does not meet the requirements of the operation' },
  AlreadyExists: { status: 409, title: 'The referred element already exists' },
  OperationNotSupported: { status: 422, title: 'The operation is not supported' },
  ResourceNotFound: { status: 404, title: 'The referred resource has not been found' },
  InternalError: { status: 500, title: 'There has been an error during the operation execution' },
  TooComplexQuery: { status: 403, title: 'The query is too complex and cannot be resolved' },
  TooManyResults: { status: 403, title: 'The query leads to too many results' },
  LdContextNotAvailable: { status: 503, title: 'A remote JSON-LD @context referenced in a request cannot be retrieved' },
  NonexistentTenant: { status: 404, title: 'The addressed tenant does not exist' },
  NotAcceptable: { status: 406, title: 'None of the media types in the Accept header can be produced' },
  UnsupportedMediaType: { status: 415, title: 'The request body media type is not supported' },
  PayloadTooLarge: { status: 413, title: 'The request body is larger than the configured maximum' },
  MethodNotAllowed: { status: 405, title: 'The HTTP method is not allowed on this resource' },
} as const;

export type ErrorName = keyof typeof ERROR_CATALOGUE;

/** RFC 7807 problem details as used by NGSI-LD. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

/** The single error class thrown by the core; the HTTP layer turns it into a response. */
export class NgsiError extends Error {
  readonly errorName: ErrorName;
  readonly status: number;
  constructor(name: ErrorName, detail: string) {
    super(detail);
    this.name = 'NgsiError';
    this.errorName = name;
    this.status = ERROR_CATALOGUE[name].status;
  }
}

/** Shorthand: `throw ngsiError('BadRequestData', 'id must be a URI')`. */
export function ngsiError(name: ErrorName, detail: string): NgsiError {
  return new NgsiError(name, detail);
}

/** Turns anything thrown into a ProblemDetails; unknown errors become InternalError (logged by the caller). */
export function toProblemDetails(err: unknown): ProblemDetails {
  if (err instanceof NgsiError) {
    return { type: ERROR_TYPE_BASE + err.errorName, title: ERROR_CATALOGUE[err.errorName].title, status: err.status, detail: err.message };
  }
  const c = ERROR_CATALOGUE.InternalError;
  return { type: ERROR_TYPE_BASE + 'InternalError', title: c.title, status: c.status, detail: 'Internal error' };
}

export function isNgsiError(err: unknown): err is NgsiError {
  return err instanceof NgsiError;
}

/** The preferred error of each status, for answers that are not NGSI-LD operations (the ingest webhooks). */
const BY_STATUS: Record<number, ErrorName> = {
  400: 'BadRequestData', 404: 'ResourceNotFound', 405: 'MethodNotAllowed', 406: 'NotAcceptable', 409: 'AlreadyExists',
  413: 'PayloadTooLarge', 415: 'UnsupportedMediaType', 422: 'OperationNotSupported',
};

/**
 * The catalogue's error type URI for an HTTP status, so that a type never contradicts its status
 * (5xx: InternalError; another 4xx: BadRequestData).
 * @example errorTypeOf(422) // 'https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported'
 */
export function errorTypeOf(status: number): string {
  return ERROR_TYPE_BASE + (BY_STATUS[status] ?? (status >= 500 ? 'InternalError' : 'BadRequestData'));
}
