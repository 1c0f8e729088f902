/**
 * Matching and notifications (clauses 5.2.12, 5.3.1, 5.8.6), through the real HTTP pipeline with a
 * recording Notifier: triggers, watchedAttributes, q, geoQ, selectors, formats, showChanges,
 * throttling, timeInterval, expiresAt, isActive, counters.
 */
import { settle, subscriptionTestApp, type SubTestApp } from './recording-notifier.fixture';

let t: SubTestApp;
let clock: number | undefined;
beforeEach(async () => {
  clock = undefined;
  t = await subscriptionTestApp({ now: () => new Date(clock ?? Date.now()).toISOString() });
});
afterEach(async () => t.close());

const JSON_CT = { 'content-type': 'application/json' };
const E = 'urn:ngsi-ld:Streetlight:t:1';
const enc = encodeURIComponent;
type Body = { id: string; type: string; subscriptionId: string; notifiedAt: string; triggerReason?: string; data: Array<Record<string, unknown>>; '@context'?: unknown };

async function subscribe(extra: object = {}, headers: Record<string, string> = JSON_CT): Promise<string> {
  const body = { type: 'Subscription', entities: [{ type: 'Streetlight' }], notification: { endpoint: { uri: 'http://127.0.0.1:9/n' } }, ...extra };
  const res = await t.app.inject({ method: 'POST', url: '/ngsi-ld/v1/subscriptions', headers, payload: JSON.stringify(body) });
  expect(res.statusCode).toBe(201);
  return decodeURIComponent(res.headers.location!.split('/').pop()!);
}
async function call(method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = JSON_CT) {
  const res = await t.app.inject({ method, url: `/ngsi-ld/v1${url}`, headers: body === undefined ? {} : headers, payload: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.statusCode).toBeLessThan(300);
  return res;
}
const create = (attrs: object = {}, id = E, type = 'Streetlight') => call('POST', '/entities', { id, type, powerState: { type: 'Property', value: 'on' }, ...attrs });
const patch = (attrs: object, id = E) => call('PATCH', `/entities/${enc(id)}/attrs`, attrs);
const bodies = (): Body[] => t.notifier.sent.map((d) => d.body as Body);
async function sub(id: string) {
  return JSON.parse((await t.app.inject({ method: 'GET', url: `/ngsi-ld/v1/subscriptions/${enc(id)}` })).body);
}

describe('triggers', () => {
  it('notifies creations and value changes by default, not same-value updates nor deletions', async () => {
    const id = await subscribe();
    await create();
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await call('DELETE', `/entities/${enc(E)}`);
    await settle();
    expect(bodies().map((b) => b.triggerReason)).toEqual(['attributeCreated', 'attributeUpdated']);
    const [n] = bodies();
    expect(n).toMatchObject({ type: 'Notification', subscriptionId: id, data: [{ id: E, type: 'Streetlight', powerState: { type: 'Property', value: 'on' } }] });
    expect(n.id).toMatch(/^urn:ngsi-ld:Notification:[0-9a-f-]{36}$/);
    expect(Date.parse(n.notifiedAt)).not.toBeNaN();
    const d = t.notifier.sent[0];
    expect(d).toMatchObject({ subscriptionId: id, orderKey: E, endpoint: { uri: 'http://127.0.0.1:9/n', accept: 'application/json' } });
    expect(d.headers['Content-Type']).toBe('application/json');
    expect(d.headers.Link).toContain('ngsi-ld-core-context-v1.8.jsonld');
    expect(d.tenant).toBeUndefined();
  });

  it('counts a new observedAt as a change of the attribute', async () => {
    await create();
    await subscribe({ notificationTrigger: ['attributeUpdated'] });
    await patch({ powerState: { type: 'Property', value: 'on', observedAt: '2024-01-01T00:00:00Z' } });
    await settle();
    expect(bodies()).toHaveLength(1);
  });

  it('entityCreated and entityDeleted', async () => {
    await subscribe({ notificationTrigger: ['entityCreated', 'entityDeleted'] });
    await create();
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await call('DELETE', `/entities/${enc(E)}`);
    await settle();
    expect(bodies().map((b) => b.triggerReason)).toEqual(['entityCreated', 'entityDeleted']);
    const del = bodies()[1].data[0];
    expect(Object.keys(del).sort()).toEqual(['deletedAt', 'id', 'type']);
    expect(del).toMatchObject({ id: E, type: 'Streetlight' });
  });

  it('entityUpdated stands for the three attribute triggers, creation included', async () => {
    await subscribe({ notificationTrigger: ['entityUpdated'] });
    await create();
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await call('POST', `/entities/${enc(E)}/attrs`, { lamp: { type: 'Property', value: 1 } });
    await call('DELETE', `/entities/${enc(E)}/attrs/lamp`);
    await settle();
    expect(bodies().map((b) => b.triggerReason)).toEqual(['attributeCreated', 'attributeUpdated', 'attributeCreated', 'attributeDeleted']);
  });

  it('attributeDeleted shows the deleted attribute as urn:ngsi-ld:null with deletedAt', async () => {
    await create({ lamp: { type: 'Relationship', object: 'urn:x:lamp' } });
    await subscribe({ notificationTrigger: ['attributeDeleted'] });
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await call('DELETE', `/entities/${enc(E)}/attrs/lamp`);
    await settle();
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0].data[0].lamp).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:null', deletedAt: expect.any(String) });
  });

  it('watchedAttributes: only changes of a watched attribute notify', async () => {
    await create({ lamp: { type: 'Property', value: 1 } });
    await subscribe({ watchedAttributes: ['powerState'] });
    await patch({ lamp: { type: 'Property', value: 2 } });
    await settle();
    expect(bodies()).toHaveLength(0);
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await settle();
    expect(bodies()).toHaveLength(1);
  });

  it('watchedAttributes alone (no entities) selects any entity', async () => {
    await subscribe({ entities: undefined, watchedAttributes: ['powerState'] });
    await create({}, 'urn:x:other', 'Lamp');
    await settle();
    expect(bodies()[0].data[0].id).toBe('urn:x:other');
  });
});

describe('selection and filters', () => {
  it('matches type, id and idPattern selectors; other entities are left out', async () => {
    await subscribe({ entities: [{ type: 'Streetlight', id: 'urn:x:a' }, { type: 'Streetlight', idPattern: '^urn:x:p' }] });
    await create({}, 'urn:x:a');
    await create({}, 'urn:x:b');
    await create({}, 'urn:x:p1');
    await create({}, 'urn:x:p2', 'Lamp');
    await settle();
    expect(bodies().map((b) => b.data[0].id)).toEqual(['urn:x:a', 'urn:x:p1']);
  });

  it('q is evaluated on the entity after the change', async () => {
    await create({ level: { type: 'Property', value: 10 } });
    await subscribe({ q: 'level>50' });
    await patch({ level: { type: 'Property', value: 20 } });
    await patch({ level: { type: 'Property', value: 60 } });
    await settle();
    expect(bodies().map((b) => (b.data[0].level as { value: number }).value)).toEqual([60]);
  });

  it('geoQ: near with maxDistance', async () => {
    await subscribe({ geoQ: { georel: 'near;maxDistance==1000', geometry: 'Point', coordinates: '[6.13, 49.61]' } });
    await create({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [6.131, 49.611] } } }, 'urn:x:near');
    await create({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [7, 50] } } }, 'urn:x:far');
    await create({}, 'urn:x:nowhere');
    await settle();
    expect(bodies().map((b) => b.data[0].id)).toEqual(['urn:x:near']);
  });

  it('isActive false pauses; a PATCH resumes', async () => {
    const id = await subscribe({ isActive: false });
    await create();
    await settle();
    expect(bodies()).toHaveLength(0);
    await call('PATCH', `/subscriptions/${enc(id)}`, { isActive: true });
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await settle();
    expect(bodies()).toHaveLength(1);
  });

  it('expiresAt: once passed, status expired and no more notifications', async () => {
    clock = Date.parse('2030-01-01T00:00:00Z');
    const id = await subscribe({ expiresAt: '2030-01-01T00:01:00Z' });
    await create();
    await settle();
    expect(bodies()).toHaveLength(1);
    clock += 120_000;
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await settle();
    expect(bodies()).toHaveLength(1);
    expect((await sub(id)).status).toBe('expired');
  });

  it('a tenant\'s subscriptions see that tenant\'s changes only; NGSILD-Tenant is sent', async () => {
    const h = { ...JSON_CT, 'ngsild-tenant': 'commune-a' };
    await subscribe({}, h);
    await create();
    await call('POST', '/entities', { id: E, type: 'Streetlight', powerState: 'on' }, h);
    await settle();
    expect(t.notifier.sent).toHaveLength(1);
    expect(t.notifier.sent[0].headers['NGSILD-Tenant']).toBe('commune-a');
    expect(t.notifier.sent[0].tenant).toBe('commune-a');
  });
});

describe('rendering', () => {
  it('keyValues with notification.attributes and sysAttrs', async () => {
    await subscribe({ notification: { format: 'keyValues', attributes: ['level'], sysAttrs: true, endpoint: { uri: 'http://h/' } } });
    await create({ level: { type: 'Property', value: 3 } });
    await settle();
    expect(bodies()[0].data[0]).toEqual({ id: E, type: 'Streetlight', level: 3, createdAt: expect.any(String), modifiedAt: expect.any(String) });
  });

  it('concise', async () => {
    await subscribe({ notification: { format: 'concise', endpoint: { uri: 'http://h/' } } });
    await create({ level: { type: 'Property', value: 3, unitCode: 'P1' } });
    await settle();
    expect(bodies()[0].data[0]).toEqual({ id: E, type: 'Streetlight', powerState: 'on', level: { value: 3, unitCode: 'P1' } });
  });

  it('showChanges adds previousValue / previousObject to changed attributes only', async () => {
    await create({ ref: { type: 'Relationship', object: 'urn:x:1' }, level: { type: 'Property', value: 1 } });
    await subscribe({ notification: { showChanges: true, endpoint: { uri: 'http://h/' } } });
    await patch({ powerState: { type: 'Property', value: 'off' }, ref: { type: 'Relationship', object: 'urn:x:2' } });
    await settle();
    const e = bodies()[0].data[0];
    expect(e.powerState).toEqual({ type: 'Property', value: 'off', previousValue: 'on' });
    expect(e.ref).toEqual({ type: 'Relationship', object: 'urn:x:2', previousObject: 'urn:x:1' });
    expect(e.level).toEqual({ type: 'Property', value: 1 });
  });

  it('showChanges in concise keeps an object to carry previousValue', async () => {
    await create();
    await subscribe({ notification: { format: 'concise', showChanges: true, endpoint: { uri: 'http://h/' } } });
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await settle();
    expect(bodies()[0].data[0].powerState).toEqual({ value: 'off', previousValue: 'on' });
  });

  it('compacts with the subscription @context: Link for JSON, @context in the body for JSON-LD', async () => {
    const ctx = 'https://smart-data-models.github.io/dataModel.Streetlighting/context.jsonld';
    const link = `<${ctx}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
    await subscribe({}, { ...JSON_CT, link });
    await subscribe({ notification: { endpoint: { uri: 'http://h/ld', accept: 'application/ld+json' } } }, { ...JSON_CT, link });
    await call('POST', '/entities', { id: E, type: 'Streetlight', powerState: 'on' }, { ...JSON_CT, link });
    await settle();
    const [json, ld] = t.notifier.sent;
    expect(json.headers.Link).toContain(ctx);
    expect((json.body as Body).data[0]).toMatchObject({ type: 'Streetlight', powerState: { value: 'on' } });
    expect(ld.headers['Content-Type']).toBe('application/ld+json');
    expect(ld.headers.Link).toBeUndefined();
    expect((ld.body as Body)['@context']).toBe(ctx);
    expect((ld.body as Body).data[0].type).toBe('Streetlight');
  });

  it('application/geo+json delivers a FeatureCollection', async () => {
    await subscribe({ notification: { endpoint: { uri: 'http://h/', accept: 'application/geo+json' } } });
    await create({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } } });
    await settle();
    const data = bodies()[0].data as unknown as { type: string; features: Array<{ id: string; geometry: unknown }> };
    expect(data.type).toBe('FeatureCollection');
    expect(data.features[0]).toMatchObject({ id: E, type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] } });
  });
});

describe('timing', () => {
  it('throttling: the first change goes at once, the next ones are coalesced into the latest state per entity', async () => {
    await subscribe({ throttling: 0.3 });
    await create({ level: { type: 'Property', value: 0 } });
    await create({ level: { type: 'Property', value: 0 } }, 'urn:x:2');
    for (let v = 1; v <= 3; v++) await patch({ level: { type: 'Property', value: v } });
    await settle();
    expect(bodies()).toHaveLength(1);
    const sent = await t.notifier.waitFor(2, 2000);
    const data = (sent[1].body as Body).data;
    expect(data.map((e) => e.id)).toEqual(['urn:x:2', E]);
    expect((data[1].level as { value: number }).value).toBe(3);
    expect(Date.parse((sent[1].body as Body).notifiedAt) - Date.parse((sent[0].body as Body).notifiedAt)).toBeGreaterThanOrEqual(280);
  });

  it('timeInterval: periodic notifications with every matching entity', async () => {
    await create({ level: { type: 'Property', value: 1 } });
    await create({ level: { type: 'Property', value: 9 } }, 'urn:x:2');
    await create({}, 'urn:x:3', 'Lamp');
    await subscribe({ timeInterval: 0.1, q: 'level<5' });
    const sent = await t.notifier.waitFor(2, 2000);
    for (const d of sent) expect((d.body as Body).data.map((e) => e.id)).toEqual([E]);
    expect((sent[0].body as Body).triggerReason).toBeUndefined();
  });

  it('counters: timesSent, lastNotification, lastSuccess, then timesFailed and lastFailure', async () => {
    const id = await subscribe();
    await create();
    await settle();
    let n = (await sub(id)).notification;
    expect(n).toMatchObject({ timesSent: 1, timesFailed: 0, status: 'ok', lastNotification: expect.any(String), lastSuccess: expect.any(String) });
    t.notifier.ok = false;
    await patch({ powerState: { type: 'Property', value: 'off' } });
    await settle();
    n = (await sub(id)).notification;
    expect(n).toMatchObject({ timesSent: 2, timesFailed: 1, status: 'failed', lastFailure: expect.any(String) });
    expect((await sub(id)).status).toBe('active');
  });

  it('a tenant without subscriptions has no change listener (its writes cost nothing extra)', async () => {
    const store = t.broker.tenants.forRead(undefined);
    const spy = jest.spyOn(store, 'setChangeListener');
    const id = await subscribe();
    expect(spy).toHaveBeenLastCalledWith(expect.any(Function));
    await call('DELETE', `/subscriptions/${enc(id)}`);
    expect(spy).toHaveBeenLastCalledWith(undefined);
    await create();
    await settle();
    expect(t.notifier.sent).toHaveLength(0);
  });

  it('hundreds of subscriptions: each change reaches only the matching ones', async () => {
    for (let g = 0; g < 300; g++) {
      await subscribe({ id: `urn:x:s${g}`, entities: [{ type: g % 3 === 0 ? 'Streetlight' : `Other${g}` }], q: `group==${g}` });
    }
    await create({ group: { type: 'Property', value: 42 } });
    await create({ group: { type: 'Property', value: 43 } }, 'urn:x:43');
    await settle();
    expect(t.notifier.sent.map((d) => d.subscriptionId)).toEqual(['urn:x:s42']);
  });
});
