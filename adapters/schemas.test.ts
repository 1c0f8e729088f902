/**
 * schemas/: every JSON Schema compiles; every entity our adapter fixtures emit validates against
 * schemas/entities/<Type>.schema.json; every valid JSON feed fixture validates against its feed schema
 * (schemas/feeds/), and invalid ones are rejected; the territory fixture validates.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { EpisodeMark } from '../src/ingest/episodes';
import { episodeWrites } from './sdm-validate.fixture';

const ROOT = path.join(__dirname, '..');
const SCHEMAS = path.join(ROOT, 'schemas');
const BASE = 'https://eclor.dev/schemas/';

type Json = Record<string, unknown>;
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const jsonFiles = (dir: string, suffix: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f)) : [];

/** Every schema file, by `$id` (entities/, feeds/ and the mapping schema). */
const schemaFiles = [...jsonFiles(path.join(SCHEMAS, 'entities'), '.schema.json'), ...jsonFiles(path.join(SCHEMAS, 'feeds'), '.schema.json'), path.join(SCHEMAS, 'mapping.schema.json')];
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of schemaFiles) ajv.addSchema(readJson(f) as Json);

function errorsOf(schema: string, data: unknown): string[] {
  const validate = ajv.getSchema(BASE + schema);
  if (!validate) throw new Error(`no schema ${schema}`);
  return validate(data) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

const ENTITY_TYPES = [
  'WaterConsumptionObserved', 'Device', 'Alert', 'WaterQualityObserved', 'Streetlight', 'StreetlightControlCabinet', 'StreetlightGroup',
  'TrafficFlowObserved', 'OffStreetParking', 'ParkingSpot', 'WasteContainer', 'AirQualityObserved',
];

describe('every schema compiles (Ajv 2020-12)', () => {
  it.each(schemaFiles.map((f) => [path.relative(SCHEMAS, f), f]))('%s', (_name, file) => {
    const { $id } = readJson(file) as { $id: string };
    expect($id).toBe(BASE + path.relative(SCHEMAS, file).split(path.sep).join('/'));
    expect(ajv.getSchema($id)).toBeDefined();
  });
  it('has one entity schema per emitted type', () => {
    for (const t of ENTITY_TYPES) expect(fs.existsSync(path.join(SCHEMAS, 'entities', `${t}.schema.json`))).toBe(true);
  });
});

// (b) entity fixtures: adapters/*/fixtures/*.expected.json and adapters/mapping/examples/*.expected.json
const expectedFiles = [
  ...fs.readdirSync(__dirname).flatMap((d) => jsonFiles(path.join(__dirname, d, 'fixtures'), '.expected.json')),
  ...jsonFiles(path.join(__dirname, 'mapping', 'examples'), '.expected.json'),
];
const holdsEntities = (doc: unknown): doc is { entities: Json[]; episodes?: EpisodeMark[] } => Array.isArray((doc as Json).entities);
const fixtureEntities = expectedFiles.flatMap((file) => {
  const doc = readJson(file);
  if (!holdsEntities(doc)) return [];
  return [...doc.entities, ...episodeWrites(doc.episodes)].map((e, i) => [`${path.relative(__dirname, file)} #${i} ${String(e.type)}`, e] as const);
});

describe('fixture entities validate against schemas/entities/<Type>.schema.json', () => {
  it('the fixtures cover every entity schema, and the other expected files hold an error', () => {
    expect(new Set(fixtureEntities.map(([, e]) => e.type))).toEqual(new Set(ENTITY_TYPES));
    for (const f of expectedFiles) {
      const doc = readJson(f) as Json;
      if (!holdsEntities(doc)) expect(Object.keys(doc)).toEqual(['error']);
    }
  });
  it.each(fixtureEntities)('%s', (_name, entity) => {
    expect(errorsOf(`entities/${String(entity.type)}.schema.json`, entity)).toEqual([]);
  });
});

describe('entity schemas reject what we never emit', () => {
  const meter = {
    id: 'urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001',
    type: 'WaterConsumptionObserved',
    waterConsumption: { type: 'Property', value: 5938, unitCode: 'LTR', observedAt: '2026-09-02T00:00:00.000Z' },
  };
  const bad: Array<[string, string, Json]> = [
    ['wrong unit', 'WaterConsumptionObserved', { ...meter, waterConsumption: { ...meter.waterConsumption, unitCode: 'MTQ' } }],
    ['non-integer index', 'WaterConsumptionObserved', { ...meter, waterConsumption: { ...meter.waterConsumption, value: 5.938 } }],
    ['missing observedAt', 'WaterConsumptionObserved', { ...meter, waterConsumption: { type: 'Property', value: 1, unitCode: 'LTR' } }],
    ['observedAt not UTC', 'WaterConsumptionObserved', { ...meter, waterConsumption: { ...meter.waterConsumption, observedAt: '2026-09-02T02:00:00+02:00' } }],
    ['sub-attribute', 'WaterConsumptionObserved', { ...meter, waterConsumption: { ...meter.waterConsumption, accuracy: { type: 'Property', value: 1 } } }],
    ['unknown attribute', 'WaterConsumptionObserved', { ...meter, flow: { type: 'Property', value: 1 } }],
    ['id of another type', 'WaterConsumptionObserved', { ...meter, id: 'urn:ngsi-ld:Device:demo:W1-0001' }],
    ['neither index nor alarm flags', 'WaterConsumptionObserved', { id: meter.id, type: meter.type, refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:demo:0101010101010101' } }],
    ['level above 1', 'Streetlight', { id: 'urn:ngsi-ld:Streetlight:eclor:x', type: 'Streetlight', illuminanceLevel: { type: 'Property', value: 50, unitCode: 'C62', observedAt: '2025-01-15T05:00:00Z' } }],
    ['SDM enum', 'ParkingSpot', { id: 'urn:ngsi-ld:ParkingSpot:demo:P:1', type: 'ParkingSpot', category: { type: 'Property', value: ['offStreet'] }, refParkingSite: { type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:demo:P' }, status: { type: 'Property', value: 'busy', observedAt: '2025-01-15T05:00:00Z' } }],
    ['relationship to another type', 'ParkingSpot', { id: 'urn:ngsi-ld:ParkingSpot:demo:P:1', type: 'ParkingSpot', category: { type: 'Property', value: ['offStreet'] }, refParkingSite: { type: 'Relationship', object: 'urn:ngsi-ld:Device:demo:P' } }],
    ['closed alert without its start', 'Alert', { id: 'urn:ngsi-ld:Alert:demo:W1:leak', type: 'Alert', category: { type: 'Property', value: 'environment' }, severity: { type: 'Property', value: 'medium' }, description: { type: 'Property', value: 'x' }, alertSource: { type: 'Relationship', object: 'urn:ngsi-ld:WaterConsumptionObserved:demo:W1' }, dateIssued: { type: 'Property', value: '2026-09-02T00:00:00Z' }, data: { type: 'Property', value: { kind: 'leak', meterId: 'W1', devEui: '0101010101010101' } }, validTo: { type: 'Property', value: '2026-09-02T00:00:00Z' } }],
    ['open type, not an attribute', 'WasteContainer', { id: 'urn:ngsi-ld:WasteContainer:eclor:x', type: 'WasteContainer', extra: 42 }],
  ];
  it.each(bad)('%s (%s)', (_what, type, entity) => {
    expect(errorsOf(`entities/${type}.schema.json`, entity)).not.toEqual([]);
  });
  it('an open type accepts another attribute a mapping adds', () => {
    expect(errorsOf('entities/WasteContainer.schema.json', { id: 'urn:ngsi-ld:WasteContainer:eclor:x', type: 'WasteContainer', volumeStored: { type: 'Property', value: 0.3, unitCode: 'MTQ' } })).toEqual([]);
  });
});

// (c) feed fixtures: the schema is chosen by the case name's prefix
const WATER = path.join(__dirname, 'water', 'fixtures');
const LIGHTING = path.join(__dirname, 'lighting', 'fixtures');
function feedSchemaOf(file: string): string | undefined {
  const name = path.basename(file);
  if (file.startsWith(LIGHTING)) return name.startsWith('groups-') ? 'talq-groups' : 'talq-log-report';
  const prefixes: Array<[string, string]> = [['chirpstack-up-v3-', 'chirpstack-v3-up'], ['chirpstack-status-v3-', 'chirpstack-v3-status'], ['chirpstack-up-', 'chirpstack-up'], ['chirpstack-status-', 'chirpstack-status'], ['tts-', 'tts-uplink'], ['quality-', 'water-quality']];
  return prefixes.find(([p]) => name.startsWith(p))?.[1];
}
const feedCases = [...jsonFiles(WATER, '.input.json'), ...jsonFiles(LIGHTING, '.input.json')].map((input) => {
  const expected = readJson(input.replace(/\.input\.json$/, '.expected.json'));
  return { name: path.relative(__dirname, input), input, schema: feedSchemaOf(input), valid: holdsEntities(expected) };
});

/**
 * Reports other TALQ gateways send outside the TALQ 2.7.1 schema (strings for numbers, other address
 * shapes, arrays of reports, …), which the adapter accepts on purpose (lighting README, "Other
 * gateways"): the feed schemas stay the standard, so these must fail them.
 */
const BEYOND_TALQ = new Set(
  ['address-shapes', 'cabinet-segments', 'groups-other-shapes', 'other-functions', 'report-array', 'state-changes-only', 'time-offsets', 'typing-lenient', 'vendor-log-types'].map(
    (n) => `lighting/fixtures/${n}.input.json`,
  ),
);

describe('valid feed fixtures validate against schemas/feeds/', () => {
  it('every valid JSON input but ChirpStack join events has a feed schema', () => {
    expect(feedCases.filter((c) => c.valid && !c.schema).map((c) => c.name)).toEqual(['water/fixtures/chirpstack-join-otaa.input.json']);
  });
  it.each(feedCases.filter((c) => c.valid && c.schema && !BEYOND_TALQ.has(c.name)).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(errorsOf(`feeds/${c.schema}.schema.json`, readJson(c.input))).toEqual([]);
  });
  it.each([...BEYOND_TALQ])('%s is accepted beyond the TALQ schema (it fails the standard, the adapter translates it)', (name) => {
    const c = feedCases.find((f) => f.name === name)!;
    expect(c.valid).toBe(true);
    expect(errorsOf(`feeds/${c.schema}.schema.json`, readJson(c.input))).not.toEqual([]);
  });
});

describe('feed schemas reject invalid payloads', () => {
  const fixture = (name: string) => readJson(path.join(WATER, `${name}.input.json`)) as Json;
  const up = fixture('chirpstack-up-axioma');
  const tts = fixture('tts-uplink-registered');
  const report = (data: Json) => ({ address: 'logger-1', entries: [{ data }] });
  const src = '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lampMonitor1';
  const bad: Array<[string, string, unknown]> = [
    ['fixture chirpstack-up-bad-base64', 'chirpstack-up', fixture('chirpstack-up-bad-base64')],
    ['fixture quality-ph-out-of-range', 'water-quality', fixture('quality-ph-out-of-range')],
    ['fixture quality-no-measurement', 'water-quality', fixture('quality-no-measurement')],
    ['fPort 256', 'chirpstack-up', { ...up, fPort: 256 }],
    ['DevEUI of 15 digits', 'chirpstack-up', { ...up, deviceInfo: { devEui: '010101010101010' } }],
    ['time without zone', 'chirpstack-up', { ...up, time: '2026-09-02T23:10:02' }],
    ['battery 120 %', 'chirpstack-status', { deviceInfo: { devEui: '0101010101010101' }, batteryLevel: 120 }],
    ['TTS uplink without dev_eui', 'tts-uplink', { ...tts, end_device_ids: { device_id: 'w1' } }],
    ['TTS f_port as a string', 'tts-uplink', { ...tts, uplink_message: { ...(tts.uplink_message as Json), f_port: '100' } }],
    ['quality location out of range', 'water-quality', { probeId: 'P1', timestamp: '2026-09-02T06:00:00Z', location: [200, 45], pH: 7 }],
    ['TALQ unknown log data type', 'talq-log-report', report({ type: 'FooLogData', srcAddress: src })],
    ['TALQ AttributeFloat with a string', 'talq-log-report', report({ type: 'AttributeLogData', srcAddress: src, attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: '42' } })],
    ['TALQ LevelState 50.5', 'talq-log-report', report({ type: 'StateChangeEventLogData', srcAddress: src, eventType: 'lightStateChange', command: { state: { name: 'LevelState', value: 50.5 } } })],
    ['TALQ srcAddress starting with /', 'talq-log-report', report({ type: 'EventLogData', srcAddress: '/lamp', eventType: 'lampFailure' })],
    ['TALQ timestamp without offset', 'talq-log-report', report({ type: 'EventLogData', srcAddress: src, eventType: 'lampFailure', timestamp: '2025-01-15T05:00:00' })],
    ['TALQ group without members', 'talq-groups', [{ address: 'g-1', ownerCMS: 'cms' }]],
    ['TALQ groups not an array', 'talq-groups', { address: 'g-1', ownerCMS: 'cms', members: [] }],
  ];
  it.each(bad)('%s (%s)', (_what, schema, payload) => {
    expect(errorsOf(`feeds/${schema}.schema.json`, payload)).not.toEqual([]);
  });
});

// (d) the territory file
describe('territory.schema.json', () => {
  it('accepts adapters/water/fixtures/devices.json', () => {
    expect(errorsOf('feeds/territory.schema.json', readJson(path.join(WATER, 'devices.json')))).toEqual([]);
  });
  const withSources = {
    territory: 'eclor',
    devices: [],
    sources: {
      mqtt: { url: 'mqtt://chirpstack.example:1883', password: '${MQTT_PASSWORD}', subscriptions: [{ topic: 'application/+/device/+/event/up', adapter: 'water/chirpstack', query: { event: 'up' } }] },
      poll: [{ url: 'https://partner.example/datex2/parking.xml', everyMs: 60000, adapter: 'mobility/datex2', headers: { authorization: 'Bearer ${DATEX_TOKEN}' } }],
    },
  };
  it('accepts the sources of src/ingest/sources/README.md', () => {
    expect(errorsOf('feeds/territory.schema.json', withSources)).toEqual([]);
  });
  it('accepts a time zone, and meters whose clock is in local time', () => {
    expect(errorsOf('feeds/territory.schema.json', { ...withSources, timeZone: 'Europe/Paris' })).toEqual([]);
    expect(errorsOf('feeds/territory.schema.json', { timeZone: 'Europe/Paris', devices: [{ devEui: '0505050505050505', meterId: 'K-1', codec: 'kamstrup-flowiq2200', meterClock: 'local' }] })).toEqual([]);
  });
  it.each([
    ['bad territory', { territory: 'la commune' }],
    ['time zone not a string', { timeZone: 1 }],
    ['bad devEui', { devices: [{ devEui: 'xyz', meterId: 'W1' }] }],
    ['meterClock neither utc nor local', { devices: [{ devEui: '0505050505050505', meterId: 'K-1', meterClock: 'CET' }] }],
    ['unknown sources key', { sources: { amqp: [] } }],
    ['poll every 500 ms', { sources: { poll: [{ url: 'https://x.example', everyMs: 500, adapter: 'mobility/datex2' }] } }],
    ['mqtt without url', { sources: { mqtt: [{ subscriptions: [] }] } }],
  ])('rejects %s', (_what, doc) => {
    expect(errorsOf('feeds/territory.schema.json', doc)).not.toEqual([]);
  });
});
