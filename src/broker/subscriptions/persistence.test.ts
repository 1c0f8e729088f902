/** Subscriptions survive a restart: document, @context and counters are reloaded from the tenant databases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTenantRegistry } from '../store/tenants';
import { settle, subscriptionTestApp } from './recording-notifier.fixture';

const CTX = 'https://smart-data-models.github.io/dataModel.Streetlighting/context.jsonld';
const LINK = `<${CTX}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const H = { 'content-type': 'application/json', link: LINK, 'ngsild-tenant': 'commune-a' };
const SUB = 'urn:ngsi-ld:Subscription:persist';
const enc = encodeURIComponent;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-subs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('reloads subscriptions with their @context and counters, and keeps notifying', async () => {
  const a = await subscriptionTestApp({ dataDir: dir });
  const sub = { id: SUB, type: 'Subscription', entities: [{ type: 'Streetlight' }], watchedAttributes: ['powerState'], notification: { format: 'keyValues', endpoint: { uri: 'http://127.0.0.1:9/n' } } };
  expect((await a.app.inject({ method: 'POST', url: '/ngsi-ld/v1/subscriptions', headers: H, payload: JSON.stringify(sub) })).statusCode).toBe(201);
  await a.app.inject({ method: 'POST', url: '/ngsi-ld/v1/entities', headers: H, payload: JSON.stringify({ id: 'urn:x:1', type: 'Streetlight', powerState: 'on' }) });
  await settle();
  expect(a.notifier.sent).toHaveLength(1);
  a.broker.subscriptions.flushCounters();
  const reg = createTenantRegistry({ dataDir: dir });
  expect(JSON.parse(reg.forRead('commune-a').subscriptions.get(SUB)!.counters!)).toMatchObject({ timesSent: 1 });
  reg.close();
  await a.close();

  const b = await subscriptionTestApp({ dataDir: dir });
  try {
    const got = JSON.parse((await b.app.inject({ method: 'GET', url: `/ngsi-ld/v1/subscriptions/${enc(SUB)}`, headers: { link: LINK, 'ngsild-tenant': 'commune-a' } })).body);
    expect(got).toMatchObject({ id: SUB, entities: [{ type: 'Streetlight' }], watchedAttributes: ['powerState'], status: 'active', notification: { timesSent: 1, timesFailed: 0, lastSuccess: expect.any(String) } });
    await b.app.inject({ method: 'PATCH', url: `/ngsi-ld/v1/entities/${enc('urn:x:1')}/attrs`, headers: H, payload: JSON.stringify({ powerState: 'off' }) });
    await settle();
    expect(b.notifier.sent).toHaveLength(1);
    expect((b.notifier.sent[0].body as { data: unknown[] }).data).toEqual([{ id: 'urn:x:1', type: 'Streetlight', powerState: 'off' }]);
    expect(b.notifier.sent[0].headers.Link).toContain(CTX);
  } finally {
    await b.close();
  }
});
