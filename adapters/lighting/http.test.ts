/**
 * The log-report webhook on the real runtime (fastify inject, embedded broker in memory): what other
 * gateways send around the body — Content-Type with charset, header spelling and version forms,
 * repeated query parameters — is answered 201 as TALQ requires, and every fixture is written by the
 * broker without a rejected entity.
 */
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import { talqGroupsAdapter, talqLogReportAdapter } from './index';
import { STREETLIGHTING_CONTEXT } from './talq/translate';
import { fixtureCases, GATEWAY, readInput, runCase } from './test-support.fixture';

const REQ = '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5';
/** The runtime with an empty broker in memory. */
const start = () => testApp({ adapters: [talqLogReportAdapter, talqGroupsAdapter], maxBody: 1 << 20 });

let app: FastifyInstance;
let close: () => Promise<void>;
beforeAll(async () => ({ app, close } = await start()));
afterAll(() => close());

const postTo = (to: FastifyInstance, body: string | Buffer, headers: Record<string, string>, query = `clientAddress=${GATEWAY}&talqRequestId=${REQ}`) =>
  to.inject({ method: 'POST', url: `/ingest/lighting/talq/log-reports?${query}`, headers, payload: body });
const post = (body: string | Buffer, headers: Record<string, string>, query?: string) => postTo(app, body, headers, query);

describe('POST /ingest/lighting/talq/log-reports (runtime)', () => {
  it.each([
    ['application/json; charset=utf-8', 'talq-api-version', '2.7.1'],
    ['application/json;charset=UTF-8', 'TALQ-API-Version', '2.6'],
    ['Application/JSON', 'Talq-Api-Version', 'v2.5.1'],
  ])('Content-Type %s, header %s: %s → 201', async (type, name, version) => {
    const r = await post(readInput('lamp-failure'), { 'content-type': type, [name]: version });
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body).written).toEqual(['urn:ngsi-ld:Streetlight:eclor:e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21']);
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
  ])('a body with Content-Encoding %s (TALQ §3.5) is inflated → 201', async (coding, compress) => {
    const r = await post(compress(readInput('lamp-failure')), { 'content-type': 'application/json', 'talq-api-version': '2.7.1', 'content-encoding': coding });
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body).written).toEqual(['urn:ngsi-ld:Streetlight:eclor:e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21']);
  });

  it('repeated query parameters take the first', async () => {
    const r = await post('{"entries":[]}', { 'content-type': 'application/json', 'talq-api-version': '2.7.1' }, `clientAddress=${GATEWAY}&clientAddress=${GATEWAY}&talqRequestId=${REQ}`);
    expect(r.statusCode).toBe(201);
  });

  // each on an empty broker: fixtures share lamps at different times, and a late report is refused
  it.each(fixtureCases().filter((c) => !c.startsWith('groups-')))('fixture %s is written without rejection', async (name) => {
    const own = await start();
    try {
      const r = await postTo(own.app, readInput(name), { 'content-type': 'application/json', 'talq-api-version': '2.7.1' });
      expect(r.statusCode).toBe(201);
      const out = JSON.parse(r.body) as { written: string[]; rejected?: unknown[] };
      expect(out.rejected ?? []).toEqual([]);
      expect([...out.written].sort()).toEqual(runCase(name).entities.map((e) => e.id).sort());
    } finally {
      await own.close();
    }
  });

  it('group lists are written too', async () => {
    for (const name of fixtureCases().filter((c) => c.startsWith('groups-'))) {
      const r = await app.inject({ method: 'POST', url: '/ingest/lighting/talq-groups', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: readInput(name) });
      expect(r.statusCode).toBe(204);
    }
  });

  it('a group emptied by the gateway loses its former members', async () => {
    const send = (members: unknown) => app.inject({ method: 'POST', url: '/ingest/lighting/talq-groups', headers: { 'content-type': 'application/json' }, payload: JSON.stringify([{ address: 'quai-est', ownerCMS: 'cms', members }]) });
    const group = async () => JSON.parse((await app.inject({ method: 'GET', url: '/ngsi-ld/v1/entities/urn:ngsi-ld:StreetlightGroup:eclor:quai-est?options=keyValues', headers: { link: `<${STREETLIGHTING_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"` } })).body);
    expect((await send([{ resource: 'devices', address: 'l-1' }, { resource: 'devices', address: 'l-2' }])).statusCode).toBe(204);
    expect((await group()).refStreetlight).toEqual(['urn:ngsi-ld:Streetlight:eclor:l-1', 'urn:ngsi-ld:Streetlight:eclor:l-2']);
    expect((await send([])).statusCode).toBe(204);
    expect(await group()).toEqual({ id: 'urn:ngsi-ld:StreetlightGroup:eclor:quai-est', type: 'StreetlightGroup' });
    expect((await send(null)).statusCode).toBe(204); // nothing left to delete: no error
  });

  it('a report that is not TALQ is a 400 naming the field in a TALQErrorMessage, kept as a dead letter', async () => {
    const r = await post('{"entries":[{"data":{"type":"AttributeLogData"}}]}', { 'content-type': 'application/json', 'talq-api-version': '2.7.1' });
    expect(r.statusCode).toBe(400);
    const [error] = JSON.parse(r.body) as Array<{ key: string; description: string }>;
    expect(error).toEqual({ key: 'payloadError', description: expect.stringMatching(/^entries\[0\]\.data\.srcAddress is required \(ECLOR dead letter \d+\)$/) });
    const id = Number(/dead letter (\d+)/.exec(error.description)![1]);
    expect(JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${id}` })).body)).toMatchObject({ stage: 'decode', reason: 'payloadError: entries[0].data.srcAddress is required' });
    const noHeader = await post('{"entries":[]}', { 'content-type': 'application/json' });
    expect([noHeader.statusCode, JSON.parse(noHeader.body)[0].key]).toEqual([400, 'headerMissing']);
    const wrongType = await post('{"entries":[]}', { 'content-type': 'text/plain', 'talq-api-version': '2.7.1' });
    expect([wrongType.statusCode, JSON.parse(wrongType.body)[0].key]).toEqual([415, 'headerValueNotValid']);
  });
});
