/** HTTP tests of the batch operations (clauses 5.6.7–5.6.10, 5.6.20). */
import { testApp, type TestApp } from '../../../test/support/app';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => t.close());

const post = (op: string, body: unknown, query = '') =>
  t.app.inject({ method: 'POST', url: `/ngsi-ld/v1/entityOperations/${op}${query}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const get = async (id: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}` });
  return res.statusCode === 200 ? JSON.parse(res.body) : undefined;
};
const e = (n: number, extra: object = {}) => ({ id: `urn:ngsi-ld:Device:b:${n}`, type: 'Device', batteryLevel: { type: 'Property', value: n / 10 }, ...extra });

describe('batch create', () => {
  it('answers 201 with the created ids', async () => {
    const res = await post('create', [e(1), e(2), e(3)]);
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual(['urn:ngsi-ld:Device:b:1', 'urn:ngsi-ld:Device:b:2', 'urn:ngsi-ld:Device:b:3']);
  });
  it('answers 207 with one ProblemDetails per failed entity; the others are written', async () => {
    await post('create', [e(1)]);
    const res = await post('create', [e(1), e(2), { id: 'bad id', type: 'Device' }, e(2)]);
    expect(res.statusCode).toBe(207);
    const body = JSON.parse(res.body);
    expect(body.success).toEqual(['urn:ngsi-ld:Device:b:2']);
    expect(body.errors.map((x: { entityId: string; error: { type: string; status: number } }) => [x.entityId, x.error.type.split('/').pop(), x.error.status])).toEqual([
      ['urn:ngsi-ld:Device:b:1', 'AlreadyExists', 409],
      ['bad id', 'BadRequestData', 400],
      ['urn:ngsi-ld:Device:b:2', 'AlreadyExists', 409],
    ]);
    expect(await get('urn:ngsi-ld:Device:b:2')).toBeDefined();
  });
  it.each([[{}], [[]], ['x']])('rejects a body that is not a non-empty array: %j', async (body) => {
    expect((await post('create', body)).statusCode).toBe(400);
  });
});

describe('batch upsert', () => {
  it('creates (201 with created ids) then replaces (204) by default', async () => {
    const r1 = await post('upsert', [e(1), e(2)]);
    expect(r1.statusCode).toBe(201);
    expect(JSON.parse(r1.body)).toHaveLength(2);
    const r2 = await post('upsert', [{ id: 'urn:ngsi-ld:Device:b:1', type: 'Device', name: 'x' }]);
    expect(r2.statusCode).toBe(204);
    const got = await get('urn:ngsi-ld:Device:b:1');
    expect(got.batteryLevel).toBeUndefined();
    expect(got.name.value).toBe('x');
  });
  it('with options=update keeps the other attributes', async () => {
    await post('upsert', [e(1)]);
    const r = await post('upsert', [{ id: 'urn:ngsi-ld:Device:b:1', type: 'Device', name: 'x' }, e(5)], '?options=update');
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body)).toEqual(['urn:ngsi-ld:Device:b:5']);
    const got = await get('urn:ngsi-ld:Device:b:1');
    expect(got.batteryLevel.value).toBe(0.1);
    expect(got.name.value).toBe('x');
  });
  it('reports bad entities in a 207', async () => {
    const r = await post('upsert', [e(1), { id: 'urn:x', type: 'T', a: { type: 'Relationship', object: 5 } }]);
    expect(r.statusCode).toBe(207);
    expect(JSON.parse(r.body).success).toEqual(['urn:ngsi-ld:Device:b:1']);
  });
});

describe('batch update, merge, delete', () => {
  beforeEach(async () => {
    expect((await post('create', [e(1), e(2)])).statusCode).toBe(201);
  });
  it('updates (append with overwrite) and reports missing entities', async () => {
    const r = await post('update', [{ id: 'urn:ngsi-ld:Device:b:1', batteryLevel: 0.99 }, { id: 'urn:ngsi-ld:Device:b:404', batteryLevel: 1 }]);
    expect(r.statusCode).toBe(207);
    const body = JSON.parse(r.body);
    expect(body.success).toEqual(['urn:ngsi-ld:Device:b:1']);
    expect(body.errors[0]).toMatchObject({ entityId: 'urn:ngsi-ld:Device:b:404', error: { status: 404 } });
    expect((await get('urn:ngsi-ld:Device:b:1')).batteryLevel.value).toBe(0.99);
  });
  it('with options=noOverwrite leaves existing attributes alone', async () => {
    expect((await post('update', [{ id: 'urn:ngsi-ld:Device:b:1', batteryLevel: 0.5, extra: 1 }], '?options=noOverwrite')).statusCode).toBe(204);
    const got = await get('urn:ngsi-ld:Device:b:1');
    expect(got.batteryLevel.value).toBe(0.1);
    expect(got.extra.value).toBe(1);
  });
  it('merges', async () => {
    const r = await post('merge', [{ id: 'urn:ngsi-ld:Device:b:1', batteryLevel: { value: 0.3 }, extra: 'urn:ngsi-ld:null', name: 'n' }]);
    expect(r.statusCode).toBe(204);
    const got = await get('urn:ngsi-ld:Device:b:1');
    expect(got.batteryLevel.value).toBe(0.3);
    expect(got.name.value).toBe('n');
  });
  it('deletes, reporting unknown ids', async () => {
    const r = await post('delete', ['urn:ngsi-ld:Device:b:1', 'urn:ngsi-ld:Device:b:9']);
    expect(r.statusCode).toBe(207);
    expect(JSON.parse(r.body).success).toEqual(['urn:ngsi-ld:Device:b:1']);
    expect(await get('urn:ngsi-ld:Device:b:1')).toBeUndefined();
    expect((await post('delete', ['urn:ngsi-ld:Device:b:2'])).statusCode).toBe(204);
  });
});
