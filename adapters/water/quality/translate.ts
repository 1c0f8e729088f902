/**
 * Water-quality probe readings (JSON) → WaterQualityObserved (pure). The payload is ours, documented
 * in README.md: one reading object or an array of them.
 *
 * ```json
 * { "probeId": "RES-NORD-1", "timestamp": "2026-09-02T06:00:00Z", "location": [4.83, 45.76],
 *   "freeChlorine": 0.32, "pH": 7.6, "turbidity": 0.4, "conductivity": 520, "temperature": 14.2 }
 * ```
 * Units: freeChlorine mg/L, turbidity NTU, conductivity µS/cm, temperature °C. Free chlorine goes to
 * the model's analysed component (componentAnalyzed 'Cl2', concentration in mg/L) as in the SDM
 * example. Out-of-range values → FeedError('translate', …, 422).
 */
import { FeedError, type AdapterEnv, type IngestMessage, type Translation } from '../../../src/ingest/types';
import type { Entity } from '../../../src/ngsi-ld/types';
import { CONTEXT, dateTime, point, property, urn } from '../ngsi';
import { Fields, parseJson } from '../payload';

interface Measure {
  /** SDM attribute name. */
  attr: string;
  /** UN/CEFACT unit code (turbidity has none: NTU is not in Rec 20). */
  unitCode?: string;
  min: number;
  max: number;
}

/** Payload field → SDM attribute, unit and the accepted range (physically plausible for drinking water). */
export const MEASURES: Record<string, Measure> = {
  pH: { attr: 'pH', unitCode: 'Q30', min: 0, max: 14 },
  turbidity: { attr: 'turbidity', min: 0, max: 4000 },
  conductivity: { attr: 'conductivity', unitCode: 'G42', min: 0, max: 200000 },
  temperature: { attr: 'temperature', unitCode: 'CEL', min: -5, max: 50 },
  freeChlorine: { attr: 'concentration', unitCode: 'M1', min: 0, max: 20 },
};

const PROBE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_READINGS = 10000;

function lonLat(r: Fields, probeId: string, env: AdapterEnv): [number, number] {
  const raw = r.obj.location;
  if (raw === undefined || raw === null) {
    const known = env.devices.get(probeId)?.location;
    if (!known) throw new FeedError('translate', `${r.where}: probe ${probeId} has no location (payload or registry)`, 422);
    return known;
  }
  const ok = Array.isArray(raw) && raw.length === 2 && raw.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (!ok || Math.abs(raw[0] as number) > 180 || Math.abs(raw[1] as number) > 90) r.fail('location', 'must be [longitude, latitude]');
  return [raw[0] as number, raw[1] as number];
}

function reading(x: unknown, where: string, env: AdapterEnv): Entity {
  const r = Fields.of(x, where, 'translate', 422);
  const probeId = r.str('probeId');
  if (!PROBE_ID.test(probeId)) r.fail('probeId', "must be 1-64 letters, digits, '.', '_' or '-'");
  const observedAt = r.time('timestamp');
  const e: Entity = { id: urn('WaterQualityObserved', env.territory, probeId), type: 'WaterQualityObserved', dateObserved: dateTime(observedAt) };
  let measured = 0;
  for (const [field, m] of Object.entries(MEASURES)) {
    const v = r.optNum(field);
    if (v === undefined) continue;
    if (v < m.min || v > m.max) r.fail(field, `= ${v} is out of range ${m.min}..${m.max}`);
    e[m.attr] = property(v, { unitCode: m.unitCode, observedAt });
    measured++;
  }
  if (measured === 0) throw new FeedError('translate', `${where} has no measurement (${Object.keys(MEASURES).join(', ')})`, 422);
  if (e.concentration) {
    e.componentAnalyzed = property('Cl2');
    e.componentName = property('free chlorine');
  }
  e.location = point(lonLat(r, probeId, env));
  return e;
}

/**
 * @example
 * translateQuality({ body: '{"probeId":"P1","timestamp":"2026-09-02T06:00:00Z","location":[4.8,45.7],"pH":7.6}', … }, env)
 * // → { entities: [WaterQualityObserved urn:ngsi-ld:WaterQualityObserved:<territory>:P1], mode: 'replace', … }
 */
export function translateQuality(message: IngestMessage, env: AdapterEnv): Translation {
  const doc = parseJson(message.body, 'quality readings');
  const list = Array.isArray(doc) ? doc : [doc];
  if (list.length === 0) return { entities: [], context: [CONTEXT.waterQuality], ignored: 'no readings' };
  if (list.length > MAX_READINGS) throw new FeedError('translate', `too many readings (${list.length} > ${MAX_READINGS})`, 413);
  const entities = list.map((x, i) => reading(x, Array.isArray(doc) ? `readings[${i}]` : 'reading', env));
  return { entities, context: [CONTEXT.waterQuality], mode: 'replace' };
}
