/** Translation: the shipped examples (fixture pairs), transforms, and every failure as a FeedError. */
import fs from 'node:fs';
import { FeedError, type AdapterEnv } from '../../src/ingest/types';
import { mappingAdapter } from './adapter';
import { loadMappingFile, parseMapping } from './load';
import { translateMapping } from './translate';
import { BASE_MAPPING, env, EXAMPLES, exampleFile, message, readJson, RECEIVED_AT } from './test-support.fixture';

const base = parseMapping(BASE_MAPPING, 'probe.yaml');
const run = (payload: unknown, m = base, e: AdapterEnv = env) => translateMapping(m, payload, e, { receivedAt: RECEIVED_AT });

function feedError(f: () => unknown): FeedError {
  try {
    f();
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw err;
  }
  throw new Error('no FeedError');
}

describe.each(EXAMPLES)('example %s', (name) => {
  const adapter = mappingAdapter(loadMappingFile(exampleFile(name, '.yaml')));
  test('adapter contract', () => {
    expect(adapter).toMatchObject({ name: `mapping/${name}`, path: `/ingest/mapping/${name}`, contentTypes: ['application/json'] });
  });
  test('input → expected', () => {
    const out = adapter.handle(message(fs.readFileSync(exampleFile(name, '.input.json'), 'utf8')), env);
    expect(out).toEqual(readJson(exampleFile(name, '.expected.json')));
  });
});

test('a base message', () => {
  expect(run({ id: 'B-1', level: 42 })).toEqual({
    context: base.entity.context,
    mode: 'merge',
    entities: [
      {
        id: 'urn:ngsi-ld:WasteContainer:eclor:B-1',
        type: 'WasteContainer',
        fillingLevel: { type: 'Property', value: 0.42, observedAt: RECEIVED_AT },
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.83, 45.75] } },
      },
    ],
  });
});

test('a JSON array is a batch; an element that cannot be translated is refused alone, named, its element kept', () => {
  expect(run([{ id: 1, level: 10 }, { id: 2, level: 20, t: 3 }]).entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:WasteContainer:eclor:1', 'urn:ngsi-ld:WasteContainer:eclor:2']);
  expect(run([])).toMatchObject({ entities: [], ignored: 'empty batch' });
  const t = run([{ id: 1, level: 10 }, { id: 2, level: 120 }, { level: 5 }, { id: 4, level: 40 }]);
  expect(t.entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:WasteContainer:eclor:1', 'urn:ngsi-ld:WasteContainer:eclor:4']);
  expect(t.refused).toEqual([
    { reason: expect.stringMatching(/^attribute fillingLevel \(probe.yaml line 10\): 1\.2 is out of range/), entityId: 'urn:ngsi-ld:WasteContainer:eclor:2', payload: '{"id":2,"level":120}', at: 'payload[1]' },
    { reason: expect.stringMatching(/^deviceId /), payload: '{"level":5}', at: 'payload[2]' },
  ]);
  expect(run([{ id: 1, level: 10 }]).refused).toBeUndefined();
});

describe('failures are FeedError(translate, 422) naming the attribute and the line', () => {
  test.each<[string, unknown, RegExp]>([
    ['above max', { id: 'a', level: 101 }, /^attribute fillingLevel \(probe\.yaml line 10\): 1\.01 is out of range 0\.\.1$/],
    ['below min', { id: 'a', level: -5 }, /^attribute fillingLevel \(probe\.yaml line 10\): -0\.05 is out of range 0\.\.1$/],
    ['missing value', { id: 'a' }, /^attribute fillingLevel \(probe\.yaml line 10\): expression "payload\.level \| percent" gave no value/],
    ['not a number', { id: 'a', level: 'full' }, /^attribute fillingLevel \(probe\.yaml line 11\): expression .* failed: percent: "full" is not a number/],
    ['bool where a number is expected', { id: 'a', level: true }, /^attribute fillingLevel .*is not a number/],
    ['missing device id', { level: 3 }, /^deviceId \(probe\.yaml line 4\): expression "payload\.id" gave no value/],
    ['bad device id', { id: 'a:b', level: 3 }, /^deviceId \(probe\.yaml line 4\): "a:b" is not a device id/],
    ['object device id', { id: { x: 1 }, level: 3 }, /^deviceId .* is not a device id/],
    ['payload not an object', 'hello', /^deviceId .* gave no value/],
  ])('%s', (_label, payload, reason) => {
    const e = feedError(() => run(payload));
    expect({ stage: e.stage, status: e.status }).toEqual({ stage: 'translate', status: 422 });
    expect(e.message).toMatch(reason);
  });

  test('observedAt, location, relationship, geo and DateTime values', () => {
    const m = parseMapping(
      BASE_MAPPING.replace('location:\n  coordinates: [4.83, 45.75]', 'location:\n  lon: payload.lon\n  lat: payload.lat')
        .replace('attributes:', 'observedAt: payload.time | date\nattributes:\n  refDevice:\n    type: Relationship\n    expr: payload.ref\n    optional: true\n  area:\n    type: GeoProperty\n    expr: payload.area\n    optional: true\n  dateLastEmptying:\n    expr: payload.emptied\n    valueType: DateTime\n    optional: true'),
      'probe.yaml',
    );
    const ok = { id: 'a', level: 50, lon: 4.8, lat: 45.7, time: '2026-09-02T08:00:00+02:00' };
    const e = run({ ...ok, ref: 'urn:ngsi-ld:Device:x', area: [4.8, 45.7], emptied: 1788300000000 }, m).entities[0];
    expect(e.fillingLevel).toEqual({ type: 'Property', value: 0.5, observedAt: '2026-09-02T06:00:00Z' });
    expect(e.refDevice).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:Device:x' });
    expect(e.area).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.8, 45.7] } });
    expect(e.dateLastEmptying).toEqual({ type: 'Property', value: '2026-09-01T22:00:00Z' });
    expect(e.location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.8, 45.7] } });
    const fails: Array<[unknown, RegExp]> = [
      [{ ...ok, time: 'yesterday' }, /^observedAt \(probe\.yaml line 9\): .*"yesterday" is not a time/],
      [{ ...ok, time: undefined }, /^observedAt \(probe\.yaml line 9\): expression "payload\.time \| date" gave no value: payload\.time is missing$/],
      [{ ...ok, time: '2026-02-30T08:00:00Z' }, /^observedAt .*"2026-02-30T08:00:00Z" is not a time \(ISO 8601 with a zone and a real calendar date/],
      [{ ...ok, lat: undefined }, /^location \(probe\.yaml line \d+\): expression "payload\.lat" gave no value: payload\.lat is missing$/],
      [{ ...ok, lat: 91 }, /^location \(probe\.yaml line \d+\): latitude 91 is not a number in -90\.\.90/],
      [{ ...ok, lon: '4.8' }, /^location .*longitude "4\.8" is not a number/],
      [{ ...ok, ref: 'not a urn' }, /^attribute refDevice \(probe\.yaml line 11\): "not a urn" is not an entity id/],
      [{ ...ok, area: { type: 'Circle' } }, /^attribute area .*neither \[lon, lat\] nor a GeoJSON geometry/],
      [{ ...ok, emptied: 'soon' }, /^attribute dateLastEmptying .*"soon" is not a time/],
    ];
    for (const [payload, reason] of fails) expect(feedError(() => run(payload, m)).message).toMatch(reason);
  });
});

test('optional attributes are skipped when absent; observedAt defaults to numeric Properties', () => {
  const m = parseMapping(BASE_MAPPING.replace('attributes:', 'attributes:\n  serialNumber:\n    expr: payload.sn | toUpperCase\n    optional: true'), 'probe.yaml');
  const e = run({ id: 'a', level: 1, sn: 'ab-1', t: 7 }, m).entities[0];
  expect(e.serialNumber).toEqual({ type: 'Property', value: 'AB-1' });
  expect(e.temperature).toEqual({ type: 'Property', value: 7, unitCode: 'CEL', observedAt: RECEIVED_AT });
  const bare = run({ id: 'a', level: 1, t: null }, m).entities[0];
  expect(Object.keys(bare)).toEqual(['id', 'type', 'fillingLevel', 'location']);
});

test('static attributes fill {territory}, {deviceId} and {name}', () => {
  const m = parseMapping(
    BASE_MAPPING.replace('location:', "static:\n  storedWasteKind: glass\n  binCapacity: { value: 3, unitCode: MTQ }\n  refDevice: { type: Relationship, object: 'urn:ngsi-ld:Device:{territory}:{deviceId}' }\n  description: 'sensor {name} {unknown}'\nlocation:"),
    'probe.yaml',
  );
  const e = run({ id: 'X9', level: 1 }, m, { ...env, territory: 'lyon' }).entities[0];
  expect(e.storedWasteKind).toEqual({ type: 'Property', value: 'glass' });
  expect(e.binCapacity).toEqual({ type: 'Property', value: 3, unitCode: 'MTQ' });
  expect(e.refDevice).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:Device:lyon:X9' });
  expect(e.description).toEqual({ type: 'Property', value: 'sensor probe {unknown}' });
  expect(e.id).toBe('urn:ngsi-ld:WasteContainer:lyon:X9');
});

test('expressions see the device registry entry', () => {
  const m = parseMapping(BASE_MAPPING.replace('location:\n  coordinates: [4.83, 45.75]', 'location:\n  lon: device.location[0]\n  lat: device.location[1]'), 'probe.yaml');
  const devices = { get: (id: string) => (id === 'B7' ? { devEui: 'B7', meterId: 'B7', location: [4.9, 45.8] as [number, number] } : undefined) };
  expect(run({ id: 'B7', level: 1 }, m, { ...env, devices }).entities[0].location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.9, 45.8] } });
  expect(feedError(() => run({ id: 'B8', level: 1 }, m, { ...env, devices })).message).toBe(
    'location (probe.yaml line 19): expression "device.location[0]" gave no value: device is missing: the deviceId is not in the territory device registry',
  );
});

test('non-JSON bodies are decode errors; a UTF-8 byte order mark is not', () => {
  const e = feedError(() => mappingAdapter(base).handle(message('{"id":'), env));
  expect({ stage: e.stage, status: e.status }).toEqual({ stage: 'decode', status: 400 });
  expect(mappingAdapter(base).handle(message('\uFEFF{"id":"b","level":5}'), env).entities[0].id).toBe('urn:ngsi-ld:WasteContainer:eclor:b');
});

describe('a missing input is a missing value, however it is reached', () => {
  const m = parseMapping(
    BASE_MAPPING.replace(
      'attributes:',
      "attributes:\n  rssi:\n    expr: payload.rxInfo[0].rssi\n    optional: true\n  no2:\n    expr: payload.list[.kind == 'no2'].value\n    optional: true\n  tempC:\n    expr: ((payload.tempF | number) - 32) * 5 / 9 | round(1)\n    optional: true",
    ),
    'probe.yaml',
  );
  test.each<[string, unknown]>([
    ['no rxInfo, no list, no tempF', { id: 'a', level: 1 }],
    ['rxInfo null, list null', { id: 'a', level: 1, rxInfo: null, list: null }],
    ['rxInfo empty, no no2 in the list', { id: 'a', level: 1, rxInfo: [], list: [{ kind: 'o3', value: 3 }] }],
  ])('optional attributes are skipped: %s', (_label, payload) => {
    expect(Object.keys(run(payload, m).entities[0])).toEqual(['id', 'type', 'fillingLevel', 'location']);
  });
  test('and written when there', () => {
    const e = run({ id: 'a', level: 1, rxInfo: [{ rssi: -90 }], list: [{ kind: 'no2', value: 40 }], tempF: '212' }, m).entities[0];
    expect([e.rssi, e.no2, e.tempC].map((a) => (a as { value: unknown }).value)).toEqual([-90, 40, 100]);
  });
  test('a required attribute computed from a missing input is refused, naming it', () => {
    const required = parseMapping(BASE_MAPPING.replace('payload.level | percent', '(payload.raw.level * 2) | percent | round(2)'), 'probe.yaml');
    expect(feedError(() => run({ id: 'a', raw: {} }, required)).message).toBe(
      'attribute fillingLevel (probe.yaml line 10): expression "(payload.raw.level * 2) | percent | round(2)" gave no value: payload.raw.level is missing (mark it optional: true if the sensor may omit it)',
    );
  });
});

test('an entity id that is not a URI is refused by the translation', () => {
  expect(feedError(() => run({ id: 'a', level: 1 }, base, { ...env, territory: 'my town' })).message).toMatch(
    /^entity id \(probe\.yaml line 7\): "urn:ngsi-ld:WasteContainer:my town:a" is not a URI/,
  );
});

test('device ids: ASCII only, | slug makes one of a name', () => {
  expect(feedError(() => run({ id: 'Entrée-Hôtel-de-Ville', level: 1 })).message).toMatch(/is not a device id \(1-128 ASCII letters A-Z a-z, digits, .*'\| slug'/);
  const m = parseMapping(BASE_MAPPING.replace('deviceId: payload.id', 'deviceId: payload.id | slug'), 'probe.yaml');
  expect(run({ id: 'Entrée Hôtel-de-Ville', level: 1 }, m).entities[0].id).toBe('urn:ngsi-ld:WasteContainer:eclor:Entree-Hotel-de-Ville');
});

test("date('local') reads a time without an offset in the territory's timeZone", () => {
  const m = parseMapping(BASE_MAPPING.replace('attributes:', "observedAt: payload.time | date('local')\nattributes:"), 'probe.yaml');
  expect(run({ id: 'a', level: 1, time: '2026-09-02T08:00:00' }, m, { ...env, timeZone: 'Europe/Paris' }).entities[0].fillingLevel).toMatchObject({ observedAt: '2026-09-02T06:00:00Z' });
  expect(feedError(() => run({ id: 'a', level: 1, time: '2026-09-02T08:00:00' }, m)).message).toMatch(/^observedAt .*the territory file has no timeZone/);
});

test('the work of a batch is bounded as a whole', () => {
  const m = parseMapping(BASE_MAPPING.replace('payload.t\n', 'payload.l[.x in payload.ids][0].x\n'), 'probe.yaml');
  const heavy = { id: 'a', level: 1, l: Array.from({ length: 600 }, (_, x) => ({ x })), ids: Array.from({ length: 600 }, (_, i) => i) };
  expect(run(heavy, m).entities[0].temperature).toMatchObject({ value: 0 }); // one is fine
  expect(feedError(() => run(Array(100).fill(heavy), m)).message).toMatch(/^payload\[\d+\]: attribute temperature .*needs more than 1100000 steps of work for a batch of 100 messages/);
});

test('expressions cannot reach functions or prototypes: a member that is not an own JSON member is missing', () => {
  const m = parseMapping(BASE_MAPPING.replace('    expr: payload.t\n', "    expr: payload['constructor']\n"), 'probe.yaml');
  expect(run({ id: 'a', level: 1 }, m).entities[0].temperature).toBeUndefined();
});
