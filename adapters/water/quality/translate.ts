/**
 * Water-quality probe readings (JSON) → WaterQualityObserved (pure). The payload is ours, documented
 * in README.md: one reading object or an array of them.
 *
 * ```json
 * { "probeId": "RES-NORD-1", "timestamp": "2026-09-02T06:00:00Z", "location": [4.83, 45.76],
 *   "freeChlorine": 0.32, "pH": 7.6, "turbidity": 0.4, "conductivity": 520, "temperature": 14.2 }
 * ```
 * Also read: a location as a GeoJSON Point or { lat, lon }, a time as Unix seconds or milliseconds
 * (or a local time of the territory's zone), a measure as a decimal number in a string ("7.4").
 * Units: freeChlorine mg/L, turbidity NTU, conductivity µS/cm, temperature °C. Free chlorine goes to
 * the model's analysed component (componentAnalyzed 'Cl2', concentration in mg/L) as in the SDM
 * example. Field names are also read in common other spellings (`free_chlorine`, `turbidity_ntu`,
 * `conductivity_us_cm`, `water_temperature` …: MEASURES' aliases), never one that names another unit.
 *
 * A reading that cannot be translated (out of range, no location …) is refused on its own
 * (Translation.refused, the others written); a numeric field the adapter does not know is not
 * dropped silently: the reading's known measures are written and the unknown names refused, so that
 * the answer and the dead letter say them. A lone reading (not in an array) that cannot be
 * translated → FeedError('translate', …, 422). Several readings of one probe in a batch: only the
 * latest is written (each reading replaces the probe's entity; an earlier one after it would take the
 * probe back in time), as the CSV files' latest line per meter.
 */
import { registryLocation } from '../../../src/ingest/device-registry';
import { FeedError, type AdapterEnv, type IngestMessage, type RefusedPart, type Translation } from '../../../src/ingest/types';
import type { Entity } from '../../../src/ngsi-ld/types';
import { CONTEXT, dateTime, point, property, urn } from '../ngsi';
import { deviceTime, Fields, isObject, parseJson } from '../payload';

interface Measure {
  /** SDM attribute name. */
  attr: string;
  /** UN/CEFACT unit code (turbidity has none: NTU is not in Rec 20). */
  unitCode?: string;
  min: number;
  max: number;
  /**
   * For a measure whose floor is 0: how far below 0 a probe's zero drift may read (its accuracy near
   * zero); a value in [−drift, 0) is written as 0, a lower one is refused.
   */
  drift?: number;
  /** Other spellings of the field, compared without case or separators (normName). */
  aliases: string[];
}

/** Payload field → SDM attribute, unit, the accepted range (physically plausible for drinking water) and aliases. */
export const MEASURES: Record<string, Measure> = {
  pH: { attr: 'pH', unitCode: 'Q30', min: 0, max: 14, aliases: [] },
  turbidity: { attr: 'turbidity', min: 0, max: 4000, drift: 0.05, aliases: ['turbidityntu'] },
  conductivity: { attr: 'conductivity', unitCode: 'G42', min: 0, max: 200000, drift: 1, aliases: ['conductivityuscm', 'electricalconductivity', 'electricalconductivityuscm'] },
  temperature: { attr: 'temperature', unitCode: 'CEL', min: -5, max: 50, aliases: ['temperaturec', 'watertemperature', 'watertemperaturec', 'temp', 'watertemp'] },
  freeChlorine: { attr: 'concentration', unitCode: 'M1', min: 0, max: 20, drift: 0.05, aliases: ['freechlorinemgl', 'freecl2', 'chlorinefree'] },
};

/** Lower case without separators, µ/μ → u: 'conductivity_µS_cm' → 'conductivityuscm'. */
const normName = (k: string): string => k.toLowerCase().replace(/[\s_.\-/()]/g, '').replace(/[µμ]/g, 'u');

/** Normalized field name → the documented field. */
const FIELD_OF = new Map<string, string>(Object.entries(MEASURES).flatMap(([field, m]) => [normName(field), ...m.aliases].map((n) => [n, field] as [string, string])));
/** The reading's own members. */
const READING_MEMBERS = new Set(['probeId', 'timestamp', 'location']);
/** Numeric members that are not measurements (the probe's own state): not reported as unknown. */
const PROBE_STATE = new Set(['battery', 'batterylevel', 'batteryvoltage', 'rssi', 'snr', 'seq', 'sequence']);

const PROBE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_READINGS = 10000;

/** The value of `o` under `names` (null and absent members skipped); NaN when two of them disagree. */
function memberOf(o: Record<string, unknown>, names: string[]): unknown {
  const given = names.map((n) => o[n]).filter((v) => v !== undefined && v !== null);
  return given.every((v) => v === given[0]) ? given[0] : NaN;
}

/**
 * A location as given: `[lon, lat]`, a GeoJSON Point, or `{ lat, lon }` (`latitude`, `longitude`,
 * `lng`); a GeoJSON position's altitude is dropped (a probe is placed on the map); else undefined.
 */
function givenPosition(raw: unknown): unknown[] | undefined {
  const position = (p: unknown): unknown[] | undefined => (Array.isArray(p) && (p.length === 2 || (p.length === 3 && typeof p[2] === 'number')) ? p.slice(0, 2) : undefined);
  if (Array.isArray(raw)) return position(raw);
  if (!isObject(raw)) return undefined;
  if (raw.type === 'Point') return position(raw.coordinates);
  const lat = memberOf(raw, ['lat', 'latitude']);
  const lon = memberOf(raw, ['lon', 'lng', 'longitude']);
  return lat === undefined || lon === undefined ? undefined : [lon, lat];
}

function lonLat(r: Fields, probeId: string, env: AdapterEnv): [number, number] {
  const raw = r.obj.location;
  if (raw === undefined || raw === null) {
    const known = registryLocation(env.devices, probeId);
    if (!known) throw new FeedError('translate', `${r.where}: probe ${probeId} has no location (payload, registry devices or assets)`, 422);
    return known;
  }
  const p = givenPosition(raw);
  const ok = p !== undefined && p.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (!ok || Math.abs(p[0] as number) > 180 || Math.abs(p[1] as number) > 90) r.fail('location', 'must be [longitude, latitude], a GeoJSON Point or { "lat", "lon" } in range');
  return [p[0] as number, p[1] as number];
}

/** A decimal number written as a string, as some probes' JSON has them ("7.4"): digits, one point, an optional sign and exponent. */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A measure's value: a JSON number, or a decimal number as a string. */
function measureValue(r: Fields, key: string): number {
  const v = r.obj[key];
  if (typeof v === 'string' && DECIMAL.test(v) && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'string') r.fail(key, `= ${JSON.stringify(v.slice(0, 40))} is not a number`);
  return r.num(key);
}

/** The measures of a reading by documented field (aliases resolved), and the unknown numeric fields. */
function measuresOf(r: Fields): { values: Map<string, number>; unknown: string[] } {
  const values = new Map<string, number>();
  const from = new Map<string, string>();
  const unknown: string[] = [];
  for (const key of Object.keys(r.obj)) {
    if (READING_MEMBERS.has(key) || !r.has(key)) continue;
    const field = FIELD_OF.get(normName(key));
    if (field === undefined) {
      if (typeof r.obj[key] === 'number' && !PROBE_STATE.has(normName(key))) unknown.push(key);
      continue;
    }
    const v = measureValue(r, key);
    const seen = values.get(field);
    if (seen !== undefined && seen !== v) r.fail(key, `= ${v} disagrees with ${from.get(field)} = ${seen} (the same measure)`);
    values.set(field, v);
    from.set(field, key);
  }
  return { values, unknown };
}

const entityIdOf = (x: unknown, env: AdapterEnv): string | undefined =>
  isObject(x) && typeof x.probeId === 'string' && PROBE_ID.test(x.probeId) ? urn('WaterQualityObserved', env.territory, x.probeId) : undefined;

/** One reading → its entity and the names of its unknown numeric fields; FeedError('translate', …, 422) when it cannot be translated. */
function reading(x: unknown, where: string, env: AdapterEnv): { entity: Entity; unknown: string[] } {
  const r = Fields.of(x, where, 'translate', 422);
  const probeId = r.str('probeId');
  if (!PROBE_ID.test(probeId)) r.fail('probeId', "must be 1-64 letters, digits, '.', '_' or '-'");
  const observedAt = deviceTime(r.obj.timestamp, env.timeZone) ?? r.fail('timestamp', `must be an ISO 8601 date-time with a time zone${env.timeZone ? ` (or a local time of ${env.timeZone})` : ''}, or Unix seconds or milliseconds`);
  const e: Entity = { id: urn('WaterQualityObserved', env.territory, probeId), type: 'WaterQualityObserved', dateObserved: dateTime(observedAt) };
  const { values, unknown } = measuresOf(r);
  for (const [field, m] of Object.entries(MEASURES)) {
    const v = values.get(field);
    if (v === undefined) continue;
    if (v < m.min - (m.drift ?? 0) || v > m.max) r.fail(field, `= ${v} is out of range ${m.min}..${m.max}${m.drift ? ` (down to −${m.drift}, a probe's zero drift, read as ${m.min})` : ''}`);
    e[m.attr] = property(Math.max(v, m.min), { unitCode: m.unitCode, observedAt });
  }
  if (values.size === 0) {
    const also = unknown.length ? `; unknown measurement fields: ${unknown.slice(0, 10).join(', ')}` : '';
    throw new FeedError('translate', `${where} has no measurement (${Object.keys(MEASURES).join(', ')})${also}`, 422);
  }
  if (e.concentration) {
    e.componentAnalyzed = property('Cl2');
    e.componentName = property('free chlorine');
  }
  e.location = point(lonLat(r, probeId, env));
  return { entity: e, unknown };
}

/**
 * @example
 * translateQuality({ body: '{"probeId":"P1","timestamp":"2026-09-02T06:00:00Z","location":[4.8,45.7],"pH":7.6}', … }, env)
 * // → { entities: [WaterQualityObserved urn:ngsi-ld:WaterQualityObserved:<territory>:P1], mode: 'replace', … }
 */
export function translateQuality(message: IngestMessage, env: AdapterEnv): Translation {
  const doc = parseJson(message.body, 'quality readings');
  const batch = Array.isArray(doc);
  const list = batch ? doc : [doc];
  const context = [CONTEXT.waterQuality];
  if (list.length === 0) return { entities: [], context, ignored: 'no readings' };
  if (list.length > MAX_READINGS) throw new FeedError('translate', `too many readings (${list.length} > ${MAX_READINGS})`, 413);
  /** The latest reading of each probe (id → entity and its time), in first-seen order. */
  const latest = new Map<string, { entity: Entity; time: number }>();
  const refused: RefusedPart[] = [];
  list.forEach((x, i) => {
    // a reading's reasons name it `reading` wherever it is (its place goes in `at`): the same reading
    // sent again, alone or in another batch, is the same refusal, the one its dead letter's replay gives
    const where = 'reading';
    const at = batch ? `readings[${i}]` : undefined;
    let done: { entity: Entity; unknown: string[] };
    try {
      done = reading(x, where, env);
    } catch (err) {
      // one bad reading of a batch is refused on its own; a lone one is the message (about its entity, as the part would be)
      if (err instanceof FeedError && !batch) err.entityId ??= entityIdOf(x, env);
      if (!batch || !(err instanceof FeedError)) throw err;
      refused.push({ reason: err.message, entityId: entityIdOf(x, env), payload: JSON.stringify(x), at });
      return;
    }
    const id = String(done.entity.id);
    const time = Date.parse((done.entity.dateObserved as { value: string }).value);
    const seen = latest.get(id);
    if (!seen || !(time < seen.time)) latest.set(id, { entity: done.entity, time });
    if (done.unknown.length > 0) {
      const names = done.unknown.slice(0, 10).join(', ');
      const reason = `${where}: unknown measurement fields not written: ${names} (known: ${Object.keys(MEASURES).join(', ')} and their aliases); its other measures were`;
      refused.push({ reason, entityId: String(done.entity.id), payload: JSON.stringify(x), ...(at ? { at } : {}) });
    }
  });
  const entities = [...latest.values()].map((l) => l.entity);
  return { entities, context, mode: 'replace', ...(refused.length > 0 ? { refused } : {}) };
}
