/** The ingest runtime end to end in-process: webhook → adapter → broker, dead letters, replay, stats. */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../broker/create-broker';
import { createApp } from '../http/server';
import { createContextResolver } from '../ngsi-ld/context';
import { projectRoot } from '../project-root';
import type { TenantDb } from '../broker/store/tenant-db';
import { MAX_BATCH } from '../broker/operations/batch';
import { createIngest } from './create-ingest';
import { lineFeed } from './line-feed.fixture';
import { FeedError, type Adapter, type Translation } from './types';

const CTX = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';
let strict = true;

/** A test feed: JSON `{ "id": "<local id>", "battery": <0..1> }` → a Device. */
const deviceFeed: Adapter = {
  name: 'test/device',
  path: '/ingest/test/device',
  contentTypes: ['application/json'],
  handle(msg, env) {
    let p: { id?: unknown; battery?: unknown; bogus?: boolean };
    try {
      p = JSON.parse(msg.body);
    } catch (e) {
      throw new FeedError('decode', `malformed JSON: ${(e as Error).message}`);
    }
    if (typeof p.id !== 'string') throw new FeedError('decode', 'id missing');
    if (strict && (typeof p.battery !== 'number' || p.battery < 0 || p.battery > 1)) throw new FeedError('translate', `battery ${String(p.battery)} out of 0..1`, 422);
    const id = p.bogus ? 'not a uri' : `urn:ngsi-ld:Device:${env.territory}:${p.id}`;
    return { context: [CTX], entities: [{ id, type: 'Device', batteryLevel: { type: 'Property', value: Number(p.battery), observedAt: msg.receivedAt } }] };
  },
};

/** A batch of readings, each refused on its own when its battery is out of 0..1 (Translation.refused). */
const partsFeed: Adapter = {
  name: 'test/parts',
  path: '/ingest/test/parts',
  contentTypes: ['application/json'],
  handle(msg, env) {
    const t: Translation = { context: [CTX], entities: [], refused: [] };
    for (const [i, r] of (JSON.parse(msg.body) as Array<{ id: string; battery: number }>).entries()) {
      const id = `urn:ngsi-ld:Device:${env.territory}:${r.id}`;
      if (r.battery >= 0 && r.battery <= 1) t.entities.push({ id, type: 'Device', batteryLevel: { type: 'Property', value: r.battery } });
      else t.refused!.push({ reason: `[${i}]: battery ${r.battery} out of 0..1`, entityId: id, payload: r.battery === 99 ? null : JSON.stringify(r) });
    }
    return t;
  },
};

/** A streaming test feed: one entity per line. */
const lines = lineFeed();

/** Page cache sizes of the default tenant seen while a stream was read (cacheFeed). */
let cacheSeen: number[] = [];
let pageCache: () => number = () => NaN;
/** A streaming feed that notes the store's page cache between translations, and fails on a line 'fail'. */
const cacheFeed: Adapter = {
  ...lines,
  name: 'test/cache',
  path: '/ingest/test/cache',
  async *handleStream(body: Readable): AsyncIterable<Translation> {
    for await (const c of body) {
      cacheSeen.push(pageCache());
      if (String(c).includes('fail')) throw new FeedError('decode', 'line fail');
      yield { context: [], entities: [{ id: `urn:ngsi-ld:Line:c${cacheSeen.length}`, type: 'Line' }] };
    }
  },
};

/** A test feed: a body `N` → N Devices (one translation). */
const manyFeed: Adapter = {
  name: 'test/many',
  path: '/ingest/test/many',
  contentTypes: ['text/plain'],
  handle: (msg) => ({ context: [CTX], entities: Array.from({ length: Number(msg.body) }, (_, i) => ({ id: `urn:ngsi-ld:Device:many:${i}`, type: 'Device', batteryLevel: { type: 'Property', value: 0.5 } })) }),
};

/** A test feed: a body `<hours>` → a Device observed that many hours after the message arrived, and one observed at arrival. */
const clockFeed: Adapter = {
  name: 'test/clock',
  path: '/ingest/test/clock',
  contentTypes: ['text/plain'],
  handle: (msg) => ({
    context: [CTX],
    entities: [0, Number(msg.body)].map((h) => ({ id: `urn:ngsi-ld:Device:clock:${h}`, type: 'Device', batteryLevel: { type: 'Property', value: 0.5, observedAt: new Date(Date.parse(msg.receivedAt) + h * 3_600_000).toISOString() } })),
  }),
};

let app: FastifyInstance;
let close: () => void;
beforeEach(async () => {
  strict = true;
  cacheSeen = [];
  const broker = createBroker({ dataDir: ':memory:' });
  pageCache = () => (broker.tenants.forWrite(undefined) as TenantDb).pageCacheKiB();
  const contexts = createContextResolver({});
  const checked: Adapter = { ...deviceFeed, name: 'test/checked', path: '/ingest/test/checked', validateEntities: true };
  const ingest = createIngest({ broker, contexts, adapters: [deviceFeed, lines, checked, cacheFeed, manyFeed, clockFeed, partsFeed], dataDir: ':memory:', maxBody: 4096 });
  app = await createApp({ broker, contexts, maxBody: 4096, log: pino({ level: 'silent' }), root: projectRoot(), ingest: ingest.routes });
  close = () => {
    ingest.close();
    broker.close();
  };
});
afterEach(async () => {
  await app.close();
  close();
});

const send = (body: string, path = '/ingest/test/device', type = 'application/json') => app.inject({ method: 'POST', url: path, headers: { 'content-type': type }, payload: body });
const entity = async (id: string) => {
  const link = `<${CTX}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, headers: { link } });
  return r.statusCode === 200 ? JSON.parse(r.body) : undefined;
};

it('writes what the adapter translates, idempotently', async () => {
  expect((await send('{"id":"m1","battery":0.5}')).statusCode).toBe(204);
  expect((await send('{"id":"m1","battery":0.5}')).statusCode).toBe(204);
  expect((await entity('urn:ngsi-ld:Device:eclor:m1')).batteryLevel.value).toBe(0.5);
  const stats = JSON.parse((await app.inject({ method: 'GET', url: '/ingest/stats' })).body);
  expect(stats['test/device']).toMatchObject({ received: 2, accepted: 2, written: 2, rejected: 0 });
});

it.each([
  ['malformed JSON', '{"id":', 400, 'decode'],
  ['missing id', '{}', 400, 'decode'],
  ['value out of range', '{"id":"m2","battery":7}', 422, 'translate'],
])('answers %s with a 4xx, keeps a dead letter and writes nothing', async (_n, body, status, stage) => {
  const res = await send(body);
  expect(res.statusCode).toBe(status);
  const p = JSON.parse(res.body);
  expect(p).toMatchObject({ status, stage, deadLetter: expect.any(Number) });
  const d = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${p.deadLetter}` })).body);
  expect(d).toMatchObject({ adapter: 'test/device', stage, payload: body, reason: expect.any(String) });
  expect(await entity('urn:ngsi-ld:Device:eclor:m2')).toBeUndefined();
});

it('lists, filters and pages dead letters, replays one once fixed, deletes another', async () => {
  await send('{"id":"a","battery":3}');
  await send('{"id":"b","battery":4}');
  await send('nope');
  let r = await app.inject({ method: 'GET', url: '/ingest/dead-letters?adapter=test/device&limit=2' });
  expect(r.headers['x-total-count']).toBe('3');
  const list = JSON.parse(r.body);
  expect(list).toHaveLength(2);
  r = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${list[0].id}/replay` });
  expect(r.statusCode).toBe(422);
  expect(JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${list[0].id}` })).body).replays).toBe(1);
  strict = false; // the integrator fixed the adapter
  r = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${list[0].id}/replay` });
  expect(r.statusCode).toBe(200);
  expect(await entity('urn:ngsi-ld:Device:eclor:a')).toBeDefined();
  expect((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${list[0].id}` })).statusCode).toBe(404);
  expect((await app.inject({ method: 'DELETE', url: `/ingest/dead-letters/${list[1].id}` })).statusCode).toBe(204);
  expect((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).headers['x-total-count']).toBe('1');
});

it('writes a translation of more entities than a batch operation takes (MAX_BATCH) in several batches', async () => {
  const res = await send(String(MAX_BATCH + 1), '/ingest/test/many', 'text/plain');
  expect(res.statusCode).toBe(204);
  const count = await app.inject({ method: 'GET', url: '/ngsi-ld/v1/entities?type=Device&count=true&limit=0', headers: { link: `<${CTX}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` } });
  expect(count.headers['ngsild-results-count']).toBe(String(MAX_BATCH + 1));
  expect((await app.inject({ method: 'GET', url: '/ingest/stats' })).json()['test/many']).toMatchObject({ written: MAX_BATCH + 1, rejected: 0 });
});

it('refuses an entity observed more than an hour after the message arrived (a wrong clock), writes the rest', async () => {
  expect((await send('0.9', '/ingest/test/clock', 'text/plain')).statusCode).toBe(204); // within the drift allowed
  const res = await send('50', '/ingest/test/clock', 'text/plain');
  expect(res.statusCode).toBe(207);
  const body = res.json();
  expect(body.written).toEqual(['urn:ngsi-ld:Device:clock:0']);
  expect(body.rejected).toEqual([{ entityId: 'urn:ngsi-ld:Device:clock:50', reason: expect.stringMatching(/^observed at .+, more than 1 h after the message arrived: the device's clock is wrong$/), deadLetter: expect.any(Number) }]);
  expect(await entity('urn:ngsi-ld:Device:clock:50')).toBeUndefined();
  const again = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}/replay` });
  expect([again.statusCode, again.json().detail]).toEqual([422, body.rejected[0].reason]); // judged against the message's arrival, as the first time
});

it('reads dead-letter ids and paging strictly: no 5xx, no loose number', async () => {
  const { deadLetter } = JSON.parse((await send('nope')).body);
  expect(deadLetter).toBe(1);
  for (const offset of ['1e19', '99999999999999999999', '9223372036854775807', '-1', '1.5', 'abc']) {
    const r = await app.inject({ method: 'GET', url: `/ingest/dead-letters?offset=${offset}` });
    expect([offset, r.statusCode, r.json().title]).toEqual([offset, 400, 'Bad paging']);
  }
  expect((await app.inject({ method: 'GET', url: '/ingest/dead-letters?offset=0&limit=5000' })).json()).toHaveLength(1); // limit capped at 1000
  for (const id of ['0x1', '1e0', '%201', '+1', '1.0', '01', '0', '9007199254740993', 'abc']) {
    for (const [method, url] of [['GET', `/ingest/dead-letters/${id}`], ['POST', `/ingest/dead-letters/${id}/replay`], ['DELETE', `/ingest/dead-letters/${id}`]] as const) {
      expect([method, id, (await app.inject({ method, url })).statusCode]).toEqual([method, id, 404]);
    }
  }
  expect((await app.inject({ method: 'GET', url: '/ingest/dead-letters/1' })).statusCode).toBe(200);
});

it('keeps a dead letter (without the body) for a body refused before it was read whole, and counts it', async () => {
  const post = (payload: Buffer | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/ingest/test/device', headers: { 'content-type': 'application/json', ...headers }, payload });
  const refused = [await post(Buffer.from('{"not":"gzip"}'), { 'content-encoding': 'gzip' }), await post(JSON.stringify({ id: 'big', pad: 'x'.repeat(5000) }))];
  expect(refused.map((r) => r.statusCode)).toEqual([400, 413]);
  for (const r of refused) {
    const { deadLetter, stage } = r.json();
    expect(stage).toBe('decode');
    const d = (await app.inject({ method: 'GET', url: `/ingest/dead-letters/${deadLetter}` })).json();
    expect(d).toMatchObject({ adapter: 'test/device', payload: '', bodyKept: false, reason: expect.stringContaining('the body was not kept') });
    const again = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${deadLetter}/replay` });
    expect([again.statusCode, again.json().title]).toEqual([422, 'Nothing to replay']);
  }
  expect((await app.inject({ method: 'GET', url: '/ingest/stats' })).json()['test/device']).toMatchObject({ received: 2, rejected: 2 });
  // an empty body that was kept replays (and fails again for its own reason)
  const empty = (await post('')).json();
  const replayed = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${empty.deadLetter}/replay` });
  expect([replayed.statusCode, replayed.json().detail]).toEqual([400, expect.stringContaining('malformed JSON')]);
});

it('says what a streamed document wrote before its fault; counts it', async () => {
  // the gzip body streams; its third chunk fails after two translations were written
  const text = '1\n2\n' + 'x'.repeat(70_000) + 'fail\n';
  const res = await app.inject({ method: 'POST', url: '/ingest/test/cache', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: zlib.gzipSync(text) });
  expect(res.statusCode).toBe(400);
  const body = res.json();
  expect(body.writtenCount ?? body.written.length).toBeGreaterThan(0);
  const n = body.written.length;
  expect(body.detail).toBe(`line fail; ${n} entities of the message, before the fault, were written, the rest was not`);
  const d = (await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.deadLetter}` })).json();
  expect(d).toMatchObject({ bodyKept: false, reason: expect.stringContaining(`${n} entities of the message`) });
  expect((await app.inject({ method: 'GET', url: '/ingest/stats' })).json()['test/cache']).toMatchObject({ written: n, rejected: 1 });
  for (const id of body.written) expect((await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}` })).statusCode).toBe(200);
});

it('replays a dead letter once at a time: a concurrent replay of the same one is a 409', async () => {
  await send('{"id":"c","battery":3}');
  strict = false;
  const answers = await Promise.all(Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/ingest/dead-letters/1/replay' })));
  // all five arrive while the first is writing
  expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
  expect(answers.find((r) => r.statusCode === 409)?.json().title).toBe('Replay in progress');
  expect(answers.find((r) => r.statusCode === 409)?.json().type).toBe('https://uri.etsi.org/ngsi-ld/errors/AlreadyExists');
  const stats = (await app.inject({ method: 'GET', url: '/ingest/stats' })).json();
  expect(stats['test/device']).toMatchObject({ received: 2, written: 1 });
});

it('dead-letters an entity the broker refuses, one by one; nothing written is a 422, not a 2xx', async () => {
  const res = await send('{"id":"x","battery":0.1,"bogus":true}');
  expect(res.statusCode).toBe(422);
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ title: 'Message rejected', stage: 'validate', detail: expect.stringMatching(/^nothing written: the entity was refused \(.*not a URI/) });
  // the type agrees with the status (ETSI GS CIM 009 clause 5.5.2 maps 422 to OperationNotSupported)
  expect(body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported');
  expect(body.rejected).toEqual([{ entityId: 'not a uri', reason: expect.stringContaining('not a URI'), deadLetter: expect.any(Number) }]);
  const d = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}` })).body);
  expect(d.stage).toBe('validate');
  expect(JSON.parse(d.payload)).toMatchObject({ '@context': [CTX], id: 'not a uri', type: 'Device' });
});

it('refuses a wrong media type (415) and a body over the limit (413)', async () => {
  const wrong = await send('{"id":"typed","battery":0.3}', '/ingest/test/device', 'text/plain');
  expect(wrong.statusCode).toBe(415);
  // kept with its body: sent with the wrong type, it is fine, and a replay writes it
  const { deadLetter } = JSON.parse(wrong.body);
  const d = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${deadLetter}` })).body);
  expect(d).toMatchObject({ stage: 'decode', status: 415, contentType: 'text/plain', payload: '{"id":"typed","battery":0.3}', reason: "/ingest/test/device takes application/json, not 'text/plain'" });
  expect((await app.inject({ method: 'POST', url: `/ingest/dead-letters/${deadLetter}/replay` })).statusCode).toBe(200);
  expect(await entity('urn:ngsi-ld:Device:eclor:typed')).toBeDefined();
  const none = await app.inject({ method: 'POST', url: '/ingest/test/device', payload: '{"id":"typed","battery":0.3}' });
  expect(none.statusCode).toBe(415);
  expect(JSON.parse(none.body).detail).toBe('/ingest/test/device takes application/json, not a body without Content-Type');
  expect((await send(JSON.stringify({ id: 'big', pad: 'x'.repeat(5000), battery: 0.1 }))).statusCode).toBe(413);
});

it('streams a large document through handleStream without the body limit', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => String(i)).join('\n') + '\n';
  expect(lines.length).toBeGreaterThan(4096);
  const res = await send(lines, '/ingest/test/lines', 'text/plain');
  expect(res.statusCode).toBe(204);
  const count = await app.inject({ method: 'GET', url: '/ngsi-ld/v1/entities?type=Line&count=true&limit=0' });
  expect(count.headers['ngsild-results-count']).toBe('2000');
});

it('answers a streamed document that was partly refused with the count written and the first ids only', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => String(i)).join('\n') + '\nnot an id\n';
  expect(lines.length).toBeGreaterThan(4096); // past the body limit: streamed
  const res = await send(lines, '/ingest/test/lines', 'text/plain');
  expect(res.statusCode).toBe(207);
  const body = res.json();
  expect(body.written).toEqual(Array.from({ length: 100 }, (_, i) => `urn:ngsi-ld:Line:${i}`));
  expect(body.writtenCount).toBe(2000);
  expect(body.rejected).toEqual([expect.objectContaining({ entityId: 'urn:ngsi-ld:Line:not an id' })]);
  const stats = (await app.inject({ method: 'GET', url: '/ingest/stats' })).json();
  expect(stats['test/lines']).toMatchObject({ written: 2000, rejected: 1 });
});

it('loads a streamed document in bulk (small page cache), back to the normal cache after it, even when it fails', async () => {
  const normal = pageCache();
  // a compressed body always streams
  const post = (text: string) => app.inject({ method: 'POST', url: '/ingest/test/cache', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: zlib.gzipSync(text) });
  expect((await post('1\n')).statusCode).toBe(204);
  expect((await post('fail\n')).statusCode).toBe(400);
  expect(cacheSeen).toHaveLength(2);
  for (const seen of cacheSeen) expect(seen).toBeLessThan(normal);
  expect(pageCache()).toBe(normal);
});

it('inflates gzip, deflate and br bodies; refuses an unknown coding (415) and a corrupt body (400); a compressed stream streams', async () => {
  const body = Buffer.from('{"id":"z1","battery":0.25}');
  const post = (payload: Buffer, coding: string, url = '/ingest/test/device', type = 'application/json') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': type, 'content-encoding': coding }, payload });
  expect((await post(zlib.gzipSync(body), 'gzip')).statusCode).toBe(204);
  expect((await entity('urn:ngsi-ld:Device:eclor:z1'))?.batteryLevel?.value).toBe(0.25);
  expect((await post(zlib.deflateSync(Buffer.from('{"id":"z2","battery":0.5}')), 'deflate')).statusCode).toBe(204);
  expect((await post(zlib.brotliCompressSync(Buffer.from('{"id":"z3","battery":0.75}')), 'br')).statusCode).toBe(204);
  expect((await entity('urn:ngsi-ld:Device:eclor:z3'))?.batteryLevel?.value).toBe(0.75);
  expect((await post(body, 'compress')).statusCode).toBe(415);
  expect((await post(Buffer.from('not gzip at all'), 'gzip')).statusCode).toBe(400);
  // inflated size counts against the limit
  expect((await post(zlib.gzipSync(JSON.stringify({ id: 'big', pad: 'x'.repeat(5000), battery: 0.1 })), 'gzip')).statusCode).toBe(413);
  // a small compressed document that inflates past the limit goes through handleStream
  const lines = Array.from({ length: 3000 }, (_, i) => String(i)).join('\n') + '\n';
  expect((await post(zlib.gzipSync(lines), 'gzip', '/ingest/test/lines', 'text/plain')).statusCode).toBe(204);
  const count = await app.inject({ method: 'GET', url: '/ngsi-ld/v1/entities?type=Line&count=true&limit=0' });
  expect(count.headers['ngsild-results-count']).toBe('3000');
});

it('checks the entities of a built-in adapter against schemas/entities before writing (validate stage)', async () => {
  // the test feed's Device lacks what schemas/entities/Device.schema.json requires
  const res = await send('{"id":"v1","battery":0.5}', '/ingest/test/checked');
  expect(res.statusCode).toBe(422);
  const body = JSON.parse(res.body);
  expect(body.rejected[0]).toMatchObject({ entityId: 'urn:ngsi-ld:Device:eclor:v1', reason: expect.stringContaining('Device.schema.json') });
  expect(await entity('urn:ngsi-ld:Device:eclor:v1')).toBeUndefined();
  const d = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}` })).body);
  expect(d.stage).toBe('validate');
  // a replay checks the entity again: still not a Device of the schema, so still not written
  const again = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${d.id}/replay` });
  expect([again.statusCode, again.json().stage]).toEqual([422, 'validate']);
  expect(await entity('urn:ngsi-ld:Device:eclor:v1')).toBeUndefined();
});

it('a part of a message refused on its own (Translation.refused) is a dead letter with its part; the rest is written (207)', async () => {
  const res = await send('[{"id":"p1","battery":0.5},{"id":"p2","battery":7}]', '/ingest/test/parts');
  expect(res.statusCode).toBe(207);
  const body = JSON.parse(res.body);
  expect(body.written).toEqual(['urn:ngsi-ld:Device:eclor:p1']);
  expect(body.rejected).toEqual([{ entityId: 'urn:ngsi-ld:Device:eclor:p2', reason: '[1]: battery 7 out of 0..1', deadLetter: expect.any(Number) }]);
  const d = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.rejected[0].deadLetter}` })).body);
  expect(d).toMatchObject({ adapter: 'test/parts', stage: 'translate', status: 422, payload: '{"id":"p2","battery":7}', bodyKept: true });
  // partly refused: not counted as accepted
  expect((await app.inject({ method: 'GET', url: '/ingest/stats' })).json()['test/parts']).toMatchObject({ received: 1, accepted: 0, written: 1, rejected: 1 });
  // a part that cannot be cut out of its message is kept without a body (a replay would write the rest again)
  const cut = JSON.parse((await send('[{"id":"p4","battery":0.2},{"id":"p5","battery":99}]', '/ingest/test/parts')).body);
  const unkept = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${cut.rejected[0].deadLetter}` })).body);
  expect(unkept).toMatchObject({ payload: '', bodyKept: false });
  const none = await send('[{"id":"p3","battery":-1}]', '/ingest/test/parts');
  expect(none.statusCode).toBe(422);
  expect(JSON.parse(none.body).detail).toBe('nothing written: the entity was refused ([0]: battery -1 out of 0..1)');
});

it('a replay that writes nothing keeps its dead letter (replay counted, the new reason) and files no other', async () => {
  const first = await send('[{"id":"p8","battery":5}]', '/ingest/test/parts', 'text/plain');
  expect(first.statusCode).toBe(415);
  const { deadLetter } = JSON.parse(first.body);
  const before = JSON.parse((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).body).length;
  const r = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${deadLetter}/replay` });
  expect(r.statusCode).toBe(422);
  expect(r.json()).toMatchObject({ stage: 'translate', deadLetter, detail: 'nothing written: entity urn:ngsi-ld:Device:eclor:p8: [0]: battery 5 out of 0..1' });
  expect(JSON.parse((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).body)).toHaveLength(before);
  expect(JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${deadLetter}` })).body)).toMatchObject({ replays: 1, stage: 'translate', status: 422, contentType: 'text/plain' });
});
