/**
 * TALQ times. The data model says "all options of date-time - RFC 3339 shall be supported": `T` or
 * `t`, `Z` or `z` or a ±hh:mm offset, any number of fraction digits. Gateways also send two ISO 8601
 * forms RFC 3339 allows by note or that common libraries write: a space instead of `T`, and an
 * offset without colon (`+0200`, Java's `Z` pattern). All are read; a time without any offset is
 * not (local time of an unknown zone) and stays an error.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):?(\d{2}))$/;
const STRICT = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses a TALQ date-time (RFC 3339, or the lenient forms above) to epoch ms, else undefined. */
function parse(s: string): number | undefined {
  const m = DATE_TIME.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return undefined;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const offset = m[8].toUpperCase() === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[10]}`;
  // JS dates have milliseconds: longer fractions are truncated, not rounded
  const fraction = m[7] ? m[7].slice(0, 4) : '';
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${sec === 60 ? '59' : m[6]}${fraction}${offset}`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** True for an RFC 3339 date-time with a real calendar date and an offset (Z or ±hh:mm). */
export function isRfc3339(s: unknown): s is string {
  return typeof s === 'string' && STRICT.test(s) && parse(s) !== undefined;
}

/**
 * A TALQ date-time as ISO 8601 UTC with milliseconds and `Z` (the NGSI-LD form), or undefined when
 * it is not one.
 *
 * @example
 * toUtc('2025-01-15T05:00:00+01:00'); // '2025-01-15T04:00:00.000Z'
 * toUtc('2025-01-15 05:00:00.123456+0100'); // '2025-01-15T04:00:00.123Z'
 * toUtc('2025-01-15T05:00:00'); // undefined (no offset)
 */
export function toUtc(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const ms = parse(s);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
