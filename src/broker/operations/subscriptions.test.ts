/** HTTP tests of the subscription operations (clauses 5.8.1–5.8.5, 6.10–6.11), in-process. */
import { subscriptionTestApp, type SubTestApp } from '../subscriptions/recording-notifier.fixture';

let t: SubTestApp;
beforeEach(async () => {
  t = await subscriptionTestApp();
});
afterEach(async () => t.close());

const BASE = '/ngsi-ld/v1/subscriptions';
const JSON_CT = { 'content-type': 'application/json' };
const SDM = 'https://smart-data-models.github.io/dataModel.Streetlighting/context.jsonld';
const LINK = `<${SDM}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const enc = encodeURIComponent;
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';

const sub = (extra: object = {}) => ({
  type: 'Subscription',
  entities: [{ type: 'Streetlight' }],
  notification: { endpoint: { uri: 'http://127.0.0.1:9/notify' } },
  ...extra,
});

async function post(body: unknown, headers: Record<string, string> = JSON_CT) {
  return t.app.inject({ method: 'POST', url: BASE, headers, payload: JSON.stringify(body) });
}
async function get(id: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url: `${BASE}/${enc(id)}`, headers });
  return { res, body: JSON.parse(res.body) };
}

describe('create and retrieve', () => {
  it('creates with 201 + Location, generates an id and fills in the defaults', async () => {
    const res = await post(sub());
    expect(res.statusCode).toBe(201);
    const id = decodeURIComponent(res.headers.location!.split('/').pop()!);
    expect(id).toMatch(/^urn:ngsi-ld:Subscription:[0-9a-f-]{36}$/);
    const { res: r, body } = await get(id);
    expect(r.statusCode).toBe(200);
    expect(r.headers.link).toContain('ngsi-ld-core-context');
    expect(body).toEqual({
      id,
      type: 'Subscription',
      entities: [{ type: 'Streetlight' }],
      notificationTrigger: ['attributeCreated', 'attributeUpdated'],
      isActive: true,
      status: 'active',
      jsonldContext: 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld',
      notification: { format: 'normalized', showChanges: false, sysAttrs: false, endpoint: { uri: 'http://127.0.0.1:9/notify', accept: 'application/json' }, timesSent: 0, timesFailed: 0 },
    });
  });

  it('keeps every member and compacts names with the request @context', async () => {
    const body = sub({
      id: 'urn:ngsi-ld:Subscription:full',
      subscriptionName: 'lights',
      description: 'all the lights',
      entities: [{ type: 'Streetlight', idPattern: '^urn:ngsi-ld:Streetlight:' }, { type: 'Streetlight', id: 'urn:ngsi-ld:Streetlight:1' }],
      watchedAttributes: ['powerState'],
      notificationTrigger: ['entityCreated', 'attributeUpdated'],
      q: 'powerState=="on"',
      geoQ: { georel: 'near;maxDistance==1000', geometry: 'Point', coordinates: [6.1, 49.6] },
      throttling: 5,
      expiresAt: '2099-01-01T00:00:00Z',
      isActive: false,
      lang: 'fr',
      notification: {
        attributes: ['powerState'], format: 'keyValues', sysAttrs: true,
        endpoint: { uri: 'mqtt://broker.local/lights', accept: 'application/ld+json', receiverInfo: [{ key: 'X-Token', value: 'a' }], notifierInfo: [{ key: 'MQTT-QoS', value: '1' }] },
      },
    });
    expect((await post(body, { ...JSON_CT, link: LINK })).statusCode).toBe(201);
    const { body: withSdm } = await get('urn:ngsi-ld:Subscription:full', { link: LINK });
    expect(withSdm).toMatchObject({ ...body, status: 'paused', jsonldContext: SDM, notification: { ...body.notification, showChanges: false, timesSent: 0 } });
    // under the core context, SDM terms come back as IRIs
    const { body: core } = await get('urn:ngsi-ld:Subscription:full');
    expect(core.entities[0].type).toBe('https://smartdatamodels.org/dataModel.Streetlighting/Streetlight');
    expect(core.watchedAttributes).toEqual(['https://smartdatamodels.org/dataModel.Streetlighting/powerState']);
  });

  it('answers application/ld+json with @context in the body', async () => {
    await post(sub({ id: 'urn:x:s1' }));
    const { res, body } = await get('urn:x:s1', { accept: 'application/ld+json' });
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(body['@context']).toBe('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld');
  });

  it('accepts an application/ld+json body with its @context', async () => {
    const res = await post({ ...sub({ id: 'urn:x:ld' }), '@context': SDM }, { 'content-type': 'application/ld+json' });
    expect(res.statusCode).toBe(201);
    expect((await get('urn:x:ld', { link: LINK })).body.entities).toEqual([{ type: 'Streetlight' }]);
  });

  it('refuses a duplicate id with 409 AlreadyExists', async () => {
    await post(sub({ id: 'urn:x:dup' }));
    const res = await post(sub({ id: 'urn:x:dup' }));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body).type).toBe(ERR + 'AlreadyExists');
  });

  it('answers 404 ResourceNotFound for an unknown id, 400 for an id that is not a URI', async () => {
    expect((await get('urn:x:none')).body.type).toBe(ERR + 'ResourceNotFound');
    const r = await get('not a uri');
    expect(r.res.statusCode).toBe(400);
  });

  it('answers 404 NonexistentTenant for reads in an unknown tenant, and creates a tenant on create', async () => {
    const r = await t.app.inject({ method: 'GET', url: BASE, headers: { 'ngsild-tenant': 'nowhere' } });
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body).type).toBe(ERR + 'NonexistentTenant');
    expect((await post(sub({ id: 'urn:x:t' }), { ...JSON_CT, 'ngsild-tenant': 'commune-a' })).statusCode).toBe(201);
    const list = await t.app.inject({ method: 'GET', url: BASE, headers: { 'ngsild-tenant': 'commune-a' } });
    expect(JSON.parse(list.body).map((s: { id: string }) => s.id)).toEqual(['urn:x:t']);
    expect(JSON.parse((await t.app.inject({ method: 'GET', url: BASE })).body)).toEqual([]);
  });
});

describe('validation', () => {
  it.each([
    ['not an object', []],
    ['no type', { entities: [{ type: 'T' }], notification: { endpoint: { uri: 'http://h/' } } }],
    ['wrong type', sub({ type: 'Subscriptions' })],
    ['id not a URI', sub({ id: 'nope' })],
    ['neither entities nor watchedAttributes', { type: 'Subscription', notification: { endpoint: { uri: 'http://h/' } } }],
    ['empty entities', sub({ entities: [] })],
    ['selector without type', sub({ entities: [{ id: 'urn:x:1' }] })],
    ['selector id not a URI', sub({ entities: [{ type: 'T', id: 'x y' }] })],
    ['bad idPattern', sub({ entities: [{ type: 'T', idPattern: '(' }] })],
    ['bad type expression', sub({ entities: [{ type: 'A;;B' }] })],
    ['unknown selector member', sub({ entities: [{ type: 'T', ids: ['urn:x:1'] }] })],
    ['empty watchedAttributes', sub({ watchedAttributes: [] })],
    ['bad attribute name', sub({ watchedAttributes: ['a b'] })],
    ['unknown trigger', sub({ notificationTrigger: ['entityChanged'] })],
    ['empty triggers', sub({ notificationTrigger: [] })],
    ['bad q', sub({ q: 'temperature>>' })],
    ['bad geoQ georel', sub({ geoQ: { georel: 'nearby', geometry: 'Point', coordinates: [1, 2] } })],
    ['incomplete geoQ', sub({ geoQ: { georel: 'within', geometry: 'Polygon' } })],
    ['bad geoQ coordinates', sub({ geoQ: { georel: 'near;maxDistance==10', geometry: 'Point', coordinates: [500, 2] } })],
    ['no notification', { type: 'Subscription', entities: [{ type: 'T' }] }],
    ['no endpoint', sub({ notification: {} })],
    ['no uri', sub({ notification: { endpoint: {} } })],
    ['relative uri', sub({ notification: { endpoint: { uri: '/notify' } } })],
    ['ftp scheme', sub({ notification: { endpoint: { uri: 'ftp://h/x' } } })],
    ['bad accept', sub({ notification: { endpoint: { uri: 'http://h/', accept: 'text/plain' } } })],
    ['bad receiverInfo', sub({ notification: { endpoint: { uri: 'http://h/', receiverInfo: [{ key: 'a' }] } } })],
    ['bad format', sub({ notification: { format: 'simple', endpoint: { uri: 'http://h/' } } })],
    ['showChanges with keyValues', sub({ notification: { format: 'keyValues', showChanges: true, endpoint: { uri: 'http://h/' } } })],
    ['empty notification.attributes', sub({ notification: { attributes: [], endpoint: { uri: 'http://h/' } } })],
    ['expiresAt in the past', sub({ expiresAt: '2001-01-01T00:00:00Z' })],
    ['expiresAt not a date', sub({ expiresAt: 'tomorrow' })],
    ['throttling 0', sub({ throttling: 0 })],
    ['timeInterval negative', sub({ timeInterval: -1 })],
    ['timeInterval with watchedAttributes', sub({ timeInterval: 10, watchedAttributes: ['a'] })],
    ['timeInterval with throttling', sub({ timeInterval: 10, throttling: 1 })],
    ['isActive not a boolean', sub({ isActive: 'yes' })],
    ['unknown member', sub({ watchedAttribute: ['a'] })],
    ['unsupported member', sub({ scopeQ: '/a' })],
  ])('rejects %s with 400 BadRequestData and stores nothing', async (_name, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const p = JSON.parse(res.body);
    expect(p.type).toBe(ERR + 'BadRequestData');
    expect(p.detail).toEqual(expect.any(String));
    expect(JSON.parse((await t.app.inject({ method: 'GET', url: BASE })).body)).toEqual([]);
  });

  it('rejects a body that is not JSON with 400 InvalidRequest', async () => {
    const res = await t.app.inject({ method: 'POST', url: BASE, headers: JSON_CT, payload: '{"type":' });
    expect(JSON.parse(res.body).type).toBe(ERR + 'InvalidRequest');
  });
});

describe('query, update, delete', () => {
  it('pages with limit/offset, counts, and links the next and previous pages', async () => {
    for (let i = 0; i < 5; i++) await post(sub({ id: `urn:x:s${i}` }));
    const res = await t.app.inject({ method: 'GET', url: `${BASE}?limit=2&offset=2&count=true` });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).map((s: { id: string }) => s.id)).toEqual(['urn:x:s2', 'urn:x:s3']);
    expect(res.headers['ngsild-results-count']).toBe('5');
    expect(res.headers.link).toContain('rel="prev"');
    expect(res.headers.link).toContain('offset=4');
    expect(res.headers.link).toContain('rel="next"');
    const bad = await t.app.inject({ method: 'GET', url: `${BASE}?limit=5000` });
    expect(bad.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: `${BASE}?type=T` });
    expect(unknown.statusCode).toBe(400);
  });

  it('updates by fragment with 204: members replace, notification members merge', async () => {
    await post(sub({ id: 'urn:x:u', q: 'a>1', notification: { format: 'concise', endpoint: { uri: 'http://h/1' } } }));
    const patch = { isActive: false, q: 'a>2', notification: { attributes: ['a'] }, expiresAt: '2099-01-01T00:00:00Z' };
    const res = await t.app.inject({ method: 'PATCH', url: `${BASE}/${enc('urn:x:u')}`, headers: JSON_CT, payload: JSON.stringify(patch) });
    expect(res.statusCode).toBe(204);
    const { body } = await get('urn:x:u');
    expect(body).toMatchObject({ isActive: false, status: 'paused', q: 'a>2', expiresAt: '2099-01-01T00:00:00Z', notification: { format: 'concise', attributes: ['a'], endpoint: { uri: 'http://h/1' } } });
  });

  it('reads PATCH names with the request @context and keeps them right under the subscription\'s', async () => {
    await post(sub({ id: 'urn:x:ctx' }), { ...JSON_CT, link: LINK });
    await t.app.inject({ method: 'PATCH', url: `${BASE}/${enc('urn:x:ctx')}`, headers: JSON_CT, payload: JSON.stringify({ watchedAttributes: ['https://smartdatamodels.org/dataModel.Streetlighting/powerState'] }) });
    expect((await get('urn:x:ctx', { link: LINK })).body.watchedAttributes).toEqual(['powerState']);
  });

  it.each([
    ['a bad member', { throttling: 'fast' }],
    ['a rule broken by the merge', { timeInterval: 5 }],
    ['another id', { id: 'urn:x:other' }],
    ['expiresAt in the past', { expiresAt: '2000-01-01T00:00:00Z' }],
  ])('refuses an update with %s (400) and keeps the subscription', async (_n, patch) => {
    await post(sub({ id: 'urn:x:p', throttling: 2 }));
    const res = await t.app.inject({ method: 'PATCH', url: `${BASE}/${enc('urn:x:p')}`, headers: JSON_CT, payload: JSON.stringify(patch) });
    expect(res.statusCode).toBe(400);
    expect((await get('urn:x:p')).body.throttling).toBe(2);
  });

  it('answers 404 to an update or delete of an unknown subscription', async () => {
    const u = await t.app.inject({ method: 'PATCH', url: `${BASE}/${enc('urn:x:none')}`, headers: JSON_CT, payload: '{"isActive":true}' });
    expect(u.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `${BASE}/${enc('urn:x:none')}` })).statusCode).toBe(404);
  });

  it('deletes with 204', async () => {
    await post(sub({ id: 'urn:x:d' }));
    expect((await t.app.inject({ method: 'DELETE', url: `${BASE}/${enc('urn:x:d')}` })).statusCode).toBe(204);
    expect((await get('urn:x:d')).res.statusCode).toBe(404);
  });
});
