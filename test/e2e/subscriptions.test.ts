/**
 * Subscriptions end to end: the real application (src/main.ts, with the real notifier) on a loopback
 * port notifies a real HTTP receiver on 127.0.0.1; after a restart on the same DATA_DIR the
 * subscription is still there with its counters, and still notifies. Then three subscriptions side by
 * side: a dead endpoint (a refused port), a live HTTP receiver and an MQTT topic on a real broker
 * (aedes): the live ones get every notification in order while the dead one fails, and after a restart
 * of the platform the MQTT subscription notifies again.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import mqtt from 'mqtt';
import { loadConfig } from '../../src/config';
import { startTestBroker, type TestBroker } from '../../src/ingest/sources/mqtt-broker.fixture';
import { start, type Running } from '../../src/main';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: { id: string; type: string; subscriptionId: string; notifiedAt: string; data: Array<Record<string, unknown>> };
}

const SUB = 'urn:ngsi-ld:Subscription:e2e:lights';
const E = 'urn:ngsi-ld:Streetlight:e2e:1';
const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let receiver: http.Server;
let receiverPort: number;
const received: Received[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-e2e-subs-'));
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverPort = (receiver.address() as { port: number }).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((ok) => receiver.close(ok));
  fs.rmSync(dir, { recursive: true, force: true });
});

const startApp = (): Promise<Running> => start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_RED: 'off' }));

async function api(port: number, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${port}/ngsi-ld/v1${url}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Waits (at most 5 s) until `n` notifications arrived. */
async function arrived(n: number): Promise<Received[]> {
  for (let i = 0; i < 100 && received.length < n; i++) await sleep(50);
  expect(received).toHaveLength(n);
  return received;
}

it('notifies a real HTTP endpoint and keeps the subscription and its counters across a restart', async () => {
  let app = await startApp();
  try {
    const sub = {
      id: SUB, type: 'Subscription', entities: [{ type: 'Streetlight' }], watchedAttributes: ['powerState'],
      notification: { endpoint: { uri: `http://127.0.0.1:${receiverPort}/notify`, accept: 'application/json' } },
    };
    expect((await api(app.port, 'POST', '/subscriptions', sub)).status).toBe(201);
    expect((await api(app.port, 'POST', '/entities', { id: E, type: 'Streetlight', powerState: { type: 'Property', value: 'on' } })).status).toBe(201);
    expect((await api(app.port, 'PATCH', `/entities/${enc(E)}/attrs`, { powerState: { type: 'Property', value: 'off' } })).status).toBe(204);
    const [created, updated] = await arrived(2);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(created.headers.link).toContain('ngsi-ld-core-context');
    expect(updated.body).toMatchObject({ type: 'Notification', subscriptionId: SUB, data: [{ id: E, type: 'Streetlight', powerState: { type: 'Property', value: 'off' } }] });
    expect(updated.body.id).toMatch(/^urn:ngsi-ld:Notification:/);
    // the delivery outcome reaches the counters
    for (let i = 0; i < 50; i++) {
      const n = ((await api(app.port, 'GET', `/subscriptions/${enc(SUB)}`)).json as { notification: { lastSuccess?: string } }).notification;
      if (n.lastSuccess) break;
      await sleep(50);
    }
  } finally {
    await app.stop();
  }

  app = await startApp();
  try {
    const got = (await api(app.port, 'GET', `/subscriptions/${enc(SUB)}`)).json;
    expect(got).toMatchObject({ id: SUB, status: 'active', watchedAttributes: ['powerState'], notification: { timesSent: 2, timesFailed: 0, lastSuccess: expect.any(String) } });
    expect((await api(app.port, 'PATCH', `/entities/${enc(E)}/attrs`, { powerState: { type: 'Property', value: 'on' } })).status).toBe(204);
    const all = await arrived(3);
    expect(all[2].body.data[0]).toMatchObject({ id: E, powerState: { value: 'on' } });
  } finally {
    await app.stop();
  }
}, 60000);

/** A loopback port nothing listens on. */
async function refusedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

it('a dead endpoint beside a live HTTP receiver and an MQTT topic: the live ones get everything, in order, also after a restart', async () => {
  const broker: TestBroker = await startTestBroker();
  const mqttGot: Array<{ metadata: Record<string, string>; body: Received['body'] }> = [];
  const subscriber = mqtt.connect(broker.url, { reconnectPeriod: 100 });
  await new Promise<void>((ok, ko) => subscriber.once('connect', () => subscriber.subscribe('eclor/lights', { qos: 1 }, (err) => (err ? ko(err) : ok()))));
  subscriber.on('message', (_t, payload) => mqttGot.push(JSON.parse(payload.toString()) as (typeof mqttGot)[number]));
  const dead = await refusedPort();
  const base = received.length;
  const lamp = 'urn:ngsi-ld:Streetlight:e2e:2';
  const subscription = (id: string, uri: string, extra: object = {}) => ({
    id, type: 'Subscription', entities: [{ id: lamp, type: 'Streetlight' }], watchedAttributes: ['illuminanceLevel'],
    notification: { attributes: ['illuminanceLevel'], endpoint: { uri, accept: 'application/json', ...extra } },
  });
  let app = await startApp();
  try {
    expect((await api(app.port, 'POST', '/entities', { id: lamp, type: 'Streetlight', illuminanceLevel: { type: 'Property', value: 0 } })).status).toBe(201);
    expect((await api(app.port, 'POST', '/subscriptions', subscription('urn:ngsi-ld:Subscription:e2e:dead', `http://127.0.0.1:${dead}/n`))).status).toBe(201);
    expect((await api(app.port, 'POST', '/subscriptions', subscription('urn:ngsi-ld:Subscription:e2e:live', `http://127.0.0.1:${receiverPort}/live`))).status).toBe(201);
    const mqttSub = subscription('urn:ngsi-ld:Subscription:e2e:mqtt', `${broker.url}/eclor/lights`, { notifierInfo: [{ key: 'MQTT-QoS', value: '1' }] });
    expect((await api(app.port, 'POST', '/subscriptions', mqttSub)).status).toBe(201);
    for (let i = 1; i <= 20; i++) {
      expect((await api(app.port, 'PATCH', `/entities/${enc(lamp)}/attrs`, { illuminanceLevel: { type: 'Property', value: i / 20 } })).status).toBe(204);
    }
    const live = (await arrived(base + 20)).slice(base).map((n) => n.body.data[0].illuminanceLevel);
    expect(live).toEqual(Array.from({ length: 20 }, (_, i) => ({ type: 'Property', value: (i + 1) / 20 })));
    for (let i = 0; i < 100 && mqttGot.length < 20; i++) await sleep(50);
    expect(mqttGot.map((m) => (m.body.data[0].illuminanceLevel as { value: number }).value)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) / 20));
    expect(mqttGot[0].metadata).toMatchObject({ 'Content-Type': expect.stringMatching(/^application\/json/) });
    // the dead endpoint's failures are counted on its own subscription
    let failed = 0;
    for (let i = 0; i < 100 && failed === 0; i++) {
      failed = ((await api(app.port, 'GET', `/subscriptions/${enc('urn:ngsi-ld:Subscription:e2e:dead')}`)).json as { notification: { timesFailed: number } }).notification.timesFailed;
      if (failed === 0) await sleep(100);
    }
    expect(failed).toBeGreaterThan(0);
  } finally {
    await app.stop();
  }
  app = await startApp();
  try {
    expect((await api(app.port, 'PATCH', `/entities/${enc(lamp)}/attrs`, { illuminanceLevel: { type: 'Property', value: 0.33 } })).status).toBe(204);
    for (let i = 0; i < 100 && mqttGot.length < 21; i++) await sleep(50);
    expect((mqttGot[20]?.body.data[0].illuminanceLevel as { value: number } | undefined)?.value).toBe(0.33);
  } finally {
    await app.stop();
    subscriber.end(true);
    await broker.close();
  }
}, 60000);
