/**
 * The water adapters through the ingest runtime and the embedded broker (in-process, no port): what
 * their translations lead to once written. Times are fixed past instants; nothing depends on the
 * clock but the runtime's own "not after the arrival" check, which past instants always pass.
 */
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../../src/broker/create-broker';
import type { Broker } from '../../src/broker/request';
import { createApp } from '../../src/http/server';
import { createIngest } from '../../src/ingest/create-ingest';
import { createContextResolver } from '../../src/ngsi-ld/context';
import { projectRoot } from '../../src/project-root';
import { waterAdapters } from './index';

const ROOT = projectRoot();
const link = (domain: string) => `<https://raw.githubusercontent.com/smart-data-models/dataModel.${domain}/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

let broker: Broker & { close(): void };
let app: FastifyInstance;
let closeIngest: () => void;

beforeEach(async () => {
  broker = createBroker({ dataDir: ':memory:' });
  const contexts = createContextResolver({});
  const ingest = createIngest({ broker, contexts, adapters: waterAdapters, dataDir: ':memory:', maxBody: 65536, territoryFile: path.join(__dirname, 'fixtures', 'devices.json') });
  closeIngest = () => ingest.close();
  app = await createApp({ broker, contexts, maxBody: 65536, log: pino({ level: 'silent' }), root: ROOT, ingest: ingest.routes });
});
afterEach(async () => {
  await app.close();
  closeIngest();
  broker.close();
});

const post = (url: string, body: unknown, type = 'application/json') =>
  app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
const get = async (id: string, domain: string) => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, headers: { link: link(domain) } });
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body) as Record<string, { value?: unknown; observedAt?: string }>;
};
const stats = async (adapter: string) => JSON.parse((await app.inject({ method: 'GET', url: '/ingest/stats' })).body)[adapter] as Record<string, number>;

/** A ChirpStack `up` event of a meter whose reading is the network server's decoded object. */
const decodedUp = (devEui: string, object: unknown, time: string) => ({ time, deviceInfo: { devEui }, fPort: 2, data: 'AQ==', object });
const chirpstack = (event: string, body: unknown) => post(`/ingest/water/chirpstack?event=${event}`, body);

describe('LoRaWAN meters', () => {
  const METER = 'urn:ngsi-ld:WaterConsumptionObserved:demo:DEC-0004';
  const LEAK = 'urn:ngsi-ld:Alert:demo:DEC-0004:leak';

  test('a reading that says nothing of alarms keeps the open leak Alert and the alarm flag; one that reports them clear closes it', async () => {
    const leak = decodedUp('dec0de0000000004', { volume_m3: 1.5, meter_datetime: '2026-09-02T10:00:00Z', alarms: { leakage: true } }, '2026-09-02T10:00:05Z');
    expect((await chirpstack('up', leak)).statusCode).toBe(204);
    const silent = decodedUp('dec0de0000000004', { volume_m3: 1.6, meter_datetime: '2026-09-02T11:00:00Z' }, '2026-09-02T11:00:05Z');
    expect((await chirpstack('up', silent)).statusCode).toBe(204);
    expect(await get(LEAK, 'Alert')).toMatchObject({ validFrom: { value: '2026-09-02T10:00:00.000Z' } });
    expect((await get(LEAK, 'Alert')).validTo).toBeUndefined();
    const meter = await get(METER, 'WaterConsumption');
    expect(meter.waterConsumption).toMatchObject({ value: 1600, observedAt: '2026-09-02T11:00:00.000Z' });
    expect(meter.alarmInProgress).toMatchObject({ value: 1, observedAt: '2026-09-02T10:00:00.000Z' });

    const clear = decodedUp('dec0de0000000004', { volume_m3: 1.7, meter_datetime: '2026-09-02T12:00:00Z', alarms: {} }, '2026-09-02T12:00:05Z');
    expect((await chirpstack('up', clear)).statusCode).toBe(204);
    expect((await get(LEAK, 'Alert')).validTo).toMatchObject({ value: '2026-09-02T12:00:00.000Z' });
    expect((await get(METER, 'WaterConsumption')).alarmInProgress).toMatchObject({ value: 0 });
  });

  test('the status event of a meter known from its payload alone updates its Device, which keeps what its uplinks wrote', async () => {
    expect((await chirpstack('up', decodedUp('dec0de0000000015', { current_volume_m3: 12.5 }, '2026-09-02T10:00:05Z'))).statusCode).toBe(204);
    const status = { time: '2026-09-02T10:01:00Z', deviceInfo: { devEui: 'dec0de0000000015', tags: {} }, batteryLevel: 64.2, margin: 7 };
    expect((await chirpstack('status', status)).statusCode).toBe(204);
    const device = await get('urn:ngsi-ld:Device:demo:dec0de0000000015', 'Device');
    expect(device).toMatchObject({ batteryLevel: { value: 0.642 }, linkMargin: { value: 7 }, serialNumber: { value: 'dec0de0000000015' } });
  });

  test('a flowIQ installation frame and a TTS console simulation are acknowledged, nothing written', async () => {
    const installation = { time: '2026-09-02T10:00:05Z', deviceInfo: { devEui: '5a5a000000000001', tags: { codec: 'kamstrup-flowiq2200' } }, fPort: 1, data: Buffer.from('72' + '21436587' + '2c2d' + '3c' + '16' + '01' + '00' + '0000' + '04ff16' + '11223300', 'hex').toString('base64') };
    const ack = await chirpstack('up', installation);
    expect([ack.statusCode, ack.json()]).toEqual([200, { written: [], ignored: expect.stringContaining('installation') }]); // the answer says why
    const simulated = { simulated: true, end_device_ids: { dev_eui: '0101010101010101' }, uplink_message: { f_port: 100, frm_payload: 'AQ==' } };
    expect((await post('/ingest/water/tts', simulated)).statusCode).toBe(200);
    expect(await stats('water/chirpstack')).toMatchObject({ written: 0, rejected: 0, ignored: 1 });
    expect(await stats('water/tts')).toMatchObject({ written: 0, rejected: 0, ignored: 1 });
  });
});

test('CSV: a multi-day file sent twice changes nothing the second time and leaves no dead letter', async () => {
  const file = 'meterId;timestamp;index_m3\nW1-0001;2026-09-01T00:00:00Z;5.802\nW1-0002;2026-09-01T00:00:00Z;1,5\nW1-0001;2026-09-02T00:00:00Z;5.938\n';
  for (let i = 0; i < 2; i++) expect((await post('/ingest/water/csv', file, 'text/csv')).statusCode).toBe(204);
  expect(await stats('water/csv')).toMatchObject({ rejected: 0 });
  expect((await get('urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001', 'WaterConsumption')).waterConsumption).toMatchObject({ value: 5938, observedAt: '2026-09-02T00:00:00.000Z' });
});

test('quality: one bad reading of a batch is a dead letter of its own, the others are written (207)', async () => {
  const readings = [
    { probeId: 'RES-1', timestamp: '2026-09-02T06:00:00Z', location: [4.8, 45.7], pH: 7.5, turbidity: -0.02 },
    { probeId: 'RES-2', timestamp: '2026-09-02T06:00:00Z', location: [4.9, 45.7], turbidity: -0.5 },
  ];
  const r = await post('/ingest/water/quality', readings);
  expect(r.statusCode).toBe(207);
  const body = JSON.parse(r.body);
  expect(body.written).toEqual(['urn:ngsi-ld:WaterQualityObserved:demo:RES-1']);
  expect(body.rejected).toMatchObject([{ entityId: 'urn:ngsi-ld:WaterQualityObserved:demo:RES-2', at: 'readings[1]', reason: expect.stringMatching(/^reading.turbidity = -0.5 is out of range/) }]);
  const letter = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}` })).body);
  expect(JSON.parse(letter.payload)).toEqual(readings[1]);
  // the bad reading sent again, alone or at another place of a batch: the same refusal, the same dead letter
  for (const again of [readings[1], [readings[1]], [readings[0], readings[0], readings[1]]]) {
    const res = JSON.parse((await post('/ingest/water/quality', again)).body);
    expect(res.rejected?.[0]?.deadLetter ?? res.deadLetter).toBe(body.rejected[0].deadLetter);
  }
  expect(JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}` })).body)).toMatchObject({ repeats: 3 });
  expect((await get('urn:ngsi-ld:WaterQualityObserved:demo:RES-1', 'WaterQuality')).turbidity).toMatchObject({ value: 0 });
});
