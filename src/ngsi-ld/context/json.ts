/** Small JSON helpers shared by the @context module. */
import { ngsiError, type NgsiError } from '../errors';

/** True for a non-null, non-array object (a JSON object). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a JSON value for error messages: `a number`, `an array`, … */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The BadRequestData error of an invalid @context. */
export function badContext(detail: string): NgsiError {
  return ngsiError('BadRequestData', `@context: ${detail}`);
}
