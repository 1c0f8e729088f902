/**
 * The transforms of mapping expressions (`value | name(args)`), the only callables: number, string,
 * round(digits = 0), percent (÷100: 85 → 0.85), toUpperCase, toLowerCase, slug, date(unit?),
 * default(value). All but `default` leave a missing input missing, so `optional` attributes stay optional.
 */
import { isTimeZone, localToUtc } from '../../src/ingest/zoned-time';
import { Budget, ExprError, isMissing, Missing, show } from './expr-values';

/** What a transform may know of the message besides its arguments. */
export interface TransformEnv {
  /** The territory's IANA zone (territory file `timeZone`), for date('local'). */
  timeZone?: string;
  budget: Budget;
}

export type Transform = (value: unknown, args: unknown[], env: TransformEnv) => unknown;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Epoch ms of an ISO 8601 time with a zone, undefined when it is not one or names a day or time that does not exist. */
function parseIso(s: string): number | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec = 0, , , oh = 0, om = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const days = mo === 2 && leap(y) ? 29 : DAYS[mo - 1];
  if (days === undefined || d < 1 || d > days || h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const t = new Date(Date.UTC(2000, mo - 1, d, h, mi, sec, ms));
  t.setUTCFullYear(y);
  return t.getTime() - (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

/**
 * A time as ISO 8601 UTC with Z (milliseconds only when not zero): an ISO string with a zone (a real
 * calendar day: 2026-02-30 is refused), or epoch seconds / milliseconds (`unit` 's' | 'ms'; guessed
 * from the magnitude when omitted).
 * @example toIsoTime(1788328800) // '2026-09-02T06:00:00Z'
 */
export function toIsoTime(x: unknown, unit?: unknown): string {
  let ms: number | undefined;
  if (typeof x === 'number' && Number.isFinite(x)) {
    const s = unit === 's' || (unit !== 'ms' && Math.abs(x) < 1e11);
    ms = s ? x * 1000 : x;
  } else if (typeof x === 'string') ms = parseIso(x);
  if (ms === undefined) throw new ExprError(`${show(x)} is not a time (ISO 8601 with a zone and a real calendar date, or epoch s/ms)`);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new ExprError(`${show(x)} is not a valid time`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A time without an offset read in `zone` ('local': the territory's timeZone), or toIsoTime. */
function zonedTime(x: unknown, zone: string, env: TransformEnv): string {
  const tz = zone === 'local' ? env.timeZone : zone;
  if (tz === undefined) throw new ExprError("date('local'): the territory file has no timeZone");
  if (typeof x === 'string' && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(x)) {
    const utc = localToUtc(x, tz);
    if (utc === undefined) throw new ExprError(`${show(x)} is not a local date-time (YYYY-MM-DDThh:mm[:ss], a real calendar date)`);
    return utc.replace('.000Z', 'Z');
  }
  return toIsoTime(x);
}

/** One way only to read each string (no backtracking: linear in its length). */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function num(x: unknown, what: string, env: TransformEnv): number {
  if (typeof x === 'string') env.budget.spend(x.length / 64);
  const n = typeof x === 'string' && DECIMAL.test(x.trim()) ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ExprError(`${what}: ${show(x)} is not a number (decimal digits only)`);
  return n;
}

function str(x: unknown, what: string, env: TransformEnv): string {
  if (typeof x !== 'string') throw new ExprError(`${what}: ${show(x)} is not a string`);
  env.budget.spend(x.length / 64);
  return x;
}

/**
 * A string as a device id: accents dropped (é → e), every run of other characters than A-Z a-z 0-9
 * . _ ~ - made one '-'. Lossy: two ids that differ only there become one.
 * @example slug('Entrée Hôtel-de-Ville') // 'Entree-Hotel-de-Ville'
 */
export function slug(s: string): string {
  const dashed = s.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^A-Za-z0-9._~-]+/g, '-');
  // trimmed by hand: /^-+|-+$/ would scan a long run of '-' again from each of its positions
  let from = 0;
  let to = dashed.length;
  while (from < to && dashed[from] === '-') from++;
  while (to > from && dashed[to - 1] === '-') to--;
  const out = dashed.slice(from, to);
  if (out === '') throw new ExprError(`slug: ${show(s)} has no letter or digit to keep`);
  return out;
}

const lift = (f: Transform): Transform => (x, args, env) => (isMissing(x) ? x : f(x, args, env));

/** The transforms, by name. */
export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  number: lift((x, _args, env) => num(x, 'number', env)),
  string: lift((x, _args, env) => {
    const s = typeof x === 'object' ? JSON.stringify(x) : String(x);
    env.budget.spend(s.length / 64);
    return s;
  }),
  round: lift((x, [digits = 0], env) => {
    const d = num(digits, 'round digits', env);
    if (!Number.isInteger(d) || d < 0 || d > 12) throw new ExprError('round: digits must be an integer 0..12');
    const f = 10 ** d;
    return Math.round(num(x, 'round', env) * f) / f;
  }),
  percent: lift((x, _args, env) => num(x, 'percent', env) / 100),
  toUpperCase: lift((x, _args, env) => str(x, 'toUpperCase', env).toUpperCase()),
  toLowerCase: lift((x, _args, env) => str(x, 'toLowerCase', env).toLowerCase()),
  slug: lift((x, _args, env) => slug(typeof x === 'number' ? String(x) : str(x, 'slug', env))),
  date: lift((x, [unit], env) => {
    if (unit === undefined || unit === 's' || unit === 'ms') return toIsoTime(x, unit);
    if (unit === 'local' || (typeof unit === 'string' && isTimeZone(unit))) return zonedTime(x, unit as string, env);
    throw new ExprError(`date: ${show(unit)} is not 's', 'ms', 'local' or an IANA time zone`);
  }),
  default: (x, [d]) => (isMissing(x) ? d : x),
};

/**
 * Applies a transform as expressions do: a missing input gives that Missing (`default`: its fallback),
 * a missing argument gives that argument's Missing.
 */
export function applyTransform(name: string, value: unknown, args: unknown[], env: TransformEnv): unknown {
  if (name === 'default') return isMissing(value) ? (args[0] ?? new Missing('the fallback of |default')) : value;
  if (isMissing(value)) return value;
  const absent = args.find((a) => a instanceof Missing);
  if (absent) return absent;
  const out = TRANSFORMS[name](value, args, env);
  return isMissing(out) ? new Missing(`|${name} of ${show(value)}`) : out;
}
