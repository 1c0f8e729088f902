/** The mapping:test CLI, in-process. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMappingTest } from './cli';
import { EXAMPLES, exampleFile, readJson, RECEIVED_AT } from './test-support.fixture';

function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = runMappingTest(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

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

test('a reading from the future is refused as the runtime refuses it (exit code 1)', () => {
  const input = exampleFile('air-quality', '.input.json');
  // the example reading is observed at 2026-09-02T06:00:00Z: received three days before
  const r = cli(exampleFile('air-quality', '.yaml'), input, '--received-at', '2026-08-30T06:00:00Z');
  expect(r).toMatchObject({ code: 1, out: '', err: 'entity urn:ngsi-ld:AirQualityObserved:eclor:AQ-LYON-CENTRE rejected at validate: observed at 2026-09-02T06:00:00Z, more than 1 h after the message arrived (2026-08-30T06:00:00Z): the device\'s clock is wrong' });
});
