/**
 * Canonical form of string values for comparisons (ETSI GS CIM 009 v1.8, clause 4.9): the index
 * (attr-index.ts) and the q literals go through the same function, so that ISO 8601 date-times
 * compare correctly as plain strings whatever their offset or fractional digits.
 */

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Returns the canonical UTC form (`YYYY-MM-DDTHH:MM:SS.sssZ`, always 24 characters, the form of
 * `Date.prototype.toISOString`) of a date-time with a zone designator; any other string unchanged.
 * Fixed width makes lexicographic order the chronological order.
 *
 * @example
 * canonicalStr('2024-01-01T12:00:00+02:00'); // '2024-01-01T10:00:00.000Z'
 * canonicalStr('hello');                     // 'hello'
 */
export function canonicalStr(s: string): string {
  if (s.length < 16 || s.length > 40 || s.charCodeAt(10) !== 0x54 /* T */) return s;
  // the same few times come again and again (a message's observedAt and reception time, for every entity)
  let out = recent.get(s);
  if (out === undefined) {
    out = canonicalDateTime(s);
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(s, out);
  }
  return out;
}

/** Date-times canonicalized lately and their results (a pure function's small memo, emptied when full). */
const recent = new Map<string, string>();
const RECENT_MAX = 256;

function canonicalDateTime(s: string): string {
  const m = DATE_TIME.exec(s);
  if (!m) return s;
  const zone = m[3] === 'Z' ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const t = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(t)) return s;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  return y < 0 || y > 9999 ? s : d.toISOString();
}

/**
 * Compares two strings by Unicode code point, which is the order SQLite's BINARY collation gives
 * to UTF-8 text (JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF).
 *
 * @example
 * compareStr('a', 'b'); // -1
 */
export function compareStr(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (astral code point) sorts after any BMP unit
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
