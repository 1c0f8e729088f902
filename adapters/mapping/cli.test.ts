/** The mapping:test CLI, in-process. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMappingTest } from './cli';
import { EXAMPLES, exampleFile, readJson, RECEIVED_AT } from './test-support.fixture';

function cliWith(vars: NodeJS.ProcessEnv, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = runMappingTest(argv, (s) => (out += s), (s) => (err += `${err ? '\n' : ''}${s}`), vars);
  return { code, out, err };
}
const cli = (...argv: string[]) => cliWith({}, ...argv);

test.each(EXAMPLES)('%s: prints the expected translation', (name) => {
  const r = cli(exampleFile(name, '.yaml'), exampleFile(name, '.input.json'), '--received-at', RECEIVED_AT);
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(JSON.parse(r.out)).toEqual(readJson(exampleFile(name, '.expected.json')));
});

test('errors: the reason and the mapping line, exit code 1', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-cli-'));
  try {
    const payload = path.join(tmp, 'p.json');
    fs.writeFileSync(payload, JSON.stringify({ station: 'S1', time: 1788328800, position: { lon: 4.8, lat: 45.7 }, readings: { no2: -3, pm10: 1, pm2_5: 1, o3: 1 } }));
    expect(cli(exampleFile('air-quality', '.yaml'), payload)).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/^message rejected at translate \(HTTP 422\): attribute no2 \(air-quality\.yaml line \d+\): -3 is out of range 0\.\.2000$/) });
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(bad, 'name: x\nsource: { http: {} }\ndeviceId: payload.id |\n');
    expect(cli(bad, payload)).toMatchObject({ code: 1, err: expect.stringMatching(/^invalid mapping bad\.yaml:1: \/: missing field "entity"/) });
    fs.writeFileSync(bad, fs.readFileSync(exampleFile('air-quality', '.yaml'), 'utf8').replace('payload.station | toUpperCase', 'payload.station |'));
    expect(cli(bad, payload).err).toMatch(/^invalid mapping bad\.yaml:10: \/deviceId: expression/);
    expect(cli(bad)).toMatchObject({ code: 1, err: expect.stringMatching(/^usage/) });
    expect(cli(bad, payload, '--bogus', 'x')).toMatchObject({ code: 1, err: expect.stringMatching(/^usage/) });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Runs the air-quality example mapping on a batch of the example reading and `other` (written to a temporary file). */
function airQualityBatch(other: (good: { time: number; readings: object }) => object) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-cli-'));
  try {
    const good = readJson(exampleFile('air-quality', '.input.json')) as { time: number; readings: object };
    const payload = path.join(tmp, 'batch.json');
    fs.writeFileSync(payload, JSON.stringify([good, other(good)]));
    return cli(exampleFile('air-quality', '.yaml'), payload, '--received-at', RECEIVED_AT);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('a batch: the entities of the good elements on stdout, each refused element on stderr, exit code 1', () => {
  const r = airQualityBatch((good) => ({ ...good, station: 'S2', readings: { ...good.readings, no2: -3 } }));
  expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/^message rejected at translate \(HTTP 422\): payload\[1\]: attribute no2 \(air-quality\.yaml line \d+\): -3 is out of range 0\.\.2000$/) });
  expect(JSON.parse(r.out).entities.map((e: { id: string }) => e.id)).toEqual(['urn:ngsi-ld:AirQualityObserved:eclor:AQ-LYON-CENTRE']);
});

test('in a batch, a reading from the future is refused alone; the others are printed (exit code 1)', () => {
  const r = airQualityBatch((good) => ({ ...good, station: 'S2', time: good.time + 86400 }));
  expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/^entity urn:ngsi-ld:AirQualityObserved:eclor:S2 rejected at validate: observed at /) });
  expect(JSON.parse(r.out).entities.map((e: { id: string }) => e.id)).toEqual(['urn:ngsi-ld:AirQualityObserved:eclor:AQ-LYON-CENTRE']);
});

test('a reading from the future is refused as the runtime refuses it (exit code 1)', () => {
  const input = exampleFile('air-quality', '.input.json');
  // the example reading is observed at 2026-09-02T06:00:00Z: received three days before
  const r = cli(exampleFile('air-quality', '.yaml'), input, '--received-at', '2026-08-30T06:00:00Z');
  expect(r).toMatchObject({ code: 1, out: '', err: 'entity urn:ngsi-ld:AirQualityObserved:eclor:AQ-LYON-CENTRE rejected at validate: observed at 2026-09-02T06:00:00Z, more than 1 h after the message arrived: the device\'s clock is wrong' });
});

describe('the environment of the server', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-cli-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, text: string) => (fs.writeFileSync(path.join(tmp, name), text), path.join(tmp, name));
  const mapping = () =>
    file(
      'bin.yaml',
      fs.readFileSync(exampleFile('waste-bin', '.yaml'), 'utf8').replace(/location:\n {2}lon: .*\n {2}lat: .*\n/, 'location:\n  lon: device.location[0]\n  lat: device.location[1]\n'),
    );
  const input = exampleFile('waste-bin', '.input.json');

  test('TERRITORY_FILE: its territory and its device registry (device)', () => {
    const territory = file('territory.json', JSON.stringify({ territory: 'lyon', timeZone: 'Europe/Paris', devices: [{ devEui: '70B3D57ED0051A2C', meterId: 'BIN-1', location: [4.9, 45.8] }] }));
    const r = cliWith({ TERRITORY_FILE: territory }, mapping(), input, '--received-at', RECEIVED_AT);
    expect(r).toMatchObject({ code: 0, err: '' });
    const e = JSON.parse(r.out).entities[0];
    expect(e.id).toBe('urn:ngsi-ld:WasteContainer:lyon:70B3D57ED0051A2C');
    expect(e.location.value.coordinates).toEqual([4.9, 45.8]);
    // --territory still wins; without the file, the device is unknown
    expect(JSON.parse(cliWith({ TERRITORY_FILE: territory }, mapping(), input, '--received-at', RECEIVED_AT, '--territory', 'other').out).entities[0].id).toBe('urn:ngsi-ld:WasteContainer:other:70B3D57ED0051A2C');
    expect(cli(mapping(), input, '--received-at', RECEIVED_AT).err).toMatch(/^message rejected at translate \(HTTP 422\): location .*device is missing: the deviceId is not in the territory device registry$/);
  });

  test('a TERRITORY_FILE that does not load is said', () => {
    const bad = file('territory.json', JSON.stringify({ territory: 'bad territory!' }));
    expect(cliWith({ TERRITORY_FILE: bad }, mapping(), input)).toMatchObject({ code: 1, err: expect.stringMatching(/territory\.json: territory must be 1-64 letters/) });
  });

  test.each<[string[], RegExp]>([
    [['--received-at', 'yesterday'], /^--received-at: "yesterday" is not a time/],
    [['--received-at', '2026-09-02T06:00:02'], /^--received-at: .* is not a time \(ISO 8601 with a zone/],
    [['--received-at', '2026-02-30T06:00:02Z'], /^--received-at: .* is not a time/],
    [['--territory', 'bad territory!'], /^--territory: territory must be 1-64 letters, digits, '_' or '-'$/],
  ])('%p is refused', (args, reason) => {
    expect(cli(mapping(), input, ...args)).toMatchObject({ code: 1, out: '', err: expect.stringMatching(reason) });
  });

  test('load warnings are printed, the translation too', () => {
    const WASTE = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld';
    const DEVICE = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';
    const text = fs.readFileSync(exampleFile('waste-bin', '.yaml'), 'utf8').replace(`    - ${DEVICE}\n    - ${WASTE}\n`, `    - ${WASTE}\n    - ${DEVICE}\n`);
    const r = cli(file('wrong-order.yaml', text), input, '--received-at', RECEIVED_AT);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^warning: wrong-order\.yaml: attribute temperature is defined by the WasteManagement and Device contexts/);
  });
});
