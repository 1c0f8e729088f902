/**
 * Limits of the q and type-expression parsers and their error helpers. Beyond a limit the request
 * fails with TooComplexQuery (ETSI GS CIM 009 v1.8, clause 5.5.2); syntax errors are BadRequestData.
 */
import { ngsiError, type NgsiError } from '../errors';

export const MAX_QUERY_LENGTH = 4096;
/** Parenthesis nesting. */
export const MAX_DEPTH = 16;
/** Query terms (comparisons and existence tests) in one query. */
export const MAX_TERMS = 64;
/** Values in one value list, over all terms. */
export const MAX_VALUES = 256;
export const MAX_PATH_LEVELS = 8;
export const MAX_PATTERN_LENGTH = 512;

/** BadRequestData naming the parameter and the 1-based position. */
export function syntaxError(what: string, pos: number, message: string): NgsiError {
  return ngsiError('BadRequestData', `Invalid ${what} at position ${pos + 1}: ${message}`);
}

export function tooComplex(what: string, message: string): NgsiError {
  return ngsiError('TooComplexQuery', `${what} is too complex: ${message}`);
}

/** Throws TooComplexQuery when the input is longer than MAX_QUERY_LENGTH. */
export function checkLength(what: string, src: string): void {
  if (src.length > MAX_QUERY_LENGTH) throw tooComplex(what, `longer than ${MAX_QUERY_LENGTH} characters`);
}

/** Describes the character at `pos` for error messages. */
export function describeAt(src: string, pos: number): string {
  return pos >= src.length ? 'end of input' : `'${src[pos]}'`;
}
