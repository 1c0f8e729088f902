/** HTTP tests of the entity and attribute operations (clauses 5.6, 6.4–6.7), in-process. */
import { testApp, type TestApp } from '../../../test/support/app';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => t.close());

const BASE = '/ngsi-ld/v1/entities';
const ID = 'urn:ngsi-ld:Streetlight:test:1';
const enc = encodeURIComponent;

async function create(body: object, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return t.app.inject({ method: 'POST', url: BASE, headers, payload: JSON.stringify(body) });
}
async function get(id = ID, query = '', headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url: `${BASE}/${enc(id)}${query}`, headers });
  return { res, body: res.body ? JSON.parse(res.body) : undefined };
}

const full = {
  id: ID,
  type: 'Streetlight',
  powerState: { type: 'Property', value: 'on', observedAt: '2024-05-01T10:00:00Z' },
  illuminanceLevel: { type: 'Property', value: 0.8, unitCode: 'P1', reliability: { type: 'Property', value: 0.9 } },
  refGroup: { type: 'Relationship', object: 'urn:ngsi-ld:StreetlightGroup:test:g1' },
  location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [6.1, 49.6] } },
  name: { type: 'LanguageProperty', languageMap: { fr: 'Lampadaire', en: 'Street light' } },
  readings: { type: 'ListProperty', valueList: [1, 2, 3] },
  neighbours: { type: 'ListRelationship', objectList: [{ object: 'urn:ngsi-ld:Streetlight:test:2' }] },
  config: { type: 'JsonProperty', json: { mode: 'auto', steps: [1, 2] } },
  category: { type: 'VocabProperty', vocab: 'residential' },
  lastLampChange: { type: 'Property', value: { '@type': 'DateTime', '@value': '2023-01-01T00:00:00Z' } },
  energy: [
    { type: 'Property', value: 10, datasetId: 'urn:ngsi-ld:Dataset:meter' },
    { type: 'Property', value: 11 },
  ],
};

describe('create and retrieve', () => {
  it('creates with 201 + Location and reads back every attribute kind unchanged', async () => {
    const res = await create(full);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/ngsi-ld/v1/entities/${enc(ID)}`);
    const { res: r, body } = await get();
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers.link).toContain('ngsi-ld-core-context');
    expect(body).toEqual(full);
  });

  it('refuses a duplicate with 409 AlreadyExists', async () => {
    await create(full);
    const res = await create(full);
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body).type).toBe('https://uri.etsi.org/ngsi-ld/errors/AlreadyExists');
  });

  it.each([
    ['no id', { type: 'T' }],
    ['id not a URI', { id: 'not a uri', type: 'T' }],
    ['no type', { id: 'urn:x:1' }],
    ['type not a string', { id: 'urn:x:1', type: 5 }],
    ['unknown attribute type', { id: 'urn:x:1', type: 'T', a: { type: 'Propertee', value: 1 } }],
    ['Property without value', { id: 'urn:x:1', type: 'T', a: { type: 'Property' } }],
    ['Relationship object not a URI', { id: 'urn:x:1', type: 'T', a: { type: 'Relationship', object: 'nope' } }],
    ['invalid GeoJSON', { id: 'urn:x:1', type: 'T', location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [500, 1] } } }],
    ['bad observedAt', { id: 'urn:x:1', type: 'T', a: { type: 'Property', value: 1, observedAt: 'yesterday' } }],
    ['duplicate datasetId', { id: 'urn:x:1', type: 'T', a: [{ value: 1 }, { value: 2 }] }],
    ['bad attribute name', { id: 'urn:x:1', type: 'T', 'a<b': 1 }],
    ['body is an array', [{ id: 'urn:x:1', type: 'T' }]],
  ])('rejects %s with 400 BadRequestData and writes nothing', async (_name, body) => {
    const res = await create(body as object);
    expect(res.statusCode).toBe(400);
    const p = JSON.parse(res.body);
    expect(p.type).toBe('https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
    expect(p.detail).toEqual(expect.any(String));
    const q = await t.app.inject({ method: 'GET', url: `${BASE}?idPattern=.*` });
    expect(q.statusCode === 200 ? JSON.parse(q.body) : []).toEqual([]);
  });

  it('accepts concise input and answers concise and keyValues output', async () => {
    await create({ id: ID, type: 'Streetlight', powerState: 'on', level: { value: 3, unitCode: 'P1' }, refGroup: { object: 'urn:g:1' }, location: { type: 'Point', coordinates: [1, 2] }, tags: ['a', 'b'] });
    const { body: kv } = await get(ID, '?options=keyValues');
    expect(kv).toEqual({ id: ID, type: 'Streetlight', powerState: 'on', level: 3, refGroup: 'urn:g:1', location: { type: 'Point', coordinates: [1, 2] }, tags: ['a', 'b'] });
    const { body: concise } = await get(ID, '?format=concise');
    expect(concise).toEqual({ id: ID, type: 'Streetlight', powerState: 'on', level: { value: 3, unitCode: 'P1' }, refGroup: { object: 'urn:g:1' }, location: { type: 'Point', coordinates: [1, 2] }, tags: ['a', 'b'] });
    const { body: normalized } = await get(ID);
    expect(normalized.level).toEqual({ type: 'Property', value: 3, unitCode: 'P1' });
    expect(normalized.location.type).toBe('GeoProperty');
  });

  it('gives system attributes with options=sysAttrs only', async () => {
    await create(full);
    const { body } = await get(ID, '?options=sysAttrs');
    expect(Date.parse(body.createdAt)).not.toBeNaN();
    expect(body.modifiedAt).toEqual(expect.any(String));
    expect(body.powerState.createdAt).toEqual(expect.any(String));
    const { body: plain } = await get();
    expect(plain.createdAt).toBeUndefined();
    expect(plain.powerState.createdAt).toBeUndefined();
  });

  it('projects attrs and picks a language with lang', async () => {
    await create(full);
    const { body } = await get(ID, '?attrs=powerState,name&lang=fr');
    expect(Object.keys(body).sort()).toEqual(['id', 'name', 'powerState', 'type']);
    expect(body.name).toEqual({ type: 'Property', value: 'Lampadaire', lang: 'fr' });
  });

  it('answers 404 ResourceNotFound for an unknown entity and 400 for a non-URI id', async () => {
    const { res } = await get('urn:ngsi-ld:Nothing:1');
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).type).toBe('https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound');
    const { res: bad } = await get('notauri');
    expect(bad.statusCode).toBe(400);
  });

  it('returns a GeoJSON Feature for Accept: application/geo+json', async () => {
    await create(full);
    const { res, body } = await get(ID, '', { accept: 'application/geo+json' });
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(body).toMatchObject({ id: ID, type: 'Feature', geometry: { type: 'Point', coordinates: [6.1, 49.6] } });
    expect(body.properties.type).toBe('Streetlight');
  });
});

describe('modify', () => {
  beforeEach(async () => {
    expect((await create(full)).statusCode).toBe(201);
  });
  const call = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    t.app.inject({ method, url: `${BASE}/${enc(ID)}${path}`, headers: body === undefined ? {} : { 'content-type': 'application/json' }, payload: body === undefined ? undefined : JSON.stringify(body) });

  it('deletes an entity', async () => {
    expect((await call('DELETE', '')).statusCode).toBe(204);
    expect((await get()).res.statusCode).toBe(404);
    expect((await call('DELETE', '')).statusCode).toBe(404);
  });

  it('merges with PATCH /entities/{id}: values replaced, sub-attributes merged, urn:ngsi-ld:null deletes', async () => {
    const res = await call('PATCH', '', { powerState: 'off', illuminanceLevel: { value: 0.2 }, readings: 'urn:ngsi-ld:null', newOne: { value: 5 } });
    expect(res.statusCode).toBe(204);
    const { body } = await get();
    expect(body.powerState).toEqual({ type: 'Property', value: 'off', observedAt: '2024-05-01T10:00:00Z' });
    expect(body.illuminanceLevel).toEqual({ type: 'Property', value: 0.2, unitCode: 'P1', reliability: { type: 'Property', value: 0.9 } });
    expect(body.readings).toBeUndefined();
    expect(body.newOne).toEqual({ type: 'Property', value: 5 });
  });

  it('replaces with PUT /entities/{id}, keeping createdAt', async () => {
    const before = (await get(ID, '?options=sysAttrs')).body.createdAt;
    expect((await call('PUT', '', { type: 'Streetlight', status: 'ok' })).statusCode).toBe(204);
    const { body } = await get(ID, '?options=sysAttrs');
    expect(body.createdAt).toBe(before);
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'id', 'modifiedAt', 'status', 'type']);
  });

  it('appends attributes, and with noOverwrite answers 207 with the ones not written', async () => {
    expect((await call('POST', '/attrs', { extra: 1 })).statusCode).toBe(204);
    const res = await call('POST', '/attrs?options=noOverwrite', { powerState: 'off', other: 2 });
    expect(res.statusCode).toBe(207);
    const body = JSON.parse(res.body);
    expect(body.updated).toEqual(['other']);
    expect(body.notUpdated).toEqual([{ attributeName: 'powerState', reason: expect.any(String) }]);
    expect((await get()).body.powerState.value).toBe('on');
  });

  it('updates existing attributes: 204, or 207 {updated, notUpdated}', async () => {
    expect((await call('PATCH', '/attrs', { powerState: 'off' })).statusCode).toBe(204);
    const res = await call('PATCH', '/attrs', { powerState: 'on', missing: 1 });
    expect(res.statusCode).toBe(207);
    expect(JSON.parse(res.body)).toEqual({ updated: ['powerState'], notUpdated: [{ attributeName: 'missing', reason: expect.any(String) }] });
    expect((await get()).body.missing).toBeUndefined();
  });

  it('partially updates one attribute and one instance by datasetId', async () => {
    expect((await call('PATCH', '/attrs/illuminanceLevel', { value: 0.5 })).statusCode).toBe(204);
    expect((await get()).body.illuminanceLevel).toMatchObject({ value: 0.5, unitCode: 'P1' });
    expect((await call('PATCH', '/attrs/energy', { value: 99, datasetId: 'urn:ngsi-ld:Dataset:meter' })).statusCode).toBe(204);
    const energy = (await get()).body.energy;
    expect(energy).toEqual(expect.arrayContaining([expect.objectContaining({ value: 99, datasetId: 'urn:ngsi-ld:Dataset:meter' }), { type: 'Property', value: 11 }]));
    expect((await call('PATCH', '/attrs/nothing', { value: 1 })).statusCode).toBe(404);
  });

  it('deletes attributes: default instance, by datasetId, deleteAll', async () => {
    expect((await call('DELETE', '/attrs/energy?datasetId=urn:ngsi-ld:Dataset:meter')).statusCode).toBe(204);
    expect((await get()).body.energy).toEqual({ type: 'Property', value: 11 });
    expect((await call('DELETE', '/attrs/energy?datasetId=urn:ngsi-ld:Dataset:meter')).statusCode).toBe(404);
    expect((await call('DELETE', '/attrs/powerState')).statusCode).toBe(204);
    expect((await call('POST', '/attrs', { m: [{ value: 1 }, { value: 2, datasetId: 'urn:d:2' }] })).statusCode).toBe(204);
    expect((await call('DELETE', '/attrs/m?deleteAll=true')).statusCode).toBe(204);
    const { body } = await get();
    expect(body.powerState).toBeUndefined();
    expect(body.m).toBeUndefined();
  });

  it('replaces one attribute with PUT …/attrs/{attrId}', async () => {
    expect((await call('PUT', '/attrs/powerState', { type: 'Property', value: 'dimmed' })).statusCode).toBe(204);
    expect((await get()).body.powerState).toEqual({ type: 'Property', value: 'dimmed' });
    expect((await call('PUT', '/attrs/unknown', { value: 1 })).statusCode).toBe(404);
  });
});
