/**
 * The subscription through the real client against a loopback HTTP server answering as a broker
 * would (the embedded broker's own subscription API is covered by test/e2e/lighting-commands.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNgsiLdClient, type NgsiLdClient } from '../../../src/client';
import { STREETLIGHTING_CONTEXT } from '../talq/translate';
import { ensureSubscription, lightingSubscription } from './subscription';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
let server: http.Server;
let seen: Seen[];
let answer: (req: Seen, i: number) => number;
let client: NgsiLdClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body };
      const status = answer(s, seen.length);
      seen.push(s);
      if (status === 201) res.setHeader('location', `/ngsi-ld/v1/subscriptions/${encodeURIComponent(JSON.parse(body).id)}`);
      res.writeHead(status, status >= 400 ? { 'content-type': 'application/json' } : {});
      res.end(status >= 400 ? JSON.stringify({ type: `https://uri.etsi.org/ngsi-ld/errors/${status === 409 ? 'AlreadyExists' : 'InternalError'}`, title: 't', status, detail: 'd' }) : undefined);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  client = createNgsiLdClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retries: 0 });
});
afterAll(async () => {
  client.close();
  await new Promise((ok) => server.close(ok));
});
beforeEach(() => (seen = []));

const sub = lightingSubscription('eclor', 'http://127.0.0.1:1026/ingest/lighting/talq/notifications');
const noSleep = async () => undefined;

describe('lighting subscription', () => {
  it('watches illuminanceLevel of Streetlight and StreetlightGroup, normalized, to the webhook', () => {
    expect(sub).toEqual({
      id: 'urn:ngsi-ld:Subscription:eclor:lighting-commands',
      type: 'Subscription',
      description: expect.any(String),
      entities: [{ type: 'Streetlight' }, { type: 'StreetlightGroup' }],
      watchedAttributes: ['illuminanceLevel'],
      notification: { attributes: ['illuminanceLevel', 'talqAddress', 'talqGateway', 'refStreetlight'], format: 'normalized', endpoint: { uri: 'http://127.0.0.1:1026/ingest/lighting/talq/notifications', accept: 'application/json' } },
    });
  });

  it('creates it with the lighting @context', async () => {
    answer = () => 201;
    await expect(ensureSubscription({ client, subscription: sub, context: STREETLIGHTING_CONTEXT, stopped: () => false })).resolves.toBe(true);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /ngsi-ld/v1/subscriptions']);
    expect(seen[0].headers.link).toContain(STREETLIGHTING_CONTEXT);
    expect(JSON.parse(seen[0].body)).toEqual(sub);
  });

  it('re-creates it when it exists already (409)', async () => {
    answer = (_s, i) => (i === 0 ? 409 : i === 1 ? 204 : 201);
    await expect(ensureSubscription({ client, subscription: sub, context: STREETLIGHTING_CONTEXT, stopped: () => false })).resolves.toBe(true);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /ngsi-ld/v1/subscriptions',
      'DELETE /ngsi-ld/v1/subscriptions/urn%3Angsi-ld%3ASubscription%3Aeclor%3Alighting-commands',
      'POST /ngsi-ld/v1/subscriptions',
    ]);
  });

  it('retries while the broker is unavailable, with growing waits', async () => {
    answer = (_s, i) => (i < 3 ? 503 : 201);
    const waits: number[] = [];
    await expect(ensureSubscription({ client, subscription: sub, context: STREETLIGHTING_CONTEXT, stopped: () => false, delayMs: 10, maxDelayMs: 25, sleep: async (ms) => void waits.push(ms) })).resolves.toBe(true);
    expect(waits).toEqual([10, 20, 25]);
    expect(seen).toHaveLength(4);
  });

  it('retries while the broker is not reachable at all, until stopped', async () => {
    const down = createNgsiLdClient({ baseUrl: 'http://127.0.0.1:1', retries: 0 });
    let n = 0;
    await expect(ensureSubscription({ client: down, subscription: sub, context: STREETLIGHTING_CONTEXT, stopped: () => n >= 3, sleep: async () => void n++ })).resolves.toBe(false);
    expect(n).toBe(3);
    down.close();
  });

  it('gives up on a refusal (400)', async () => {
    answer = () => 400;
    await expect(ensureSubscription({ client, subscription: sub, context: STREETLIGHTING_CONTEXT, stopped: () => false, sleep: noSleep })).rejects.toThrow(/HTTP 400/);
    expect(seen).toHaveLength(1);
  });
});
