/** The client and the remote writer against our own server over real HTTP on 127.0.0.1. */
import type { AddressInfo } from 'node:net';
import { testApp, type TestApp } from '../../test/support/app';
import type { Entity } from '../ngsi-ld/types';
import { createNgsiLdClient, createRemoteCompletenessReader, createRemoteEpisodeReader, createRemoteObservationReader, createRemoteWriter, NgsiLdClientError, type NgsiLdClient } from './index';
import { REMOTE_BATCH } from './remote-writer';

const DEVICE = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';
const ALERT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld';
const ctx = { context: [DEVICE] };

let t: TestApp;
let client: NgsiLdClient;
let n = 0;
/** A fresh id per test, so tests do not see each other's entities. */
const newId = () => `urn:ngsi-ld:Device:test:${++n}`;
const device = (id: string, attrs: Record<string, unknown> = {}): Entity => ({ id, type: 'Device', ...attrs });
const prop = (value: unknown) => ({ type: 'Property', value });

beforeAll(async () => {
  t = await testApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  client = createNgsiLdClient({ baseUrl: `http://127.0.0.1:${port}/`, retries: 0, timeoutMs: 5000 });
});

afterAll(async () => {
  client.close();
  await t.close();
});

describe('upsert', () => {
  it('creates then replaces (201, 204 → every id succeeded)', async () => {
    const id = newId();
    expect(await client.upsert([device(id, { batteryLevel: prop(0.5), deviceState: prop('ok') })], ctx)).toEqual({ success: [id], errors: [] });
    expect(await client.upsert([device(id, { batteryLevel: prop(0.4) })], { ...ctx, mode: 'replace' })).toEqual({ success: [id], errors: [] });
    const e = await client.get(id, { context: DEVICE });
    expect(e?.batteryLevel).toMatchObject({ type: 'Property', value: 0.4 });
    expect(e?.deviceState).toBeUndefined();
  });

  it("mode 'merge' keeps the attributes not sent (options=update)", async () => {
    const id = newId();
    await client.upsert([device(id, { batteryLevel: prop(0.5), deviceState: prop('ok') })], ctx);
    await client.upsert([device(id, { batteryLevel: prop(0.3) })], { ...ctx, mode: 'merge' });
    const e = await client.get(id, { context: DEVICE });
    expect(e).toMatchObject({ batteryLevel: { value: 0.3 }, deviceState: { value: 'ok' } });
  });

  it('207: the bad entity fails with its ProblemDetails, the good one is written', async () => {
    const id = newId();
    const r = await client.upsert([device(id, { batteryLevel: prop(1) }), device('not a uri')], ctx);
    expect(r.success).toEqual([id]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].entityId).toBe('not a uri');
    expect(r.errors[0].error).toMatchObject({ status: 400, type: expect.stringMatching(/^https:\/\/uri\.etsi\.org\/ngsi-ld\/errors\//) });
  });

  it('a whole-request 4xx fails every entity with the ProblemDetails', async () => {
    const ids = [newId(), newId()];
    const r = await client.upsert(ids.map((id) => device(id)), { ...ctx, tenant: 'bad tenant!' });
    expect(r.success).toEqual([]);
    expect(r.errors.map((e) => e.entityId)).toEqual(ids);
    expect(r.errors[0].error).toMatchObject({ status: 400, type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData' });
  });

  it('several contexts go as application/ld+json with @context in each entity', async () => {
    const id = newId();
    const r = await client.upsert([device(id, { batteryLevel: prop(0.9), severity: prop('high') })], { context: [DEVICE, ALERT] });
    expect(r).toEqual({ success: [id], errors: [] });
    const e = await client.get(id, { context: DEVICE });
    expect(e?.batteryLevel).toMatchObject({ value: 0.9 });
    expect(e?.['https://smartdatamodels.org/dataModel.Alert/severity']).toMatchObject({ value: 'high' });
  });

  it('an empty batch sends nothing', async () => {
    expect(await client.upsert([], ctx)).toEqual({ success: [], errors: [] });
  });
});

describe('merge and update', () => {
  it('merge uses /entityOperations/merge: existing entities merge, absent ones fail with 404', async () => {
    const [id, absent] = [newId(), newId()];
    await client.upsert([device(id, { batteryLevel: prop(0.5), deviceState: prop('ok') })], ctx);
    const r = await client.merge([device(id, { batteryLevel: prop(0.2) }), device(absent, { batteryLevel: prop(0.1) })], ctx);
    expect(r.success).toEqual([id]);
    expect(r.errors).toEqual([{ entityId: absent, error: expect.objectContaining({ status: 404 }) }]);
    expect(await client.get(id, { context: DEVICE })).toMatchObject({ batteryLevel: { value: 0.2 }, deviceState: { value: 'ok' } });
    expect(await client.get(absent)).toBeUndefined();
  });

  it('update only touches existing entities (207 with 404 for the others)', async () => {
    const [id, absent] = [newId(), newId()];
    await client.upsert([device(id, { batteryLevel: prop(0.5) })], ctx);
    const r = await client.update([device(id, { batteryLevel: prop(0.7) }), device(absent, { batteryLevel: prop(0.7) })], ctx);
    expect(r.success).toEqual([id]);
    expect(r.errors[0]).toMatchObject({ entityId: absent, error: { status: 404 } });
    expect((await client.get(id, { context: DEVICE }))?.batteryLevel).toMatchObject({ value: 0.7 });
  });
});

describe('get, query, delete', () => {
  it('get: undefined for an absent entity; attrs selects attributes', async () => {
    const id = newId();
    expect(await client.get(id)).toBeUndefined();
    await client.upsert([device(id, { batteryLevel: prop(0.5), deviceState: prop('ok') })], ctx);
    const e = await client.get(id, { context: DEVICE, attrs: ['deviceState'] });
    expect(e).toMatchObject({ id, type: 'Device', deviceState: { value: 'ok' } });
    expect(e?.batteryLevel).toBeUndefined();
    await expect(client.get(id, { context: [DEVICE, ALERT] as unknown as string })).rejects.toThrow(TypeError);
  });

  it('query pages with limit/offset and count; queryAll is bounded by max', async () => {
    const tenant = 'paging';
    const ids = Array.from({ length: 5 }, newId);
    await client.upsert(ids.map((id) => device(id, { deviceState: prop('x y+z') })), { ...ctx, tenant });
    const page = await client.query({ type: 'Device', context: DEVICE, limit: 2, offset: 1, count: true, tenant });
    expect(page.count).toBe(5);
    expect(page.entities).toHaveLength(2);
    const q = await client.query({ type: 'Device', q: 'deviceState=="x y+z"', context: DEVICE, tenant });
    expect(q.entities).toHaveLength(5);
    const all = await client.queryAll({ type: 'Device', tenant, context: DEVICE }, { pageSize: 2 });
    expect(all.truncated).toBe(false);
    expect(all.entities.map((e) => e.id).sort()).toEqual([...ids].sort());
    const some = await client.queryAll({ type: 'Device', tenant, context: DEVICE }, { pageSize: 2, max: 3 });
    expect(some).toMatchObject({ truncated: true });
    expect(some.entities).toHaveLength(3);
  });

  it('query refused by the broker throws NgsiLdClientError with the ProblemDetails', async () => {
    const err = await client.query({ type: 'Device', limit: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NgsiLdClientError);
    expect(err).toMatchObject({ status: 403, problem: { type: 'https://uri.etsi.org/ngsi-ld/errors/TooManyResults' } });
  });

  it('delete: true, then false once gone', async () => {
    const id = newId();
    await client.upsert([device(id)], ctx);
    expect(await client.delete(id)).toBe(true);
    expect(await client.delete(id)).toBe(false);
    expect(await client.get(id)).toBeUndefined();
  });
});

describe('tenants', () => {
  it('NGSILD-Tenant separates the data (client default and per-call override)', async () => {
    const id = newId();
    const port = (t.app.server.address() as AddressInfo).port;
    const communeA = createNgsiLdClient({ baseUrl: `http://127.0.0.1:${port}`, tenant: 'communeA', retries: 0 });
    try {
      expect((await communeA.upsert([device(id, { batteryLevel: prop(0.5) })], ctx)).success).toEqual([id]);
      expect(await communeA.get(id)).toMatchObject({ id });
      expect(await client.get(id)).toBeUndefined();
      expect(await client.get(id, { tenant: 'communeA' })).toMatchObject({ id });
      const err = await client.query({ type: 'Device', tenant: 'never-written' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 404, problem: { type: 'https://uri.etsi.org/ngsi-ld/errors/NonexistentTenant' } });
    } finally {
      communeA.close();
    }
  });
});

describe('createRemoteWriter', () => {
  it('replace, merge and per-entity failures, with the tenant', async () => {
    const write = createRemoteWriter(client, 'writer');
    const [a, b] = [newId(), newId()];
    let out = await write({ context: [DEVICE], entities: [device(a, { batteryLevel: prop(0.5), deviceState: prop('ok') }), device('bad id')] });
    expect(out.written).toEqual([a]);
    expect(out.failed).toEqual([{ entityId: 'bad id', reason: expect.any(String) }]);
    expect(out.retries).toBe(0);

    out = await write({ context: [DEVICE], mode: 'merge', entities: [device(a, { batteryLevel: prop(0.1) }), device(b, { batteryLevel: prop(0.2) })] });
    expect(out).toEqual({ written: [a, b], failed: [], retries: 0 });
    expect(await client.get(a, { context: DEVICE, tenant: 'writer' })).toMatchObject({ batteryLevel: { value: 0.1 }, deviceState: { value: 'ok' } });

    expect(await write({ context: [], entities: [] })).toEqual({ written: [], failed: [], retries: 0 });
  });

  it('deletes the attributes a translation removes, after its writes, not on an entity that failed; an absent one is no error', async () => {
    const write = createRemoteWriter(client, 'writer-remove');
    const id = newId();
    await write({ context: [DEVICE], entities: [device(id, { batteryLevel: prop(0.5), deviceState: prop('ok') })] });
    const out = await write({
      context: [DEVICE], mode: 'merge', entities: [device(id, { rssi: prop(-90) }), device('bad id')],
      remove: [{ id, attribute: 'batteryLevel', context: DEVICE }, { id, attribute: 'never', context: DEVICE }, { id: 'bad id', attribute: 'x', context: DEVICE }],
    });
    expect(out).toEqual({ written: [id], failed: [{ entityId: 'bad id', reason: expect.any(String) }], retries: 0 });
    const e = await client.get(id, { context: DEVICE, tenant: 'writer-remove' });
    expect(e).toMatchObject({ rssi: { value: -90 }, deviceState: { value: 'ok' } });
    expect(e?.batteryLevel).toBeUndefined();
    expect(await client.deleteAttribute(id, 'batteryLevel', { context: DEVICE, tenant: 'writer-remove' })).toBe(false);
  });

  it('writes a translation larger than a batch in several requests, in order', async () => {
    const write = createRemoteWriter(client, 'writer-big');
    const ids = Array.from({ length: REMOTE_BATCH * 2 + 5 }, () => newId());
    const out = await write({ context: [DEVICE], entities: ids.map((id, i) => device(id, { batteryLevel: prop(i / ids.length) })) });
    expect(out).toEqual({ written: ids, failed: [], retries: 0 });
    expect(await client.get(ids[ids.length - 1], { context: DEVICE, tenant: 'writer-big' })).toMatchObject({ batteryLevel: { value: (ids.length - 1) / ids.length } });
  });
});

describe('createRemoteEpisodeReader', () => {
  const at = (t: string) => ({ type: 'Property', value: t });
  it("reads validFrom/validTo of the entities that exist, in the tenant, with the mark's context", async () => {
    const [open, closed, absent, other] = [newId(), newId(), newId(), newId()];
    await createRemoteWriter(client, 'episodes')({
      context: [DEVICE],
      entities: [
        device(open, { validFrom: at('2026-09-01T10:00:00+02:00') }),
        device(closed, { validFrom: at('2026-09-01T08:00:00Z'), validTo: at('2026-09-01T09:00:00Z') }),
        device(other, { deviceState: prop('ok') }),
      ],
    });
    const states = await createRemoteEpisodeReader(client, 'episodes')([open, closed, absent, other], DEVICE);
    expect(states.get(open)).toEqual({ validFrom: '2026-09-01T08:00:00.000Z', validTo: undefined });
    expect(states.get(closed)).toEqual({ validFrom: '2026-09-01T08:00:00.000Z', validTo: '2026-09-01T09:00:00.000Z' });
    expect(states.has(absent)).toBe(false);
    expect(states.has(other)).toBe(false); // neither attribute: no episode
  });

  it('a tenant that does not exist yet holds no episode', async () => {
    expect((await createRemoteEpisodeReader(client, 'no-such-tenant')([newId()], DEVICE)).size).toBe(0);
  });
});

describe('createRemoteCompletenessReader', () => {
  it('names the entities that hold every attribute asked, under any context of the translation', async () => {
    const [both, one, absent] = [newId(), newId(), newId()];
    const OTHER = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld'; // built in
    await createRemoteWriter(client, 'complete')({ context: [DEVICE], entities: [device(both, { serialNumber: prop('A') }), device(one, { serialNumber: prop('B') })] });
    await createRemoteWriter(client, 'complete')({ context: [OTHER], entities: [device(both, { laneCount: prop(2) })], mode: 'merge' });
    const read = createRemoteCompletenessReader(client, 'complete');
    expect(await read([both, one, absent], ['serialNumber', 'laneCount'], [DEVICE, OTHER])).toEqual(new Set([both]));
    expect(await read([both, one, absent], ['serialNumber'], [DEVICE])).toEqual(new Set([both, one]));
    expect((await createRemoteCompletenessReader(client, 'no-such-tenant')([both], ['serialNumber'], [DEVICE])).size).toBe(0);
  });
});

describe('createRemoteObservationReader', () => {
  const WATER = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld';
  const observed = (value: unknown, at: string) => ({ type: 'Property', value, observedAt: at });
  it('reads the observation times of the entities that exist, under each context of the translation', async () => {
    const [meter, absent] = [`urn:ngsi-ld:WaterConsumptionObserved:test:${++n}`, newId()];
    const dev = newId();
    await createRemoteWriter(client, 'observations')({ context: [WATER], entities: [{ id: meter, type: 'WaterConsumptionObserved', waterConsumption: observed(5116, '2026-09-02T10:00:00Z') }] });
    await createRemoteWriter(client, 'observations')({ context: [DEVICE], entities: [device(dev, { rssi: observed(-97, '2026-09-02T10:00:05Z'), serialNumber: prop('W1') })] });
    const times = await createRemoteObservationReader(client, 'observations')([meter, dev, absent], [WATER, DEVICE]);
    expect(times.get(meter)?.get('waterConsumption')).toBe(Date.parse('2026-09-02T10:00:00Z'));
    expect(times.get(dev)?.get('rssi')).toBe(Date.parse('2026-09-02T10:00:05Z'));
    expect(times.get(dev)?.has('serialNumber')).toBe(false);
    expect(times.has(absent)).toBe(false);
  });

  it('a tenant that does not exist yet holds nothing', async () => {
    expect((await createRemoteObservationReader(client, 'no-such-tenant-2')([newId()], [DEVICE])).size).toBe(0);
  });
});
