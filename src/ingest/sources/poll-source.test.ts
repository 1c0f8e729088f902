import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { FeedError } from '../types';
import { soapEnvelope, startPollSource, type PollSource, type PollSourceOptions } from './poll-source';
import { jsonAdapter, recordingDeps, sleep, streamingAdapter, waitFor, writtenIds, type RecordingDeps } from './sources.fixture';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

describe('startPollSource', () => {
  let server: http.Server | undefined;
  let source: PollSource | undefined;
  let deps: RecordingDeps;
  let handler: Handler;
  let requests: Array<{ method?: string; headers: http.IncomingHttpHeaders; body: string }>;
  let url: string;
  const logs: string[] = [];
  const log = { info: (_o: object, m: string) => void logs.push(m), warn: (_o: object, m: string) => void logs.push(m) };

  const listen = (port = 0) =>
    new Promise<void>((ok) => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          requests.push({ method: req.method, headers: req.headers, body });
          handler(req, body, res);
        });
      });
      server.listen(port, '127.0.0.1', () => {
        url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/feed`;
        ok();
      });
    });
  const closeServer = () =>
    new Promise<void>((ok) => {
      if (!server) return ok();
      server.closeAllConnections();
      server.close(() => ok());
      server = undefined;
    });
  const start = (o: Partial<PollSourceOptions> = {}) => (source = startPollSource({ url, everyMs: 60000, adapter: jsonAdapter(), deps, log, timeoutMs: 2000, ...o }));
  const json = (body: string, headers: Record<string, string> = {}): Handler => (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(body);
  };

  beforeEach(async () => {
    logs.length = 0;
    requests = [];
    deps = recordingDeps();
    await listen();
  });

  afterEach(async () => {
    await source?.stop();
    await closeServer();
    deps.close();
    source = undefined;
  });

  it('polls at start and hands the document to the adapter', async () => {
    const adapter = jsonAdapter();
    handler = json('{"id":"p1","value":5}');
    start({ adapter, query: { feed: 'parking' } });
    const out = await source!.pollNow(); // joins the first poll
    expect(out).toMatchObject({ ok: true, written: ['urn:ngsi-ld:Device:test:p1'] });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', headers: { 'accept-encoding': expect.stringContaining('gzip') } });
    expect(adapter.seen[0]).toMatchObject({ query: { feed: 'parking' }, headers: { 'content-type': 'application/json' } });
  });

  it("sends a URL's credentials as a Basic authorization, and names the source without them", async () => {
    handler = json('{"id":"p2","value":5}');
    start({ url: url.replace('http://', 'http://bob:s3cret@') });
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(requests[0].headers).toMatchObject({ authorization: `Basic ${Buffer.from('bob:s3cret').toString('base64')}` });
    handler = json('not json');
    await source!.pollNow();
    const [letter] = deps.deadLetters.list({ limit: 10, offset: 0 }).items;
    expect(JSON.stringify(letter)).not.toContain('s3cret');
    expect(logs.join(' ')).not.toContain('s3cret');
  });

  it('polls every period', async () => {
    let n = 0;
    handler = (_req, _b, res) => json(JSON.stringify({ id: `v${n++}` }))(_req, _b, res);
    start({ everyMs: 50 });
    await waitFor(() => writtenIds(deps).length >= 3, 'three polls', 3000);
  });

  it('reads a gzip-encoded answer', async () => {
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"id":"gz","value":1}'));
    start();
    expect(await source!.pollNow()).toMatchObject({ ok: true, written: ['urn:ngsi-ld:Device:test:gz'] });
  });

  it('gunzips a body that is a .gz file', async () => {
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync('{"id":"file","value":1}'));
    start();
    expect(await source!.pollNow()).toMatchObject({ ok: true, written: ['urn:ngsi-ld:Device:test:file'] });
  });

  it('sends If-None-Match and skips a 304', async () => {
    const adapter = jsonAdapter();
    handler = (req, _b, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end('{"id":"e"}');
    };
    start({ adapter });
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(await source!.pollNow()).toBeUndefined();
    expect(requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(adapter.seen).toHaveLength(1);
  });

  it('sends If-Modified-Since from Last-Modified', async () => {
    const lastModified = 'Wed, 21 Oct 2026 07:28:00 GMT';
    handler = (req, _b, res) => {
      if (req.headers['if-modified-since'] === lastModified) return res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/json', 'last-modified': lastModified }).end('{"id":"lm"}');
    };
    start();
    await source!.pollNow();
    expect(await source!.pollNow()).toBeUndefined();
    expect(writtenIds(deps)).toHaveLength(1);
  });

  it('skips a document whose body has not changed, and takes it again once changed', async () => {
    const adapter = jsonAdapter();
    let body = '{"id":"same"}';
    handler = (_req, _b, res) => json(body)(_req, _b, res);
    start({ adapter });
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(await source!.pollNow()).toBeUndefined();
    body = '{"id":"changed"}';
    expect(await source!.pollNow()).toMatchObject({ ok: true, written: ['urn:ngsi-ld:Device:test:changed'] });
    expect(adapter.seen).toHaveLength(2);
  });

  it('never overlaps polls when the server is slow', async () => {
    let active = 0;
    let maxActive = 0;
    let n = 0;
    handler = (_req, _b, res) => {
      maxActive = Math.max(maxActive, ++active);
      setTimeout(() => {
        active--;
        json(JSON.stringify({ id: `s${n++}` }))(_req, _b, res);
      }, 150);
    };
    start({ everyMs: 20 });
    const [a, b] = [source!.pollNow(), source!.pollNow()];
    expect(await a).toBe(await b);
    await waitFor(() => requests.length >= 4, 'four polls', 3000);
    expect(maxActive).toBe(1);
  });

  it('survives a network failure and an HTTP error, without dead letters', async () => {
    const port = (server!.address() as AddressInfo).port;
    await closeServer();
    start();
    expect(await source!.pollNow()).toBeUndefined();
    expect(logs).toContain('poll source: fetch failed, retrying next period');
    await listen(port);
    handler = (_req, _b, res) => res.writeHead(503).end('busy');
    expect(await source!.pollNow()).toBeUndefined();
    expect(logs).toContain('poll source: still failing');
    handler = json('{"id":"back"}');
    expect(await source!.pollNow()).toMatchObject({ ok: true, written: ['urn:ngsi-ld:Device:test:back'] });
    expect(logs).toContain('poll source: reachable again');
    expect(deps.deadLetters.count()).toBe(0);
  });

  it('gives up a request after timeoutMs', async () => {
    handler = () => undefined; // never answers
    start({ timeoutMs: 200 });
    const t0 = Date.now();
    expect(await source!.pollNow()).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(logs).toContain('poll source: fetch failed, retrying next period');
  });

  it('dead-letters a document the adapter refuses, once', async () => {
    handler = json('not json');
    start();
    expect(await source!.pollNow()).toMatchObject({ ok: false, error: { stage: 'decode' } });
    expect(await source!.pollNow()).toBeUndefined();
    expect(deps.deadLetters.list({ limit: 10, offset: 0 }).items).toMatchObject([{ adapter: 'test/json', payload: 'not json', stage: 'decode' }]);
  });

  it("gives the adapter the answer's Content-Type charset, and dead-letters (once) a document it cannot decode", async () => {
    const decoded: Array<string | undefined> = [];
    const adapter = {
      ...jsonAdapter(),
      decodeBody(bytes: Buffer, headers?: Record<string, string | undefined>) {
        decoded.push(headers?.['content-type']);
        if (bytes.includes(0xff)) throw new FeedError('decode', 'invalid byte 0xff', 400);
        return bytes.toString('latin1');
      },
    };
    handler = json('{"id":"a","value":1}', { 'content-type': 'application/json; charset=ISO-8859-1' });
    start({ adapter });
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(decoded).toEqual(['application/json; charset=ISO-8859-1']);
    handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(await source!.pollNow()).toMatchObject({ ok: false, error: { stage: 'decode', status: 400 } });
    expect(await source!.pollNow()).toBeUndefined(); // the same version: not again
    expect(deps.deadLetters.list({ limit: 10, offset: 0 }).items).toMatchObject([{ adapter: 'test/json', stage: 'decode', bodyKept: false, reason: expect.stringMatching(/^invalid byte 0xff \(polled document of 3 bytes/) }]);
  });

  it('two publishers told apart by their query only: the same refusal of each is a dead letter of its own', async () => {
    handler = json('not json');
    for (const site of ['a', 'b', 'a']) {
      start({ url: `${url}?site=${site}` });
      expect(await source!.pollNow()).toMatchObject({ ok: false });
      await source!.stop();
    }
    const letters = deps.deadLetters.list({ limit: 10, offset: 0 }).items;
    expect(letters.map((d) => d.repeats)).toEqual([1, 0]);
    expect(new Set(letters.map((d) => d.headers['x-eclor-poll-source'])).size).toBe(2);
  });

  it('remembers the version it took in its state file: after a restart an unchanged document is not taken or dead-lettered again', async () => {
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'poll-state-')), 'poll.json');
    handler = json('not json');
    start({ stateFile, url: `${url}?apikey=secret` });
    expect(await source!.pollNow()).toMatchObject({ ok: false });
    const [dl] = deps.deadLetters.list({ limit: 10, offset: 0 }).items;
    // the dead letter names its source, without the query (an API key), with a short id of the whole URL
    expect(dl.headers['x-eclor-poll-source']).toMatch(new RegExp(`^${url.replace(/[.?]/g, '\\$&')} \\([0-9a-f]{8}\\)$`));
    expect(dl.headers['x-eclor-poll-source']).not.toContain('secret');
    await source!.stop();
    start({ stateFile, url: `${url}?apikey=secret` }); // a restart
    expect(await source!.pollNow()).toBeUndefined();
    expect(deps.deadLetters.list({ limit: 10, offset: 0 }).total).toBe(1);
    handler = json('{"id":"b","value":2}');
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
  });

  it('posts a SOAP envelope', async () => {
    handler = json('{"id":"soap"}');
    start({ soapBody: '<m:GetData xmlns:m="urn:x"/>', soapAction: 'urn:x#GetData', headers: { authorization: 'Bearer t' } });
    await source!.pollNow();
    expect(requests[0]).toMatchObject({ method: 'POST', headers: { soapaction: '"urn:x#GetData"', 'content-type': 'text/xml; charset=utf-8', authorization: 'Bearer t' } });
    expect(requests[0].body).toBe(soapEnvelope('<m:GetData xmlns:m="urn:x"/>'));
    expect(requests[0].body).toContain('<soap:Body><m:GetData xmlns:m="urn:x"/></soap:Body>');
    expect(soapEnvelope('<s:Envelope xmlns:s="x"></s:Envelope>')).toBe('<s:Envelope xmlns:s="x"></s:Envelope>');
  });

  it('streams a large document to handleStream', async () => {
    const adapter = streamingAdapter();
    handler = json(JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: `big${i}` }))));
    start({ adapter, streamAbove: 100 });
    const out = await source!.pollNow();
    expect(out).toMatchObject({ ok: true });
    expect(adapter.streamed).toBe(1);
    expect(writtenIds(deps)).toHaveLength(50);
    expect(deps.stats.of('test/stream')).toMatchObject({ received: 1, accepted: 1, written: 50 });
  });

  it('spools a large document to a temporary file (a .gz one too), skips it unchanged, and removes the file', async () => {
    const spools = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('eclor-poll-')).length;
    const before = spools();
    const adapter = streamingAdapter();
    const doc = gzipSync(JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `gz${i}` }))));
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(doc);
    start({ adapter, streamAbove: 64 });
    expect(doc.length).toBeGreaterThan(64);
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(writtenIds(deps)).toHaveLength(40);
    expect(await source!.pollNow()).toBeUndefined(); // same bytes: skipped
    expect(adapter.streamed).toBe(1);
    expect(spools()).toBe(before);
    // inflating past maxBytes fails the document (a dead letter), the file is removed all the same
    const bomb = gzipSync(Buffer.alloc(200_000, 0x20));
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(bomb);
    await source!.stop();
    start({ adapter, streamAbove: 64, maxBytes: 10_000 });
    const out = await source!.pollNow();
    expect(out).toMatchObject({ ok: false, error: { message: expect.stringContaining('larger than 10000 bytes once inflated') } });
    expect(spools()).toBe(before);
  });

  it('streams a small .gz document to an adapter that reads streams, inflating it as it is read', async () => {
    const adapter = streamingAdapter();
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ id: `s${i}` })))));
    start({ adapter });
    expect(await source!.pollNow()).toMatchObject({ ok: true });
    expect(adapter.streamed).toBe(1);
    expect(writtenIds(deps)).toHaveLength(30);
  });

  it('refuses a document over maxBytes: one dead letter per version of the document (its first maxBytes bytes), not one every period', async () => {
    let version = 'v1';
    let etag = 'e1';
    handler = (_req, _b, res) => res.writeHead(200, { 'content-type': 'application/json', etag: `"${etag}"` }).end(`{"id":"${version}","pad":"${'x'.repeat(1000)}"}`);
    start({ maxBytes: 100, url: `${url}?apikey=secret` });
    expect(await source!.pollNow()).toBeUndefined();
    expect(await source!.pollNow()).toBeUndefined();
    expect(logs.filter((l) => l === 'poll source: document refused (maxBytes)')).toHaveLength(2);
    expect(writtenIds(deps)).toHaveLength(0);
    const letters = () => deps.deadLetters.list({ limit: 10, offset: 0 }).items;
    expect(letters()).toEqual([expect.objectContaining({ adapter: 'test/json', stage: 'decode', status: 413, bodyKept: false, reason: expect.stringMatching(/^document larger than 100 bytes \(maxBytes of this poll source\): polled from http/) })]);
    expect(letters()[0].reason).not.toContain('secret'); // the API key of the URL stays out of dead letters
    etag = 'e2'; // a server that changes its ETag, not the document
    await source!.pollNow();
    expect(letters()).toHaveLength(1);
    version = 'v2'; // another document, even of the same length and ETag
    await source!.pollNow();
    expect(letters()).toHaveLength(2);
    expect(deps.stats.of('test/json')).toMatchObject({ received: 2, rejected: 2 });
  });

  it('stop() aborts a running poll', async () => {
    handler = () => undefined;
    start({ timeoutMs: 10000 });
    await waitFor(() => requests.length === 1, 'the request');
    const t0 = Date.now();
    await source!.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await sleep(50);
    expect(await source!.pollNow()).toBeUndefined();
    expect(requests).toHaveLength(1);
  });
});
