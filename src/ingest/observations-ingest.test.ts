/**
 * Late meter frames through the ChirpStack webhook, the ingest runtime and the embedded broker: what
 * the broker holds never goes back in time, a message with nothing newer is a 409 with dead letters.
 */
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { chirpstackAdapter } from '../../adapters/water';
import { axiomaAlarmEvent, axiomaDataEvent } from '../../adapters/water/frames.fixture';
import { createBroker } from '../broker/create-broker';
import type { Broker } from '../broker/request';
import { createApp } from '../http/server';
import { createContextResolver, type ContextResolver } from '../ngsi-ld/context';
import { projectRoot } from '../project-root';
import { createIngest } from './create-ingest';

const ROOT = projectRoot();
const FIXTURES = path.join(ROOT, 'adapters/water/fixtures');
const METER = 'urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001';
const DEVICE = 'urn:ngsi-ld:Device:demo:0101010101010101';
const link = (domain: string) => `<https://raw.githubusercontent.com/smart-data-models/dataModel.${domain}/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

let broker: Broker & { close(): void };
let contexts: ContextResolver;
const running: Array<{ app: FastifyInstance; close(): void }> = [];

/** A fresh ingest runtime (nothing cached, as after a restart) on the same broker. */
async function start(): Promise<FastifyInstance> {
  const ingest = createIngest({ broker, contexts, adapters: [{ ...chirpstackAdapter, validateEntities: true }], dataDir: ':memory:', maxBody: 65536, territoryFile: path.join(FIXTURES, 'devices.json') });
  const app = await createApp({ broker, contexts, maxBody: 65536, log: pino({ level: 'silent' }), root: ROOT, ingest: ingest.routes });
  running.push({ app, close: () => ingest.close() });
  return app;
}

beforeEach(() => {
  broker = createBroker({ dataDir: ':memory:' });
  contexts = createContextResolver({});
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.app.close();
    r.close();
  }
  broker.close();
});

/** The reference 24 h frame at `meterTime` with log volume `logLitres` (+ 116 L of history), status byte `status`, received at `receivedAt`. */
const dataFrame = (meterTime: string, logLitres: number, status = 0, receivedAt = meterTime) => axiomaDataEvent(meterTime, { logLitres, status, receivedAt });
const alarmFrame = axiomaAlarmEvent;

const post = (app: FastifyInstance, body: string) => app.inject({ method: 'POST', url: '/ingest/water/chirpstack?event=up', headers: { 'content-type': 'application/json' }, payload: body });
const get = async (app: FastifyInstance, id: string, domain: string) => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, headers: { link: link(domain) } });
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body) as Record<string, { value?: unknown; observedAt?: string }>;
};

it('a late frame is a 409 with a dead letter per entity, and the stored reading stays; the same frame again is accepted', async () => {
  const app = await start();
  expect((await post(app, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204);

  const late = await post(app, dataFrame('2026-09-02T09:00:00Z', 4900));
  expect(late.statusCode).toBe(409);
  const p = JSON.parse(late.body);
  expect(p).toMatchObject({ status: 409, title: 'Message out of order', stage: 'validate' });
  expect(p.rejected.map((r: { entityId: string }) => r.entityId).sort()).toEqual([DEVICE, METER]);
  expect(p.rejected[0].reason).toMatch(/^out of order: .+ observed at 2026-09-02T09:00:00.000Z, the broker holds one of 2026-09-02T10:00:00.000Z$/);
  const letter = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${p.rejected[0].deadLetter}` })).body);
  expect(letter).toMatchObject({ adapter: 'water/chirpstack', stage: 'validate', reason: expect.stringContaining('out of order') });
  expect((await get(app, METER, 'WaterConsumption')).waterConsumption).toMatchObject({ value: 5116, observedAt: '2026-09-02T10:00:00.000Z' });

  expect((await post(app, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204); // a re-sent frame
  const stats = JSON.parse((await app.inject({ method: 'GET', url: '/ingest/stats' })).body);
  expect(stats['water/chirpstack']).toMatchObject({ received: 3, rejected: 2 });
});

it('after a restart, what the broker holds is read back: a late frame is still refused', async () => {
  const first = await start();
  expect((await post(first, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204);
  const second = await start();
  expect((await post(second, dataFrame('2026-09-02T08:00:00Z', 4800))).statusCode).toBe(409);
  expect((await get(second, METER, 'WaterConsumption')).waterConsumption).toMatchObject({ value: 5116 });
});

it('an alarm frame newer than the day\'s data frame keeps its flags; the data frame still writes its newer index (204)', async () => {
  const app = await start();
  expect((await post(app, dataFrame('2026-09-01T23:00:00Z', 4000))).statusCode).toBe(204);
  expect((await post(app, alarmFrame('2026-09-02T10:30:00Z', 0xa0))).statusCode).toBe(204); // burst, at once
  // the daily frame, read at 10:20 by the meter, arrives after the alarm: no flag in it any more
  expect((await post(app, dataFrame('2026-09-02T10:20:00Z', 5000, 0x00, '2026-09-02T10:40:00Z'))).statusCode).toBe(204);
  const meter = await get(app, METER, 'WaterConsumption');
  expect(meter.waterConsumption).toMatchObject({ value: 5116, observedAt: '2026-09-02T10:20:00.000Z' });
  expect(meter.alarmInProgress).toMatchObject({ value: 1, observedAt: '2026-09-02T10:30:00.000Z' });
  const device = await get(app, DEVICE, 'Device');
  expect(device.deviceState).toMatchObject({ observedAt: '2026-09-02T10:30:00.000Z' });
  expect(device.rssi).toMatchObject({ observedAt: '2026-09-02T10:40:00.000Z' });
});

it('a late frame received late is partly new: the device was heard (207), the meter is refused', async () => {
  const app = await start();
  expect((await post(app, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204);
  const r = await post(app, dataFrame('2026-09-02T09:00:00Z', 4900, 0, '2026-09-02T11:00:00Z'));
  expect(r.statusCode).toBe(207);
  const body = JSON.parse(r.body);
  expect(body.written).toEqual([DEVICE]);
  expect(body.rejected.map((x: { entityId: string }) => x.entityId)).toEqual([METER]);
  expect((await get(app, DEVICE, 'Device')).rssi).toMatchObject({ observedAt: '2026-09-02T11:00:00.000Z' });
});

it('replaying a late frame’s dead letter does not take the meter back in time (409), and the dead letter stays', async () => {
  const app = await start();
  expect((await post(app, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204);
  const late = JSON.parse((await post(app, dataFrame('2026-09-02T09:00:00Z', 4900))).body);
  const meterLetter = late.rejected.find((r: { entityId: string }) => r.entityId === METER).deadLetter;
  const replay = (id: number) => app.inject({ method: 'POST', url: `/ingest/dead-letters/${id}/replay` });

  const again = await replay(meterLetter);
  expect(again.statusCode).toBe(409);
  expect(JSON.parse(again.body)).toMatchObject({ stage: 'validate', deadLetter: meterLetter, detail: expect.stringMatching(/^out of order: /) });
  expect((await get(app, METER, 'WaterConsumption')).waterConsumption).toMatchObject({ value: 5116, observedAt: '2026-09-02T10:00:00.000Z' });
  expect(JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${meterLetter}` })).body)).toMatchObject({ replays: 1, status: 409 });
});

it('an entity deleted through the API no longer holds a late frame back: the broker is asked again', async () => {
  const app = await start();
  expect((await post(app, dataFrame('2026-09-02T10:00:00Z', 5000))).statusCode).toBe(204);
  for (const id of [METER, DEVICE]) expect((await app.inject({ method: 'DELETE', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}` })).statusCode).toBe(204);
  expect((await post(app, dataFrame('2026-09-02T09:00:00Z', 4900))).statusCode).toBe(204);
  expect((await get(app, METER, 'WaterConsumption')).waterConsumption).toMatchObject({ value: 5016, observedAt: '2026-09-02T09:00:00.000Z' });
});
