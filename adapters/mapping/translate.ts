/**
 * Translation of one message by a compiled mapping (pure): payload (parsed JSON; an array is a batch)
 * → one entity per message, normalized NGSI-LD with the mapping's Smart Data Models names.
 * Every failure — an expression that throws, a missing value, a value of the wrong kind, a value out
 * of min..max — is a FeedError('translate', …, 422) naming the attribute and the mapping line.
 */
import { FeedError, type AdapterEnv, type RefusedPart, type Translation } from '../../src/ingest/types';
import { GEOJSON_GEOMETRY_TYPES, type Attribute, type Entity, type GeoProperty, type JsonValue } from '../../src/ngsi-ld/types';
import { isUri } from '../../src/ngsi-ld/entity/terms';
import type { EvalEnv } from './evaluate';
import { BATCH_STEPS_PER_MESSAGE, Budget, isMissing, MAX_STEPS, Missing, show } from './expr-values';
import { toIsoTime } from './expressions';
import type { CompiledAttribute, CompiledExpr, CompiledMapping, ExprContext } from './types';

export const MAX_BATCH = 10000;
const DEVICE_ID = /^[A-Za-z0-9._~-]{1,128}$/;

type Fail = (what: string, line: number, reason: string) => never;

function evaluate(e: CompiledExpr, ctx: ExprContext, env: EvalEnv, what: string, fail: Fail): unknown {
  try {
    return e.evaluate(ctx, env);
  } catch (err) {
    return fail(what, e.line, `expression ${JSON.stringify(e.source)} failed: ${(err as Error).message}`);
  }
}

/** Why an expression gave no value: the input that was missing. */
const noValue = (e: CompiledExpr, v: unknown) => `expression ${JSON.stringify(e.source)} gave no value${v instanceof Missing ? `: ${v.reason}` : ''}`;

/** Replaces {territory}, {deviceId} and {name} in every string of a value. */
function fill<T>(x: T, vars: Record<string, string>): T {
  if (typeof x === 'string') return x.replace(/\{(territory|deviceId|name)\}/g, (_, k: string) => vars[k]) as T;
  if (Array.isArray(x)) return x.map((v) => fill(v, vars)) as T;
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fill(v, vars)])) as T;
  return x;
}

function point(lon: unknown, lat: unknown): GeoProperty | string {
  if (typeof lon !== 'number' || lon < -180 || lon > 180) return `longitude ${show(lon)} is not a number in -180..180`;
  if (typeof lat !== 'number' || lat < -90 || lat > 90) return `latitude ${show(lat)} is not a number in -90..90`;
  return { type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, lat] } };
}

function attribute(a: CompiledAttribute, value: unknown, observedAt: string, fail: Fail): Attribute {
  const what = `attribute ${a.name}`;
  const bad = (reason: string): never => fail(what, a.line, reason);
  if (a.kind === 'Relationship') {
    if (!(isUri(value) || (Array.isArray(value) && value.length > 0 && value.every(isUri)))) bad(`${show(value)} is not an entity id (URI) or a list of them`);
    return { type: 'Relationship', object: value as string | string[] };
  }
  if (a.kind === 'GeoProperty') {
    if (Array.isArray(value) && value.length === 2) {
      const p = point(value[0], value[1]);
      return typeof p === 'string' ? bad(p) : p;
    }
    const g = value as { type?: unknown; coordinates?: unknown };
    if (typeof g !== 'object' || g === null || !GEOJSON_GEOMETRY_TYPES.includes(g.type as never) || !Array.isArray(g.coordinates)) {
      bad(`${show(value)} is neither [lon, lat] nor a GeoJSON geometry`);
    }
    return { type: 'GeoProperty', value: g as GeoProperty['value'] };
  }
  let v = value as JsonValue;
  if (a.valueType === 'DateTime') {
    try {
      v = toIsoTime(value);
    } catch (err) {
      bad((err as Error).message);
    }
  }
  if (a.min !== undefined || a.max !== undefined) {
    if (typeof v !== 'number') bad(`${show(v)} is not a number`);
    if ((a.min !== undefined && (v as number) < a.min) || (a.max !== undefined && (v as number) > a.max)) {
      bad(`${v as number} is out of range ${a.min ?? '-∞'}..${a.max ?? '+∞'}`);
    }
  }
  const p: Attribute = { type: 'Property', value: v };
  if (a.unitCode !== undefined) p.unitCode = a.unitCode;
  if (a.observedAt ?? typeof v === 'number') p.observedAt = observedAt;
  return p;
}

/** `seen.id`: set to the entity id as soon as it is known, so that a refusal after it can name the entity. */
function one(m: CompiledMapping, payload: unknown, env: AdapterEnv, receivedAt: string, where: string, batch?: Budget, seen?: { id?: string }): Entity {
  const fail: Fail = (what, line, reason) => {
    throw new FeedError('translate', `${where}${what} (${m.file} line ${line}): ${reason}`, 422);
  };
  const ctx: ExprContext = { payload, territory: env.territory, receivedAt };
  // the work of all the expressions of one message is bounded together
  const run: EvalEnv = { timeZone: env.timeZone, budget: new Budget(MAX_STEPS, batch) };
  const rawId = evaluate(m.deviceId, ctx, run, 'deviceId', fail);
  if (isMissing(rawId)) fail('deviceId', m.deviceId.line, noValue(m.deviceId, rawId));
  const deviceId = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? String(rawId) : rawId;
  if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) {
    fail('deviceId', m.deviceId.line, `${show(rawId)} is not a device id (1-128 ASCII letters A-Z a-z, digits, '.', '_', '~', '-'; '| slug' makes one of a name with accents or spaces)`);
  }
  ctx.deviceId = deviceId as string;
  ctx.device = env.devices.get(ctx.deviceId);

  let observedAt = receivedAt;
  if (m.observedAt) {
    const t = evaluate(m.observedAt, ctx, run, 'observedAt', fail);
    if (isMissing(t)) fail('observedAt', m.observedAt.line, noValue(m.observedAt, t));
    try {
      observedAt = toIsoTime(t);
    } catch (err) {
      fail('observedAt', m.observedAt.line, (err as Error).message);
    }
  }

  const vars = { territory: env.territory, deviceId: ctx.deviceId, name: m.name };
  const entity: Entity = { id: fill(m.entity.idTemplate, vars), type: m.entity.type };
  if (!isUri(entity.id)) fail('entity id', m.entity.idLine, `${show(entity.id)} is not a URI (no spaces, no < > " { } | \\ ^ \`)`);
  if (seen) seen.id = entity.id;
  for (const [name, a] of Object.entries(m.static)) entity[name] = fill(a, vars);
  for (const a of m.attributes) {
    const v = evaluate(a.expr, ctx, run, `attribute ${a.name}`, fail);
    if (isMissing(v)) {
      if (a.optional) continue;
      fail(`attribute ${a.name}`, a.line, `${noValue(a.expr, v)} (mark it optional: true if the sensor may omit it)`);
    }
    entity[a.name] = attribute(a, v, observedAt, fail);
  }
  const loc = m.location;
  if (loc?.kind === 'fixed') entity.location = point(loc.coordinates[0], loc.coordinates[1]) as GeoProperty;
  else if (loc) {
    const [lon, lat] = [loc.lon, loc.lat].map((e) => {
      const v = evaluate(e, ctx, run, 'location', fail);
      return isMissing(v) ? fail('location', e.line, noValue(e, v)) : v;
    });
    const p = point(lon, lat);
    if (typeof p === 'string') fail('location', loc.line, p);
    entity.location = p as GeoProperty;
  }
  return entity;
}

/**
 * Translates one message (or a batch: a JSON array of messages, each judged on its own: one that
 * cannot be translated is refused alone, its element the payload of its dead letter, and the others
 * are written; only a batch that uses up the work allowed to the whole of it is refused whole).
 * @example
 * translateMapping(wasteBin, uplink, { territory: 'eclor', devices }, { receivedAt: '2026-09-02T06:00:01Z' })
 * // → { entities: [{ id: 'urn:ngsi-ld:WasteContainer:eclor:…', type: 'WasteContainer', fillingLevel: … }], context: […], mode: 'merge' }
 */
export function translateMapping(m: CompiledMapping, payload: unknown, env: AdapterEnv, opts: { receivedAt: string }): Translation {
  const base = { context: [...m.entity.context], mode: m.mode };
  if (!Array.isArray(payload)) {
    const seen: { id?: string } = {};
    try {
      return { ...base, entities: [one(m, payload, env, opts.receivedAt, '', undefined, seen)] };
    } catch (err) {
      // about its entity, as an element of a batch refused on its own is
      if (err instanceof FeedError && seen.id) err.entityId ??= seen.id;
      throw err;
    }
  }
  if (payload.length === 0) return { ...base, entities: [], ignored: 'empty batch' };
  if (payload.length > MAX_BATCH) throw new FeedError('translate', `batch too large (${payload.length} > ${MAX_BATCH} messages)`, 413);
  const batch = new Budget(MAX_STEPS + BATCH_STEPS_PER_MESSAGE * payload.length, undefined, `a batch of ${payload.length} messages`);
  const entities: Entity[] = [];
  const refused: RefusedPart[] = [];
  payload.forEach((p, i) => {
    const seen: { id?: string } = {};
    try {
      entities.push(one(m, p, env, opts.receivedAt, '', batch, seen));
    } catch (err) {
      if (!(err instanceof FeedError)) throw err;
      // the whole batch has used up its work: refused whole, saying where it stopped
      if (batch.exhausted) throw new FeedError(err.stage, `payload[${i}]: ${err.message}`, err.status);
      refused.push({ reason: err.message, payload: JSON.stringify(p), at: `payload[${i}]`, ...(seen.id ? { entityId: seen.id } : {}) });
    }
  });
  return { ...base, entities, ...(refused.length ? { refused } : {}) };
}
