import type { AdapterEnv } from '../../../src/ingest/types';
import { fixtureEnv } from '../fixture-runner.fixture';
import { MEASURES, translateQuality } from './translate';

const env: AdapterEnv = fixtureEnv();
const run = (body: unknown) => translateQuality({ body: JSON.stringify(body), query: {}, headers: {}, receivedAt: '2026-09-03T00:00:00Z' }, env);
const base = { probeId: 'P1', timestamp: '2026-09-02T06:00:00Z', location: [4.8, 45.7] };
const P1 = 'urn:ngsi-ld:WaterQualityObserved:demo:P1';

test.each(Object.entries(MEASURES).flatMap(([field, m]) => [
  [field, m.min, m.min],
  [field, m.max, m.max],
  [field, m.min - (m.drift ?? 0) - 0.01, undefined],
  [field, m.max + 0.01, undefined],
]))('%s = %s is written as %s', (field, value, written) => {
  const go = () => run({ ...base, [field]: value });
  if (written !== undefined) expect(go().entities[0][MEASURES[field].attr]).toMatchObject({ value: written, observedAt: '2026-09-02T06:00:00.000Z' });
  else expect(go).toThrow(expect.objectContaining({ stage: 'translate', status: 422 }));
});

test.each([
  ['turbidity', -0.02, 0],
  ['turbidity', -0.05, 0],
  ['freeChlorine', -0.03, 0],
  ['conductivity', -0.4, 0],
])("%s = %s, a probe's zero drift, is written as %s", (field, value, written) => {
  expect(run({ ...base, [field]: value }).entities[0][MEASURES[field].attr]).toMatchObject({ value: written });
});

test('beyond the zero drift a negative value is refused, saying the rule', () => {
  expect(() => run({ ...base, turbidity: -0.2 })).toThrow('reading.turbidity = -0.2 is out of range 0..4000 (down to −0.05, a probe\'s zero drift, read as 0)');
  expect(() => run({ ...base, temperature: -5.5 })).toThrow(/^reading.temperature = -5.5 is out of range -5..50$/);
});

test.each([
  [{ ...base, pH: '7,4' }, /reading.pH = "7,4" is not a number/],
  [{ ...base, pH: '0x7' }, /reading.pH = "0x7" is not a number/],
  [{ ...base, pH: true }, /reading.pH must be a finite number/],
  [{ ...base, timestamp: 1e6, pH: 7 }, /reading.timestamp must be an ISO 8601 date-time with a time zone, or Unix seconds or milliseconds/],
  [{ ...base, location: { type: 'Point', coordinates: [4.8] }, pH: 7 }, /reading.location must be \[longitude, latitude\], a GeoJSON Point/],
  [{ ...base, location: { lat: 91, lon: 4.8 }, pH: 7 }, /reading.location must be/],
  [{ ...base, location: { lat: '45.7', lon: 4.8 }, pH: 7 }, /reading.location must be/],
  [{ ...base, location: { lat: 48.8, latitude: 10, lon: 2.3 }, pH: 7 }, /reading.location must be/],
  [{ ...base, location: [4.8, 45.7, 'high'], pH: 7 }, /reading.location must be/],
  [{ ...base, location: [4.8, 45.7, 170, 1], pH: 7 }, /reading.location must be/],
  [{ ...base, probeId: 'a b', pH: 7 }, /reading.probeId must be/],
  [{ ...base, timestamp: '2026-09-02 06:00', pH: 7 }, /reading.timestamp must be an ISO 8601/],
  [{ ...base, location: [200, 0], pH: 7 }, /reading.location must be \[longitude, latitude\]/],
  [{ ...base, pH: 7, ph: 7.2 }, /reading.ph = 7.2 disagrees with pH = 7 \(the same measure\)/],
])('%j is refused', (body, reason) => {
  expect(() => run(body)).toThrow(reason);
});

test('other common forms: a number as a string, a GeoJSON Point or { lat, lon }, Unix seconds or milliseconds', () => {
  const at = '2026-09-02T06:00:00.000Z';
  const forms = [
    [{ location: { type: 'Point', coordinates: [4.8, 45.7] } }, 1788328800], [{ location: { lat: 45.7, lon: 4.8 } }, 1788328800000], [{ location: { latitude: 45.7, longitude: 4.8 } }, at],
    [{ location: [4.8, 45.7, 170] }, at], [{ location: { type: 'Point', coordinates: [4.8, 45.7, 170] } }, at], [{ location: { lat: null, latitude: 45.7, lat_: 1, lng: 4.8, longitude: 4.8 } }, at],
  ] as const;
  for (const [extra, timestamp] of forms) {
    const e = run({ ...base, ...extra, timestamp, pH: ' 7.40 ', turbidity: '1.5e-1' }).entities[0];
    expect(e).toMatchObject({ dateObserved: { value: at }, pH: { value: 7.4 }, turbidity: { value: 0.15 }, location: { value: { type: 'Point', coordinates: [4.8, 45.7] } } });
  }
});

test('a time without a zone is a local time of the territory when its file gives one', () => {
  const zoned = translateQuality({ body: JSON.stringify({ ...base, timestamp: '2026-09-02 08:00', pH: 7 }), query: {}, headers: {}, receivedAt: '2026-09-03T00:00:00Z' }, { ...env, timeZone: 'Europe/Paris' });
  expect(zoned.entities[0].dateObserved).toMatchObject({ value: '2026-09-02T06:00:00.000Z' });
});

test('an empty array is acknowledged without entities', () => {
  expect(run([])).toMatchObject({ entities: [], ignored: 'no readings' });
});

describe('a batch', () => {
  test('one bad reading is refused on its own, with its JSON and the entity it would have given; the others are written', () => {
    const bad = { ...base, probeId: 'P2', turbidity: -0.5 };
    const t = run([{ ...base, pH: 7.1 }, bad, 3]);
    expect(t.entities.map((e) => e.id)).toEqual([P1]);
    expect(t.refused).toEqual([
      { reason: "reading.turbidity = -0.5 is out of range 0..4000 (down to −0.05, a probe's zero drift, read as 0)", entityId: 'urn:ngsi-ld:WaterQualityObserved:demo:P2', payload: JSON.stringify(bad), at: 'readings[1]' },
      { reason: 'reading must be a JSON object', entityId: undefined, payload: '3', at: 'readings[2]' },
    ]);
  });
  test("several readings of one probe: only the latest is written, whatever their order (it would take the probe back in time)", () => {
    const at = (h: number, pH: number) => ({ ...base, timestamp: `2026-09-02T${h}:00:00Z`, pH });
    const t = run([at(21, 7.1), { ...at(20, 7.2), probeId: 'P2' }, at(23, 7.5), at(22, 7.4)]);
    expect(t.entities.map((e) => [e.id, (e.pH as { value: number }).value])).toEqual([[P1, 7.5], ['urn:ngsi-ld:WaterQualityObserved:demo:P2', 7.2]]);
  });
  test('nothing translatable: every reading refused, no entity (the runtime answers 422)', () => {
    const t = run([{ ...base, pH: 15 }]);
    expect(t.entities).toEqual([]);
    expect(t.refused).toHaveLength(1);
  });
});

describe('field names', () => {
  test('common spellings of the documented fields are read', () => {
    const t = run({ ...base, ph: 7.4, free_chlorine: 0.35, turbidity_ntu: 0.2, 'conductivity_µS_cm': 480, water_temperature: 12.1 });
    expect(t.entities[0]).toMatchObject({
      pH: { value: 7.4, unitCode: 'Q30' },
      concentration: { value: 0.35, unitCode: 'M1' },
      componentAnalyzed: { value: 'Cl2' },
      turbidity: { value: 0.2 },
      conductivity: { value: 480, unitCode: 'G42' },
      temperature: { value: 12.1, unitCode: 'CEL' },
    });
    expect(t.refused).toBeUndefined();
  });
  test('an unknown numeric field is not dropped silently: the known measures are written, the unknown names refused', () => {
    const reading = { ...base, pH: 7.4, conductivity_ms_cm: 0.48, orp_mv: 650, site: 'nord', battery: 87 };
    const t = run(reading);
    expect(t.entities[0]).toMatchObject({ pH: { value: 7.4 } });
    expect(t.entities[0].conductivity).toBeUndefined(); // mS/cm is not an alias of the µS/cm field
    expect(t.refused).toEqual([
      {
        reason: 'reading: unknown measurement fields not written: conductivity_ms_cm, orp_mv (known: pH, turbidity, conductivity, temperature, freeChlorine and their aliases); its other measures were',
        entityId: P1,
        payload: JSON.stringify(reading),
      },
    ]);
  });
  test('a reading with only unknown fields says their names', () => {
    expect(() => run({ ...base, chlorine_total: 0.4 })).toThrow('reading has no measurement (pH, turbidity, conductivity, temperature, freeChlorine); unknown measurement fields: chlorine_total');
  });
});

test("a probe without location in its reading is placed by the territory's assets (a probe id that is no DevEUI), else refused", () => {
  const located: AdapterEnv = { ...env, devices: { get: () => undefined, asset: (a) => (a === 'CHL-07' ? { address: 'CHL-07', location: [4.85, 45.74] } : undefined) } };
  const reading = { probeId: 'CHL-07', timestamp: '2026-09-02T06:00:00Z', pH: 7.2 };
  const at = (body: unknown, e: AdapterEnv) => translateQuality({ body: JSON.stringify(body), query: {}, headers: {}, receivedAt: '2026-09-03T00:00:00Z' }, e);
  expect(at(reading, located).entities[0].location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.85, 45.74] } });
  expect(() => at(reading, env)).toThrow('probe CHL-07 has no location (payload, registry devices or assets)');
});
