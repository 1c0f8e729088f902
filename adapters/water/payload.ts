/**
 * Reading untrusted JSON payloads (pure): every failure is a FeedError naming the field, so no other
 * exception can escape an adapter.
 */
import { FeedError, type FeedStage } from '../../src/ingest/types';
import { localToUtc } from '../../src/ingest/zoned-time';

export type Json = Record<string, unknown>;

/** Parses a body (a leading UTF-8 byte order mark, which some HTTP clients write, is skipped); malformed JSON → FeedError('decode', …, 400). */
export function parseJson(body: string, what = 'body'): unknown {
  try {
    return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body) as unknown;
  } catch {
    throw new FeedError('decode', `${what} is not valid JSON`, 400);
  }
}

export function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A reader of one object's fields; errors name `<where>.<field>` and carry the given stage/status. */
export class Fields {
  constructor(
    readonly obj: Json,
    readonly where: string,
    readonly stage: FeedStage = 'decode',
    readonly status = 400,
  ) {}

  static of(x: unknown, where: string, stage: FeedStage = 'decode', status = 400): Fields {
    if (!isObject(x)) throw new FeedError(stage, `${where} must be a JSON object`, status);
    return new Fields(x, where, stage, status);
  }

  fail(field: string, must: string): never {
    throw new FeedError(this.stage, `${this.where}.${field} ${must}`, this.status);
  }

  has(field: string): boolean {
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }

  str(field: string): string {
    const v = this.obj[field];
    if (typeof v !== 'string' || v === '') this.fail(field, 'must be a non-empty string');
    return v;
  }

  optStr(field: string): string | undefined {
    return this.has(field) ? this.str(field) : undefined;
  }

  num(field: string): number {
    const v = this.obj[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'must be a finite number');
    return v;
  }

  /**
   * An optional string where an empty (or blank) value counts as absent: a ChirpStack tag or TTS
   * attribute left empty in the console. Another type still fails.
   */
  optText(field: string): string | undefined {
    const v = this.obj[field];
    if (typeof v === 'string' && v.trim() === '') return undefined;
    return this.optStr(field);
  }

  optNum(field: string): number | undefined {
    return this.has(field) ? this.num(field) : undefined;
  }

  optBool(field: string): boolean | undefined {
    if (!this.has(field)) return undefined;
    const v = this.obj[field];
    if (typeof v !== 'boolean') this.fail(field, 'must be a boolean');
    return v;
  }

  child(field: string): Fields {
    return Fields.of(this.obj[field], `${this.where}.${field}`, this.stage, this.status);
  }

  optObj(field: string): Fields | undefined {
    return this.has(field) ? this.child(field) : undefined;
  }

  optArr(field: string): unknown[] {
    if (!this.has(field)) return [];
    const v = this.obj[field];
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    return v;
  }

  /** An ISO 8601 date-time with a zone, returned normalized to UTC `…Z` (milliseconds). */
  time(field: string): string {
    return isoTime(this.str(field), () => this.fail(field, 'must be an ISO 8601 date-time with a time zone'));
  }

  optTime(field: string): string | undefined {
    return this.has(field) ? this.time(field) : undefined;
  }
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * Normalizes an ISO 8601 date-time with a zone to `YYYY-MM-DDTHH:mm:ss.sssZ`, or, with `zone` (the
 * territory's), one without as a local time of that zone; otherwise (or a day like 02-30) calls `bad`.
 */
export function isoTime(s: string, bad: () => never, zone?: string): string {
  const m = ISO_WITH_ZONE.exec(s);
  if (!m) return (zone && localToUtc(s, zone)) || bad();
  const [y, mo, d, h, mi, sec = '0', oh = '0', om = '0'] = m.slice(1);
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const fieldsOk = day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d) && Number(h) < 24 && Number(mi) < 60 && Number(sec) < 60 && Number(oh) < 24 && Number(om) < 60;
  const t = Date.parse(s);
  if (!fieldsOk || !Number.isFinite(t)) bad();
  return new Date(t).toISOString();
}

/**
 * A device's time (a meter's, a probe's): ISO 8601 with a zone (or without one, read in `zone`, the territory's, when given), or
 * Unix seconds / milliseconds between 2000 and 2100.
 */
export function deviceTime(v: unknown, zone?: string): string | undefined {
  if (typeof v === 'number') {
    const ms = v >= 946684800 && v < 4102444800 ? v * 1000 : v >= 946684800000 && v < 4102444800000 ? v : NaN;
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  if (typeof v !== 'string') return undefined;
  try {
    return isoTime(
      v,
      () => {
        throw new RangeError();
      },
      zone,
    );
  } catch {
    return undefined;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 → bytes; anything else → FeedError('decode', …, 400). */
export function base64Bytes(s: string, where: string): Uint8Array {
  if (!BASE64.test(s)) throw new FeedError('decode', `${where} is not base64`, 400);
  return new Uint8Array(Buffer.from(s, 'base64'));
}
