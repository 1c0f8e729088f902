/**
 * The join stage on the real runtime (fastify inject, embedded broker in memory) with a slow writer:
 * a site's static part and its first observation sent at the same time end up written together.
 */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import type { Adapter, Translation } from './types';
import type { WriteOutcome } from './write';

const CTX = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld';
const ID = 'urn:ngsi-ld:TrafficFlowObserved:demo:S1:1';

/** `{ "laneId": n }` is a site's static part, `{ "at": "<time>", "intensity": n }` an observation. */
const sites: Adapter = {
  name: 'test/sites',
  path: '/ingest/test/sites',
  contentTypes: ['application/json'],
  requires: { TrafficFlowObserved: ['dateObserved'] },
  handle(msg) {
    const p = JSON.parse(msg.body) as { laneId?: number; at?: string; intensity?: number };
    const e = p.at
      ? { id: ID, type: 'TrafficFlowObserved', dateObserved: { type: 'Property', value: p.at }, intensity: { type: 'Property', value: p.intensity ?? 0, observedAt: p.at } }
      : { id: ID, type: 'TrafficFlowObserved', laneId: { type: 'Property', value: p.laneId ?? 1 } };
    return { entities: [e], context: [CTX], mode: 'merge' };
  },
};

let app: FastifyInstance;
let close: () => Promise<void>;
// a broker that takes its time (an external one, batched): writes land well after the join
const slow = (inner: (t: Translation) => Promise<WriteOutcome>) => async (t: Translation) => {
  await new Promise((r) => setTimeout(r, 30));
  return inner(t);
};
beforeEach(async () => ({ app, close } = await testApp({ adapters: [sites], maxBody: 4096, write: slow })));
afterEach(() => close());

const send = (body: object) => app.inject({ method: 'POST', url: '/ingest/test/sites', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

it('a static part and the first observation sent at once are written together; nothing waits', async () => {
  // the observation's write is still on its way when the static part joins: the part must not wait for another observation
  const [observation, table] = await Promise.all([send({ at: '2026-11-23T01:00:00Z', intensity: 600 }), send({ laneId: 2 })]);
  expect([observation.statusCode, table.statusCode]).toEqual([204, 204]);
  const got = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}?options=keyValues`, headers: { link: `<${CTX}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` } });
  expect(got.json()).toMatchObject({ laneId: 2, dateObserved: '2026-11-23T01:00:00Z', intensity: 600 });
  expect((await app.inject({ method: 'GET', url: '/ingest/waiting' })).json()).toEqual([]);
});

it('the other order: a static part waits, and the observation sent at once writes it', async () => {
  const [table, observation] = await Promise.all([send({ laneId: 3 }), send({ at: '2026-11-23T01:00:00Z', intensity: 600 })]);
  expect([table.statusCode, observation.statusCode]).toEqual([202, 204]);
  const got = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}?options=keyValues`, headers: { link: `<${CTX}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` } });
  expect(got.json()).toMatchObject({ laneId: 3, dateObserved: '2026-11-23T01:00:00Z' });
  expect((await app.inject({ method: 'GET', url: '/ingest/waiting' })).json()).toEqual([]);
});
