/**
 * Unquoted values of the NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9): numbers,
 * `true`/`false`, dates, times, date-times and URIs; and which row kind each value compares with.
 */
import type { QValue } from './ast';
import { canonicalStr } from './canonical';

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d|60)(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

function isDateTime(s: string): boolean {
  const t = s.indexOf('T');
  return t === 10 && isDate(s.slice(0, 10)) && TIME.test(s.slice(11));
}

/**
 * Classifies an unquoted value; undefined when it is none of the spec's value forms.
 *
 * @example
 * classifyBare('21.5');                 // { type: 'number', value: 21.5 }
 * classifyBare('2024-01-01T10:00:00Z'); // { type: 'dateTime', value: '2024-01-01T10:00:00Z' }
 * classifyBare('urn:ngsi-ld:Road:1');   // { type: 'uri', value: 'urn:ngsi-ld:Road:1' }
 */
export function classifyBare(text: string): QValue | undefined {
  if (text === 'true' || text === 'false') return { type: 'boolean', value: text === 'true' };
  if (NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) ? { type: 'number', value: n } : undefined;
  }
  if (isDate(text)) return { type: 'date', value: text };
  if (isDateTime(text)) return { type: 'dateTime', value: text };
  if (TIME.test(text)) return { type: 'time', value: text };
  if (URI.test(text)) return { type: 'uri', value: text };
  return undefined;
}

/** True for the forms that may start a range `a..b` (so a bare token stops at `..`). */
export function isRangeStart(text: string): boolean {
  if (text === '') return false;
  const v = classifyBare(text);
  return v !== undefined && v.type !== 'boolean' && v.type !== 'uri';
}

/** The row kind a value compares with: numbers with 'n', booleans with 'b', all others with 's'. */
export type ValueClass = 'n' | 's' | 'b';

/** A value ready for comparison: class and the number/string/0-1 to compare. */
export type Comparable = { cls: 'n'; v: number } | { cls: 's'; v: string } | { cls: 'b'; v: 0 | 1 };

/**
 * The comparison form of a literal: strings (dates, times, URIs included) in canonical form.
 *
 * @example
 * comparable({ type: 'boolean', value: true }); // { cls: 'b', v: 1 }
 */
export function comparable(v: QValue): Comparable {
  if (v.type === 'number') return { cls: 'n', v: v.value };
  if (v.type === 'boolean') return { cls: 'b', v: v.value ? 1 : 0 };
  return { cls: 's', v: canonicalStr(v.value) };
}

/**
 * The stored strings a date-time or date literal compares with: dates and date-times in their
 * canonical forms (canonical.ts: a date-time is stored as `toISOString()` gives it), which order as
 * times. Other text is no date: `q=x>2026-01-01T00:00:00Z` is not true of `"low"`, which sorts after
 * digits. As SQLite GLOBs (the SQL path) and a RegExp (the in-memory path, which must agree).
 */
const DATED = {
  globs: ['[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]', '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'],
  re: /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\.\d{3}Z)?$/,
};

/** The stored strings a time literal compares with: times (`hh:mm…`). */
const TIMED = { globs: ['[0-9][0-9]:[0-9][0-9]*'], re: /^\d{2}:\d{2}/ };

/**
 * The form stored strings must have to compare with `v`: for a date or date-time, a date or
 * date-time; for a time, a time; undefined for values of other types.
 * @example formOf({ type: 'date', value: '2026-01-01' })?.re.test('low'); // false
 */
export function formOf(v: QValue): { globs: string[]; re: RegExp } | undefined {
  return v.type === 'dateTime' || v.type === 'date' ? DATED : v.type === 'time' ? TIMED : undefined;
}

/** Human name of a value type for error messages. */
export function valueTypeName(v: QValue): string {
  return v.type === 'dateTime' ? 'date-time' : v.type === 'uri' ? 'URI' : v.type;
}
