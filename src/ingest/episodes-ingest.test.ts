/** Episodes through the ingest runtime and the embedded broker: one Alert per episode, stable times, across restarts. */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../broker/create-broker';
import type { Broker } from '../broker/request';
import { createApp } from '../http/server';
import { createContextResolver, type ContextResolver } from '../ngsi-ld/context';
import { projectRoot } from '../project-root';
import { createIngest } from './create-ingest';
import type { Adapter } from './types';

const ALERT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld';
const ID = 'urn:ngsi-ld:Alert:test:m1:leak';

/** A test feed: `{ "leak": true|false, "time": "<ISO>" }` → a leak episode mark of meter m1. */
const leakFeed: Adapter = {
  name: 'test/leak',
  path: '/ingest/test/leak',
  contentTypes: ['application/json'],
  handle(msg) {
    const p = JSON.parse(msg.body) as { leak: boolean; time: string };
    const entity = { id: ID, type: 'Alert', category: { type: 'Property', value: 'environment' }, alertSource: { type: 'Relationship', object: 'urn:ngsi-ld:Meter:m1' } };
    return { context: [ALERT], mode: 'merge', entities: [], episodes: [{ entity, active: p.leak, time: p.time, context: ALERT }] };
  },
};

let broker: Broker & { close(): void };
let contexts: ContextResolver;
const apps: Array<{ app: FastifyInstance; close(): void }> = [];

/** A fresh ingest runtime (an empty episode cache, as after a restart) on the same broker. */
async function start(): Promise<FastifyInstance> {
  const ingest = createIngest({ broker, contexts, adapters: [leakFeed], dataDir: ':memory:', maxBody: 4096 });
  const app = await createApp({ broker, contexts, maxBody: 4096, log: pino({ level: 'silent' }), root: projectRoot(), ingest: ingest.routes });
  apps.push({ app, close: () => ingest.close() });
  return app;
}

beforeEach(() => {
  broker = createBroker({ dataDir: ':memory:' });
  contexts = createContextResolver({});
});
afterEach(async () => {
  for (const a of apps.splice(0)) {
    await a.app.close();
    a.close();
  }
  broker.close();
});

const send = async (app: FastifyInstance, leak: boolean, time: string) => {
  const r = await app.inject({ method: 'POST', url: '/ingest/test/leak', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ leak, time }) });
  expect(r.statusCode).toBe(204);
};
const alert = async (app: FastifyInstance) => {
  const link = `<${ALERT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}?options=keyValues,sysAttrs`, headers: { link } });
  if (r.statusCode === 404) return undefined;
  const e = JSON.parse(r.body) as Record<string, unknown>;
  const time = (v: unknown) => (v as { '@value'?: string } | undefined)?.['@value'] ?? v;
  return { validFrom: time(e.validFrom), validTo: time(e.validTo), dateIssued: time(e.dateIssued), modifiedAt: e.modifiedAt };
};

it('a meter that never alarmed has no Alert; an episode keeps the time it started, and closes once', async () => {
  const app = await start();
  await send(app, false, '2026-09-02T08:00:00Z');
  expect(await alert(app)).toBeUndefined();

  await send(app, true, '2026-09-02T09:00:00Z');
  const opened = await alert(app);
  expect(opened).toMatchObject({ validFrom: '2026-09-02T09:00:00.000Z', dateIssued: '2026-09-02T09:00:00.000Z', validTo: undefined });
  await send(app, true, '2026-09-02T10:00:00Z');
  await send(app, true, '2026-09-02T11:00:00Z');
  expect(await alert(app)).toEqual(opened); // not even rewritten (modifiedAt unchanged)

  await send(app, false, '2026-09-02T12:00:00Z');
  const closed = await alert(app);
  expect(closed).toMatchObject({ validFrom: '2026-09-02T09:00:00.000Z', dateIssued: '2026-09-02T09:00:00.000Z', validTo: '2026-09-02T12:00:00.000Z' });
  await send(app, false, '2026-09-02T13:00:00Z');
  expect(await alert(app)).toEqual(closed);

  // a new episode: the old validTo is deleted, else the Alert would read as expired
  await send(app, true, '2026-09-02T14:00:00Z');
  const reopened = await alert(app);
  expect(reopened).toMatchObject({ validFrom: '2026-09-02T14:00:00.000Z', dateIssued: '2026-09-02T14:00:00.000Z', validTo: undefined });
  // a late frame of the episode before changes nothing; one between the two episodes moves the start back
  await send(app, true, '2026-09-02T11:00:00Z');
  expect(await alert(app)).toEqual(reopened);
  await send(app, true, '2026-09-02T13:00:00Z');
  expect(await alert(app)).toMatchObject({ validFrom: '2026-09-02T13:00:00.000Z', validTo: undefined });
  await send(app, false, '2026-09-02T15:00:00Z');
  expect(await alert(app)).toMatchObject({ validFrom: '2026-09-02T13:00:00.000Z', validTo: '2026-09-02T15:00:00.000Z' });
});

it('after a restart, it reads the open episode back from the broker instead of opening a new one', async () => {
  const first = await start();
  await send(first, true, '2026-09-02T09:00:00Z');
  const second = await start();
  await send(second, true, '2026-09-02T10:00:00Z');
  expect(await alert(second)).toMatchObject({ validFrom: '2026-09-02T09:00:00.000Z' });
  await send(second, false, '2026-09-02T11:00:00Z');
  expect(await alert(second)).toMatchObject({ validFrom: '2026-09-02T09:00:00.000Z', validTo: '2026-09-02T11:00:00.000Z' });
});

it('late frames: a raised flag older than the close changes nothing, an earlier start moves validFrom back', async () => {
  const app = await start();
  await send(app, true, '2026-09-02T10:00:00Z');
  await send(app, true, '2026-09-02T09:30:00Z');
  expect(await alert(app)).toMatchObject({ validFrom: '2026-09-02T09:30:00.000Z', dateIssued: '2026-09-02T09:30:00.000Z' });
  await send(app, false, '2026-09-02T12:00:00Z');
  await send(app, true, '2026-09-02T11:00:00Z');
  expect(await alert(app)).toMatchObject({ validFrom: '2026-09-02T09:30:00.000Z', validTo: '2026-09-02T12:00:00.000Z' });
});
