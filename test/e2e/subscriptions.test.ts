/**
 * Subscriptions end to end: the real application (src/main.ts, with the real notifier) on a loopback
 * port notifies a real HTTP receiver on 127.0.0.1; after a restart on the same DATA_DIR the
 * subscription is still there with its counters, and still notifies.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
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
