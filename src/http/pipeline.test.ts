/** HTTP pipeline tests: media types, @context, tenants, limits and error shapes (clauses 6.3, 5.5). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testApp, type TestApp } from '../../test/support/app';

let t: TestApp;
beforeEach(async () => {
  t = await testApp({ maxBody: 64 * 1024 });
});
afterEach(async () => t.close());

const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';
const BASE = '/ngsi-ld/v1/entities';
const SDM_STREETLIGHT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';
const link = (url: string) => `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const entity = { id: 'urn:ngsi-ld:Streetlight:p:1', type: 'Streetlight', powerState: { type: 'Property', value: 'on' } };

async function inject(method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string> = {}, payload?: string) {
  const res = await t.app.inject({ method, url, headers, payload });
  return { res, body: res.body ? JSON.parse(res.body) : undefined };
}

describe('media types', () => {
  it.each([
    ['text/plain', 415, 'UnsupportedMediaType'],
    ['application/xml', 415, 'UnsupportedMediaType'],
  ])('Content-Type %s → %d', async (ct, status, name) => {
    const { res, body } = await inject('POST', BASE, { 'content-type': ct }, JSON.stringify(entity));
    expect(res.statusCode).toBe(status);
    expect(body.type).toBe(ERR + name);
  });
  it('Accept that cannot be produced → 406 NotAcceptable', async () => {
    const { res, body } = await inject('GET', `${BASE}?type=Streetlight`, { accept: 'text/html' });
    expect(res.statusCode).toBe(406);
    expect(body.type).toBe(ERR + 'NotAcceptable');
  });
  it('honours Accept q-values and wildcards', async () => {
    const { res } = await inject('GET', `${BASE}?type=Streetlight`, { accept: 'text/html;q=0.9, application/ld+json;q=0.95, */*;q=0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/ld\+json/);
  });
  it('malformed JSON → 400 InvalidRequest', async () => {
    const { res, body } = await inject('POST', BASE, { 'content-type': 'application/json' }, '{"id": ');
    expect(res.statusCode).toBe(400);
    expect(body.type).toBe(ERR + 'InvalidRequest');
  });
  it('body over MAX_BODY → 413', async () => {
    const big = { ...entity, blob: { type: 'Property', value: 'x'.repeat(70 * 1024) } };
    const { res, body } = await inject('POST', BASE, { 'content-type': 'application/json' }, JSON.stringify(big));
    expect(res.statusCode).toBe(413);
    expect(body.type).toBe(ERR + 'PayloadTooLarge');
  });
  it('missing body → 400 BadRequestData from the operation', async () => {
    const { res, body } = await inject('POST', BASE, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(body.type).toBe(ERR + 'BadRequestData');
  });
  it('unknown path → 404 ProblemDetails, with or without a JSON Content-Type and no body', async () => {
    for (const headers of [undefined, { 'content-type': 'application/json' }]) {
      const { res, body } = await inject('PATCH', '/ngsi-ld/v1/nothing', headers);
      expect(res.statusCode).toBe(404);
      expect(body.type).toBe(ERR + 'ResourceNotFound');
    }
  });
});

describe('@context', () => {
  it('expands with the Link context and compacts back with it; the core context otherwise', async () => {
    let r = await inject('POST', BASE, { 'content-type': 'application/json', link: link(SDM_STREETLIGHT) }, JSON.stringify(entity));
    expect(r.res.statusCode).toBe(201);
    r = await inject('GET', `${BASE}/${encodeURIComponent(entity.id)}`, { link: link(SDM_STREETLIGHT) });
    expect(r.body).toEqual(entity);
    expect(r.res.headers.link).toContain(SDM_STREETLIGHT);
    r = await inject('GET', `${BASE}/${encodeURIComponent(entity.id)}`);
    expect(r.body.type).toBe('https://smartdatamodels.org/dataModel.Streetlighting/Streetlight');
    expect(r.body['https://smartdatamodels.org/dataModel.Streetlighting/powerState']).toBeDefined();
    r = await inject('GET', `${BASE}?type=Streetlight`, { link: link(SDM_STREETLIGHT) });
    expect(r.body).toHaveLength(1);
    r = await inject('GET', `${BASE}?type=Streetlight`);
    expect(r.body).toHaveLength(0);
  });
  it('takes @context from an application/ld+json body and returns it with Accept: application/ld+json', async () => {
    const body = { ...entity, '@context': [SDM_STREETLIGHT] };
    let r = await inject('POST', BASE, { 'content-type': 'application/ld+json' }, JSON.stringify(body));
    expect(r.res.statusCode).toBe(201);
    r = await inject('GET', `${BASE}/${encodeURIComponent(entity.id)}`, { accept: 'application/ld+json', link: link(SDM_STREETLIGHT) });
    expect(r.res.headers['content-type']).toMatch(/application\/ld\+json/);
    expect(r.body['@context']).toBe(SDM_STREETLIGHT);
    expect(r.body.powerState.value).toBe('on');
  });
  it('inline contexts work; unknown terms use the default vocabulary', async () => {
    const body = { ...entity, id: 'urn:x:2', type: 'Lamp', '@context': { Lamp: 'https://example.org/Lamp', brightness: 'https://example.org/brightness' }, brightness: 3, other: 1 };
    expect((await inject('POST', BASE, { 'content-type': 'application/ld+json' }, JSON.stringify(body))).res.statusCode).toBe(201);
    const r = await inject('GET', `${BASE}/urn%3Ax%3A2`);
    expect(r.body.type).toBe('https://example.org/Lamp');
    expect(r.body['https://example.org/brightness'].value).toBe(3);
    expect(r.body.other.value).toBe(1);
  });
  it.each([
    ['ld+json without @context', 'application/ld+json', {}, entity],
    ['ld+json with a Link header', 'application/ld+json', { link: link(SDM_STREETLIGHT) }, { ...entity, '@context': SDM_STREETLIGHT }],
    ['json with @context in the body', 'application/json', {}, { ...entity, '@context': SDM_STREETLIGHT }],
    ['malformed Link header', 'application/json', { link: 'nonsense' }, entity],
  ])('%s → 400 BadRequestData', async (_n, ct, headers, body) => {
    const r = await inject('POST', BASE, { 'content-type': ct, ...headers }, JSON.stringify(body));
    expect(r.res.statusCode).toBe(400);
    expect(r.body.type).toBe(ERR + 'BadRequestData');
  });
  it('an unreachable remote context → 503 LdContextNotAvailable', async () => {
    const server = http.createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((ok) => server.close(() => ok()));
    const r = await inject('GET', `${BASE}?type=X`, { link: link(`http://127.0.0.1:${port}/ctx.jsonld`) });
    expect(r.res.statusCode).toBe(503);
    expect(r.body.type).toBe(ERR + 'LdContextNotAvailable');
  });
});

describe('tenants', () => {
  it('creates a tenant on first write, isolates it, and 404s unknown tenants on read', async () => {
    let r = await inject('GET', `${BASE}?type=Streetlight`, { 'ngsild-tenant': 'commune-a' });
    expect(r.res.statusCode).toBe(404);
    expect(r.body.type).toBe(ERR + 'NonexistentTenant');
    r = await inject('POST', BASE, { 'content-type': 'application/json', 'ngsild-tenant': 'commune-a' }, JSON.stringify(entity));
    expect(r.res.statusCode).toBe(201);
    r = await inject('GET', `${BASE}?type=Streetlight`, { 'ngsild-tenant': 'commune-a' });
    expect(r.body).toHaveLength(1);
    r = await inject('GET', `${BASE}?type=Streetlight`);
    expect(r.body).toHaveLength(0);
  });
  it.each(['../etc', 'a/b', '.hidden', 'x'.repeat(65), 'a b'])('rejects the tenant name %j', async (name) => {
    const r = await inject('POST', BASE, { 'content-type': 'application/json', 'ngsild-tenant': name }, JSON.stringify(entity));
    expect(r.res.statusCode).toBe(400);
  });
});

describe('platform routes', () => {
  it('serves /health, /openapi.yaml and /docs', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const spec = await fetch(`http://127.0.0.1:${port}/openapi.yaml`);
    expect(spec.status).toBe(200);
    expect(await spec.text()).toContain('openapi:');
    const docs = await fetch(`http://127.0.0.1:${port}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});

describe('methods', () => {
  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/ngsi-ld/v1/entities' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(JSON.parse(res.body).type).toBe(ERR + 'MethodNotAllowed');
  });
});
