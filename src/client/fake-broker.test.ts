/**
 * The client against a scripted fake broker (node:http on 127.0.0.1): retries and backoff on 503,
 * 429, closed sockets and timeouts (all bounded), batch-merge fallback, and the headers it sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '../ngsi-ld/types';
import { createNgsiLdClient, createRemoteWriter, NgsiLdClientError, type NgsiLdClientOptions, type RetryInfo } from './index';
import { CORE_CONTEXT_V16, CORE_CONTEXT_V18 } from './payload';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
/** What the fake does with the n-th request (from 1): answer, close the socket, or answer late. */
type Action = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number } | 'destroy';

const CTX = 'https://example.org/ctx/water.jsonld';
const CTX2 = 'https://example.org/ctx/alert.jsonld';
const e1: Entity = { id: 'urn:ngsi-ld:WaterMeter:t:1', type: 'WaterMeter', volume: { type: 'Property', value: 1 } };
const e2: Entity = { id: 'urn:ngsi-ld:WaterMeter:t:2', type: 'WaterMeter', volume: { type: 'Property', value: 2 } };

let server: http.Server;
let baseUrl: string;
let seen: Seen[];
let script: (req: Seen, n: number) => Action;
const timers = new Set<NodeJS.Timeout>();
const clients: Array<{ close(): void }> = [];

function client(o: Partial<NgsiLdClientOptions> = {}) {
  const c = createNgsiLdClient({ baseUrl, retries: 3, backoffMs: 5, timeoutMs: 2000, ...o });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(s);
      const a = script(s, seen.length);
      if (a === 'destroy') return void req.socket.destroy();
      const answer = () => {
        const body = a.body === undefined ? undefined : JSON.stringify(a.body);
        res.writeHead(a.status, { ...(body ? { 'Content-Type': 'application/json' } : {}), ...a.headers });
        res.end(body);
      };
      if (!a.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, a.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  seen = [];
  script = () => ({ status: 204 });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

describe('retries', () => {
  it('retries a 503 with exponential backoff and ±50 % jitter, then succeeds', async () => {
    script = (_r, n) => (n <= 2 ? { status: 503, body: { type: 'https://uri.etsi.org/ngsi-ld/errors/InternalError', title: 'busy', status: 503, detail: '' } } : { status: 204 });
    const retries: RetryInfo[] = [];
    const r = await client({ backoffMs: 20 }).upsert([e1, e2], { context: [CTX], onRetry: (x) => retries.push(x) });
    expect(r).toEqual({ success: [e1.id, e2.id], errors: [] });
    expect(seen).toHaveLength(3);
    expect(retries.map((x) => [x.attempt, x.reason])).toEqual([[1, 'HTTP 503'], [2, 'HTTP 503']]);
    retries.forEach((x, i) => {
      expect(x.delayMs).toBeGreaterThanOrEqual(0.5 * 20 * 2 ** i);
      expect(x.delayMs).toBeLessThanOrEqual(1.5 * 20 * 2 ** i);
    });
  });

  it('gives up after `retries` and throws with the last status and ProblemDetails', async () => {
    script = () => ({ status: 503, body: { type: 'https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable', title: 'no ctx', status: 503, detail: 'x' } });
    const started = Date.now();
    const err = await client({ retries: 2, backoffMs: 10 }).upsert([e1], { context: [CTX] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NgsiLdClientError);
    expect(err).toMatchObject({ status: 503, attempts: 3, problem: { title: 'no ctx' } });
    expect(seen).toHaveLength(3);
    // backoff 10 then 20 ms, ±50 %: between 15 and 45 ms of waiting
    expect(Date.now() - started).toBeGreaterThanOrEqual(14);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries closed sockets (ECONNRESET) and 429', async () => {
    script = (_r, n) => (n === 1 ? 'destroy' : n === 2 ? { status: 429 } : { status: 204 });
    const reasons: string[] = [];
    expect(await client().update([e1], { context: [CTX], onRetry: (x) => reasons.push(x.reason) })).toEqual({ success: [e1.id], errors: [] });
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/ECONNRESET|socket hang up/);
    expect(reasons[1]).toBe('HTTP 429');
  });

  it('a connection refused is retried, then thrown with its code', async () => {
    const closed = http.createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const err = await client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 }).get(e1.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NgsiLdClientError', code: 'ECONNREFUSED', attempts: 2 });
  });

  it('times out a slow broker (short timeout), retries, then throws', async () => {
    script = () => ({ status: 204, delayMs: 1500 });
    const started = Date.now();
    const err = await client({ timeoutMs: 100, retries: 1 }).upsert([e1], { context: [CTX] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NgsiLdClientError', code: 'ETIMEDOUT', attempts: 2 });
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('a slow first answer is retried and the second one wins', async () => {
    script = (_r, n) => (n === 1 ? { status: 204, delayMs: 1500 } : { status: 201, body: [e1.id] });
    const reasons: string[] = [];
    expect(await client({ timeoutMs: 150 }).upsert([e1], { onRetry: (x) => reasons.push(x.reason) })).toEqual({ success: [e1.id], errors: [] });
    expect(reasons).toEqual(['timeout']);
  });

  it('does not retry a 4xx: every entity fails with its ProblemDetails', async () => {
    const problem = { type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', title: 'bad', status: 400, detail: 'nope' };
    script = () => ({ status: 400, body: problem });
    const r = await client().upsert([e1, e2], { context: [CTX] });
    expect(r).toEqual({ success: [], errors: [{ entityId: e1.id, error: problem }, { entityId: e2.id, error: problem }] });
    expect(seen).toHaveLength(1);
  });

  it('a 4xx without a ProblemDetails body gets one made from the status', async () => {
    script = () => ({ status: 413 });
    const r = await client().upsert([e1]);
    expect(r.errors[0].error).toMatchObject({ status: 413, title: 'HTTP 413', type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData' });
  });
});

describe('batch answers', () => {
  it('207: the split of the broker', async () => {
    const error = { type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', title: 'bad', status: 400, detail: 'volume' };
    script = () => ({ status: 207, body: { success: [e1.id], errors: [{ entityId: e2.id, error }] } });
    expect(await client().upsert([e1, e2], { context: [CTX] })).toEqual({ success: [e1.id], errors: [{ entityId: e2.id, error }] });
  });
});

describe('merge fallback', () => {
  it.each([404, 405, 501])('falls back to upsert?options=update on %i, and remembers it', async (status) => {
    script = (r) => (r.url.startsWith('/ngsi-ld/v1/entityOperations/merge') ? { status, body: { type: 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound', title: 'Service Not Found', status, detail: '' } } : { status: 204 });
    const c = client();
    expect(await c.merge([e1], { context: [CTX] })).toEqual({ success: [e1.id], errors: [] });
    expect(await c.merge([e2], { context: [CTX] })).toEqual({ success: [e2.id], errors: [] });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /ngsi-ld/v1/entityOperations/merge',
      'POST /ngsi-ld/v1/entityOperations/upsert?options=update',
      'POST /ngsi-ld/v1/entityOperations/upsert?options=update',
    ]);
  });

  it('a 404 NonexistentTenant is an answer of the merge, not a missing route', async () => {
    const problem = { type: 'https://uri.etsi.org/ngsi-ld/errors/NonexistentTenant', title: 'no tenant', status: 404, detail: 't' };
    script = () => ({ status: 404, body: problem });
    expect(await client().merge([e1], { tenant: 't' })).toEqual({ success: [], errors: [{ entityId: e1.id, error: problem }] });
    expect(seen).toHaveLength(1);
  });

  it("flavour 'orion-ld' never calls /entityOperations/merge", async () => {
    await client({ flavour: 'orion-ld' }).merge([e1], { context: [CTX] });
    expect(seen.map((s) => s.url)).toEqual(['/ngsi-ld/v1/entityOperations/upsert?options=update']);
  });
});

describe('headers', () => {
  const link = (url: string) => `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

  it('one context: application/json + Link; tenant header; body as given', async () => {
    await client({ tenant: 'paris' }).upsert([e1], { context: [CTX] });
    expect(seen[0].headers).toMatchObject({ 'content-type': 'application/json', link: link(CTX), 'ngsild-tenant': 'paris', accept: 'application/json' });
    expect(seen[0].body).toEqual([e1]);
  });

  it('several contexts: application/ld+json, @context in every entity, no Link', async () => {
    await client().upsert([e1, e2], { context: [CTX, CTX2], tenant: 'lyon' });
    expect(seen[0].headers['content-type']).toBe('application/ld+json');
    expect(seen[0].headers.link).toBeUndefined();
    expect(seen[0].headers['ngsild-tenant']).toBe('lyon');
    expect(seen[0].body).toEqual([{ ...e1, '@context': [CTX, CTX2] }, { ...e2, '@context': [CTX, CTX2] }]);
  });

  it('no context: the core context, v1.8 by default, v1.6 for Orion-LD, or the one configured', async () => {
    script = (r) => (r.method === 'GET' ? { status: 200, body: e1 } : { status: 204 });
    await client().upsert([e1]);
    await client({ flavour: 'orion-ld' }).upsert([e1]);
    await client({ coreContext: 'https://example.org/core.jsonld' }).get(e1.id);
    expect(seen.map((s) => s.headers.link)).toEqual([link(CORE_CONTEXT_V18), link(CORE_CONTEXT_V16), link('https://example.org/core.jsonld')]);
    expect(seen[0].headers['ngsild-tenant']).toBeUndefined();
  });

  it('an entity with its own @context goes as application/ld+json', async () => {
    const own = { ...e1, '@context': CTX2 };
    await client().upsert([own, e2], { context: [CTX] });
    expect(seen[0].headers['content-type']).toBe('application/ld+json');
    expect(seen[0].body).toEqual([own, { ...e2, '@context': CTX }]);
  });
});

describe('reads', () => {
  it('encodes the id in the path and the query parameters (spaces as %20), reads the count header', async () => {
    script = (r) => (r.url.startsWith('/ngsi-ld/v1/entities?') ? { status: 200, body: [e1], headers: { 'NGSILD-Results-Count': '7' } } : { status: 200, body: e1 });
    const c = client({ baseUrl: `${baseUrl}/ngsi-ld/v1/` });
    expect(await c.get(e1.id, { context: CTX, attrs: ['volume', 'alarm'] })).toEqual(e1);
    expect(await c.query({ type: 'WaterMeter', q: 'name=="a b"', coordinates: [2.35, 48.85], georel: 'near;maxDistance==100', geometry: 'Point', count: true, limit: 10 })).toEqual({ entities: [e1], count: 7 });
    expect(seen[0].url).toBe('/ngsi-ld/v1/entities/urn%3Angsi-ld%3AWaterMeter%3At%3A1?attrs=volume%2Calarm');
    expect(seen[0].headers.link).toContain(CTX);
    const q = new URL(seen[1].url, 'http://x').searchParams;
    expect(seen[1].url).toContain('q=name%3D%3D%22a%20b%22');
    expect(Object.fromEntries(q)).toEqual({ type: 'WaterMeter', q: 'name=="a b"', coordinates: '[2.35,48.85]', georel: 'near;maxDistance==100', geometry: 'Point', count: 'true', limit: '10' });
  });

  it('queryAll stays bounded when a broker ignores limit/offset', async () => {
    const page = Array.from({ length: 50 }, (_, i) => ({ id: `urn:ngsi-ld:X:${i}`, type: 'X' }));
    script = () => ({ status: 200, body: page });
    const r = await client().queryAll({ type: 'X' }, { max: 120, pageSize: 50 });
    expect(r.entities).toHaveLength(120);
    expect(r.truncated).toBe(true);
    expect(seen.length).toBeLessThanOrEqual(4);
  });
});

describe('createRemoteWriter', () => {
  it('counts the retries and maps failures', async () => {
    const bad = { type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', title: 'bad', status: 400, detail: 'volume' };
    script = (r, n) => {
      if (n === 1) return { status: 503 };
      return { status: 207, body: { success: [e1.id], errors: [{ entityId: e2.id, error: bad }] } };
    };
    const write = createRemoteWriter(client(), 'nice');
    const out = await write({ context: [CTX], mode: 'merge', entities: [e1, e2] });
    expect(out).toEqual({ written: [e1.id], failed: [{ entityId: e2.id, reason: 'bad: volume' }], retries: 1 });
    expect(seen.map((s) => s.url)).toEqual(['/ngsi-ld/v1/entityOperations/upsert?options=update', '/ngsi-ld/v1/entityOperations/upsert?options=update']);
    expect(seen.every((s) => s.headers['ngsild-tenant'] === 'nice')).toBe(true);
  });

  it("mode 'replace' is a plain upsert; a broker failing for good throws", async () => {
    script = (_r, n) => (n === 1 ? { status: 201, body: [e1.id] } : { status: 500 });
    const write = createRemoteWriter(client({ retries: 1 }));
    expect(await write({ context: [CTX], entities: [e1] })).toEqual({ written: [e1.id], failed: [], retries: 0 });
    await expect(write({ context: [CTX], entities: [e1] })).rejects.toThrow(NgsiLdClientError);
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill('/ngsi-ld/v1/entityOperations/upsert'));
  });
});
