/**
 * Regular expressions of the `~=` / `!~=` operators (ETSI GS CIM 009 v1.8, clause 4.9) and of
 * `idPattern`: JavaScript syntax, plus a leading `(?i)` for case-insensitive matching (the POSIX/PCRE
 * habit of other brokers). Compiled once, kept in a bounded cache shared by SQL and in-memory matching.
 */

const CACHE_SIZE = 256;
const cache = new Map<string, RegExp | null>();

/**
 * Compiles a pattern; null when it is not a valid regular expression.
 *
 * @example
 * compileRegex('(?i)^park')?.test('Parking'); // true
 * compileRegex('(');                          // null
 */
export function compileRegex(pattern: string): RegExp | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let re: RegExp | null;
  try {
    re = pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'i') : new RegExp(pattern);
  } catch {
    re = null;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

/**
 * Whether `value` matches `pattern` (anywhere in the string, as RegExp.test); an invalid pattern
 * matches nothing.
 *
 * @example
 * regexMatch('^urn:ngsi-ld:Road:', 'urn:ngsi-ld:Road:1'); // true
 */
export function regexMatch(pattern: string, value: string): boolean {
  const re = compileRegex(pattern);
  return re !== null && re.test(value);
}
