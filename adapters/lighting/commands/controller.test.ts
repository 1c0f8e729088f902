/**
 * The controller against real parts: the embedded broker and the ingest webhooks on a loopback port
 * (reached through the real NGSI-LD client), and a loopback HTTP server standing in for the TALQ
 * gateway. Notifications are built from the entities as the broker returns them and posted to the
 * real webhook, so this does not depend on the broker's notifier (test/e2e/lighting-commands.test.ts does).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { ADAPTERS } from '../..';
import { createBroker } from '../../../src/broker/create-broker';
import { createNgsiLdClient, type NgsiLdClient } from '../../../src/client';
import { createApp } from '../../../src/http/server';
import { createIngest } from '../../../src/ingest/create-ingest';
import { createContextResolver } from '../../../src/ngsi-ld/context';
import { projectRoot } from '../../../src/project-root';
import { GATEWAY } from '../test-support.fixture';
import { STREETLIGHTING_CONTEXT } from '../talq/translate';
import { COMMAND_DEFAULTS, type LightingConfig } from './config';
import { startLightingCommands, type LightingCommands } from './controller';
import { startFakeGateway, type FakeGateway } from './gateway.fixture';
import { createLightingNotificationRoute, LIGHTING_NOTIFICATION_PATH } from './route';

const ROOT = projectRoot();
const LAMP = 'urn:ngsi-ld:Streetlight:eclor:e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21';
const LINK = `<${STREETLIGHTING_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

let app: FastifyInstance;
let base: string;
let closeAll: () => void;
let client: NgsiLdClient;
/** An attribute as the tests read it. */
interface Sub { value?: unknown }
type Attr = Sub & { talqReport?: Sub; targetLevel?: Sub; attempts?: Sub; reason?: Sub };

let gw: FakeGateway;
let commands: LightingCommands;
let notificationNo = 0;

const lighting = (): LightingConfig => ({
  cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c',
  talqApiVersion: '2.7.1',
  gateways: [{ url: gw.url, clientAddress: GATEWAY }, { url: `${gw.url}/fallback`, functionId: 'lampActuator9' }],
  commands: { ...COMMAND_DEFAULTS, backoffMs: 10, maxBackoffMs: 40, giveUpMs: 3000, rampSeconds: 2 },
});

beforeAll(async () => {
  const broker = createBroker({ dataDir: ':memory:' });
  const contexts = createContextResolver({});
  const ingest = createIngest({ broker, contexts, adapters: ADAPTERS, dataDir: ':memory:', maxBody: 1 << 20 });
  const route = createLightingNotificationRoute();
  app = await createApp({ broker, contexts, maxBody: 1 << 20, log: pino({ level: 'silent' }), root: ROOT, ingest: { ...ingest.routes, notifications: [route] } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = createNgsiLdClient({ baseUrl: base, retries: 1 });
  gw = await startFakeGateway();
  // the broker's own notifications (if its subscription API is there) go nowhere: this test posts them itself
  commands = startLightingCommands({ client, lighting: lighting(), territory: 'eclor', notifyUrl: 'http://127.0.0.1:9/nowhere', route, log: pino({ level: 'silent' }), random: () => 0.5 });
  closeAll = () => {
    ingest.close();
    broker.close();
  };
  const report = fs.readFileSync(path.join(__dirname, '../fixtures/lamp-failure.input.json'), 'utf8');
  const res = await fetch(`${base}/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5`, { method: 'POST', headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' }, body: report });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await commands.stop();
  client.close();
  await gw.close();
  await app.close();
  closeAll();
});
beforeEach(() => {
  gw.requests.length = 0;
  gw.plan = () => ({ status: 200 });
});

const entity = async (id: string) => (await client.get(id, { context: STREETLIGHTING_CONTEXT })) as Record<string, Attr>;
/** What the broker would notify for `ids`, posted to the real webhook. */
async function notify(...ids: string[]) {
  const data = await Promise.all(ids.map(entity));
  const res = await fetch(`${base}${LIGHTING_NOTIFICATION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `urn:ngsi-ld:Notification:${++notificationNo}`, type: 'Notification', subscriptionId: 's', notifiedAt: new Date().toISOString(), data }) });
  expect(res.status).toBe(204);
  await commands.idle();
}
const patchAttrs = async (id: string, attrs: object) => expect((await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(id)}/attrs`, { method: 'PATCH', headers: { 'content-type': 'application/json', link: LINK }, body: JSON.stringify(attrs) })).status).toBe(204);
const merge = async (id: string, attrs: object) => expect((await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, { method: 'PATCH', headers: { 'content-type': 'application/json', link: LINK }, body: JSON.stringify(attrs) })).status).toBe(204);
const levels = () => gw.requests.map((r) => (r.body as { value: { state: { value: number } } }).value.state.value);
const outcome = async (id: string) => {
  const c = (await entity(id)).lightCommand;
  return { state: c?.value, targetLevel: c?.targetLevel?.value, attempts: c?.attempts?.value, reason: c?.reason?.value };
};

describe('lighting commands controller', () => {
  it('a level the lamp reported (the log-report adapter\'s write) sends nothing', async () => {
    expect((await entity(LAMP)).illuminanceLevel.talqReport?.value).toBe('0.8@2025-01-15T03:12:44.000Z');
    await notify(LAMP);
    await new Promise((ok) => setTimeout(ok, 100));
    expect(gw.requests).toHaveLength(0);
  });

  it('a level replaced by a flow becomes a targetLightCommand, acknowledged and recorded; a redelivery sends nothing more', async () => {
    await patchAttrs(LAMP, { illuminanceLevel: { type: 'Property', value: 0.3 } });
    await notify(LAMP);
    expect(gw.requests).toHaveLength(1);
    const [r] = gw.requests;
    expect(r.method).toBe('PATCH');
    expect(r.path).toBe('/devices/e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21/lampActuator1/targetLightCommand');
    expect(r.query.clientAddress).toBe('0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c');
    expect(r.body).toMatchObject({ type: 'AttributeCommand', value: { state: { name: 'LevelState', value: 30 }, reason: 'override', cmsRefId: LAMP, rampToLevelTime: 2 } });
    expect(await outcome(LAMP)).toEqual({ state: 'acknowledged', targetLevel: 0.3, attempts: 1, reason: `HTTP 200 from ${gw.url}` });
    expect((await entity(LAMP)).illuminanceLevel.value).toBe(0.3); // recording the outcome left the target alone
    await notify(LAMP); // same change delivered again (or an update of another attribute)
    expect(gw.requests).toHaveLength(1);
  });

  it('a level merged by a flow (the report mark carried along) is detected, and retried until acknowledged', async () => {
    await patchAttrs(LAMP, { illuminanceLevel: { type: 'Property', value: 0.8, unitCode: 'C62', observedAt: '2025-01-15T03:12:44.000Z', talqReport: { type: 'Property', value: '0.8@2025-01-15T03:12:44.000Z' } } });
    await notify(LAMP); // back to a reported level: nothing sent
    expect(gw.requests).toHaveLength(0);
    await merge(LAMP, { illuminanceLevel: { type: 'Property', value: 0.55 } });
    expect((await entity(LAMP)).illuminanceLevel.talqReport).toBeDefined();
    gw.plan = (i) => (i < 2 ? { status: 503 } : { status: 202 });
    await notify(LAMP);
    expect(levels()).toEqual([55, 55, 55]);
    expect(await outcome(LAMP)).toEqual({ state: 'acknowledged', targetLevel: 0.55, attempts: 3, reason: `HTTP 202 from ${gw.url}` });
  });

  it('records a refusal and a level out of range as failed', async () => {
    gw.plan = () => ({ status: 404, body: [{ key: 'resourceNotFound', message: 'unknown device' }] });
    await patchAttrs(LAMP, { illuminanceLevel: { type: 'Property', value: 0.1 } });
    await notify(LAMP);
    expect(await outcome(LAMP)).toEqual({ state: 'failed', targetLevel: 0.1, attempts: 1, reason: 'refused by the gateway: HTTP 404 resourceNotFound: unknown device' });
    await patchAttrs(LAMP, { illuminanceLevel: { type: 'Property', value: 1.5 } });
    gw.requests.length = 0;
    await notify(LAMP);
    expect(gw.requests).toHaveLength(0);
    expect(await outcome(LAMP)).toEqual({ state: 'failed', targetLevel: 0, attempts: 0, reason: 'illuminanceLevel 1.5 is not a number in 0..1' });
  });

  it('fans a group target out to its member lamps and records the group outcome', async () => {
    const groups = [{ address: 'zone-test', ownerCMS: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', members: [{ resource: 'devices', address: 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21' }, { resource: 'devices', address: 'feedbeef-0000-4000-8000-000000000002' }] }];
    expect((await fetch(`${base}/ingest/lighting/talq-groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(groups) })).status).toBe(204);
    const group = 'urn:ngsi-ld:StreetlightGroup:eclor:zone-test';
    await merge(group, { illuminanceLevel: { type: 'Property', value: 0.2 } });
    await notify(group);
    expect(gw.requests.map((r) => r.path).sort()).toEqual([
      '/devices/e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21/lampActuator1/targetLightCommand',
      '/fallback/devices/feedbeef-0000-4000-8000-000000000002/lampActuator9/targetLightCommand', // unknown lamp: catch-all gateway, its functionId
    ]);
    expect(levels()).toEqual([20, 20]);
    expect(await outcome(group)).toEqual({ state: 'acknowledged', targetLevel: 0.2, attempts: 1, reason: '2 lamp(s) acknowledged' });
    expect(await outcome(LAMP)).toMatchObject({ state: 'acknowledged', targetLevel: 0.2 });
  });

  it('answers 415 / 400 on the webhook for what is not a JSON notification', async () => {
    expect((await fetch(`${base}${LIGHTING_NOTIFICATION_PATH}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await fetch(`${base}${LIGHTING_NOTIFICATION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status).toBe(400);
  });
});
