import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NgsiError } from '../errors';
import { DEFAULT_VOCAB } from './core';
import { cacheFilePath } from './disk-cache';
import { createContextResolver } from './resolver';

const EX = 'http://example.org/';
const SL = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';

/** Path → [status, body]; bodies are served as application/ld+json. */
const routes: Record<string, [number, string]> = {
  '/a.jsonld': [200, JSON.stringify({ '@context': { Foo: `${EX}Foo` } })],
  '/count.jsonld': [200, JSON.stringify({ '@context': { Counted: `${EX}Counted` } })],
  '/disk.jsonld': [200, JSON.stringify({ '@context': { OnDisk: `${EX}OnDisk` } })],
  '/nested/outer.jsonld': [200, JSON.stringify({ '@context': ['inner.jsonld', SL, { Outer: `${EX}Outer` }] })],
  '/nested/inner.jsonld': [200, JSON.stringify({ '@context': { Inner: `${EX}Inner`, Outer: `${EX}ShouldBeOverridden` } })],
  '/cycle-a.jsonld': [200, JSON.stringify({ '@context': ['/cycle-b.jsonld'] })],
  '/cycle-b.jsonld': [200, JSON.stringify({ '@context': '/cycle-a.jsonld' })],
  '/import.jsonld': [200, JSON.stringify({ '@context': { '@import': '/a.jsonld', Own: `${EX}Own` } })],
  '/invalid.jsonld': [200, '{"@context": {'],
  '/no-context.jsonld': [200, JSON.stringify({ Foo: 1 })],
  '/bad-context.jsonld': [200, JSON.stringify({ '@context': 42 })],
  '/big.jsonld': [200, JSON.stringify({ '@context': { Big: `${EX}${'x'.repeat(4000)}` } })],
  '/missing.jsonld': [404, 'not found'],
};
for (let i = 0; i < 12; i++) routes[`/deep/${i}`] = [200, JSON.stringify({ '@context': [`/deep/${i + 1}`, { [`D${i}`]: `${EX}D${i}` }] })];
routes['/deep/12'] = [200, JSON.stringify({ '@context': {} })];

const hits: Record<string, number> = {};
const accepts: string[] = [];
let server: http.Server;
let base = '';
let closedPortUrl = '';
let tmp = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits[url] = (hits[url] ?? 0) + 1;
    accepts.push(String(req.headers.accept));
    if (url === '/slow.jsonld') return; // never answers
    if (url === '/big-chunked.jsonld') {
      res.writeHead(200, { 'content-type': 'application/ld+json' });
      res.write('{"@context": {"a": "');
      res.end(`${'y'.repeat(4000)}"}}`);
      return;
    }
    const [status, body] = routes[url] ?? [404, ''];
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/ld+json' });
      res.end(body);
    }, 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const other = http.createServer();
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  closedPortUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/ctx.jsonld`;
  await new Promise<void>((r) => other.close(() => r()));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-ctx-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<NgsiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NgsiError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('remote contexts', () => {
  test('fetched with the JSON-LD Accept header and expanded', async () => {
    const resolver = createContextResolver();
    const ctx = await resolver.resolve(`${base}/a.jsonld`);
    expect(ctx.expand('Foo')).toBe(`${EX}Foo`);
    expect(ctx.compact(`${EX}Foo`)).toBe('Foo');
    expect(ctx.urls).toEqual([`${base}/a.jsonld`]);
    expect(ctx.key).toBe(`${base}/a.jsonld`);
    expect(accepts).toContain('application/ld+json, application/json');
    expect(resolver.resolveSync(`${base}/a.jsonld`)).toBe(ctx);
    expect(resolver.resolveSync([`${base}/a.jsonld`, { Bar: `${EX}Bar` }])?.expand('Bar')).toBe(`${EX}Bar`);
    expect(resolver.resolveSync(`${base}/never-loaded.jsonld`)).toBeUndefined();
  });

  test('fetched once even for concurrent resolves of different contexts using it', async () => {
    const resolver = createContextResolver();
    const url = `${base}/count.jsonld`;
    const results = await Promise.all([
      resolver.resolve(url),
      resolver.resolve(url),
      resolver.resolve([url, { X: `${EX}X` }]),
      resolver.resolve([SL, url]),
      resolver.resolve({ '@import': url }),
    ]);
    for (const ctx of results) expect(ctx.expand('Counted')).toBe(`${EX}Counted`);
    await resolver.resolve([url, { Y: `${EX}Y` }]);
    expect(hits['/count.jsonld']).toBe(1);
  });

  test('the disk cache serves a second resolver without network', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const url = `${base}/disk.jsonld`;
    await createContextResolver({ cacheDir }).resolve(url);
    expect(fs.readFileSync(cacheFilePath(cacheDir, url), 'utf8')).toBe(routes['/disk.jsonld'][1]);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const offline: typeof fetch = () => Promise.reject(new Error('network used'));
    const second = createContextResolver({ cacheDir, fetchImpl: offline });
    expect((await second.resolve(url)).expand('OnDisk')).toBe(`${EX}OnDisk`);
    expect(hits['/disk.jsonld']).toBe(1);
  });

  test('a corrupt disk cache entry is refetched and replaced, with a warning', async () => {
    const cacheDir = path.join(tmp, 'corrupt');
    const url = `${base}/a.jsonld`;
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheFilePath(cacheDir, url), 'garbage');
    const warnings: string[] = [];
    const resolver = createContextResolver({ cacheDir, log: { warn: (_o, msg) => warnings.push(msg) } });
    expect((await resolver.resolve(url)).expand('Foo')).toBe(`${EX}Foo`);
    expect(warnings).toHaveLength(1);
    expect(fs.readFileSync(cacheFilePath(cacheDir, url), 'utf8')).toBe(routes['/a.jsonld'][1]);
  });

  test('nested remote contexts: relative URLs, built-ins inside, order of precedence', async () => {
    const ctx = await createContextResolver().resolve(`${base}/nested/outer.jsonld`);
    expect(ctx.expand('Inner')).toBe(`${EX}Inner`);
    expect(ctx.expand('Outer')).toBe(`${EX}Outer`);
    expect(ctx.expand('Streetlight')).toBe('https://smartdatamodels.org/dataModel.Streetlighting/Streetlight');
    expect(ctx.expand('location')).toBe('https://uri.etsi.org/ngsi-ld/location');
  });

  test('@import', async () => {
    const ctx = await createContextResolver().resolve(`${base}/import.jsonld`);
    expect([ctx.expand('Foo'), ctx.expand('Own')]).toEqual([`${EX}Foo`, `${EX}Own`]);
  });

  test.each<[string, string, RegExp]>([
    ['cycle', '/cycle-a.jsonld', /recursive inclusion: .*cycle-a.*cycle-b.*cycle-a/],
    ['too deep', '/deep/0', /more than 8 nested remote contexts/],
    ['not JSON', '/invalid.jsonld', /not valid JSON/],
    ['no @context', '/no-context.jsonld', /has no @context member/],
    ['@context of the wrong type', '/bad-context.jsonld', /must be a string, an object or an array, got a number/],
  ])('%s → BadRequestData', async (_name, p, message) => {
    const err = await failure(createContextResolver().resolve(`${base}${p}`));
    expect(err.errorName).toBe('BadRequestData');
    expect(err.message).toMatch(message);
  });

  test('a failure is not cached: the next resolve retries', async () => {
    const resolver = createContextResolver();
    await failure(resolver.resolve(`${base}/missing.jsonld`));
    await failure(resolver.resolve(`${base}/missing.jsonld`));
    expect(hits['/missing.jsonld']).toBe(2);
  });

  test.each<[string, () => string, object, RegExp]>([
    ['HTTP 404', () => `${base}/missing.jsonld`, {}, /missing\.jsonld: HTTP 404/],
    ['closed port', () => closedPortUrl, {}, /ECONNREFUSED/],
    ['declared too large', () => `${base}/big.jsonld`, { maxBytes: 1000 }, /larger than 1000 bytes/],
    ['streamed too large', () => `${base}/big-chunked.jsonld`, { maxBytes: 1000 }, /larger than 1000 bytes/],
  ])('%s → LdContextNotAvailable', async (_name, url, opts, message) => {
    const err = await failure(createContextResolver(opts).resolve(url()));
    expect(err.errorName).toBe('LdContextNotAvailable');
    expect(err.status).toBe(503);
    expect(err.message).toMatch(message);
  });

  test('a slow server fails quickly with a small timeout', async () => {
    const started = Date.now();
    const err = await failure(createContextResolver({ fetchTimeoutMs: 150 }).resolve(`${base}/slow.jsonld`));
    expect(err.errorName).toBe('LdContextNotAvailable');
    expect(err.message).toMatch(/no answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('unknown names still fall back to the default vocabulary', async () => {
    const ctx = await createContextResolver().resolve([`${base}/a.jsonld`]);
    expect(ctx.expand('foo')).toBe(`${DEFAULT_VOCAB}foo`);
    expect(ctx.compact(`${DEFAULT_VOCAB}foo`)).toBe('foo');
  });
});
