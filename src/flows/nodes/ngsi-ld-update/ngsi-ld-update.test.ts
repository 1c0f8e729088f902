/** `ngsi-ld update` in the real Node-RED node runtime against our broker over HTTP on 127.0.0.1. */
import helper from 'node-red-node-test-helper';
import brokerNode from '../ngsi-ld-broker/ngsi-ld-broker';
import { nextError, nextMessages, nodeTestEnv, type FlowNode, type NodeTestEnv } from '../lib/helper.fixture';
import updateNode, { entitiesOf } from './ngsi-ld-update';

let env: NodeTestEnv;
let n = 0;
const newId = () => `urn:ngsi-ld:Streetlight:u:${++n}`;
const prop = (value: unknown) => ({ type: 'Property', value });

beforeAll(async () => {
  env = await nodeTestEnv();
});
afterEach(() => env.unload());
afterAll(() => env.close());

const flow = (mode: string): FlowNode[] => [
  { id: 'b', type: 'ngsi-ld-broker', mode: 'embedded' },
  { id: 'u', type: 'ngsi-ld update', broker: 'b', mode, wires: [['out']] },
  { id: 'out', type: 'helper' },
];
async function send(mode: string, msg: Record<string, unknown>) {
  await env.load([brokerNode, updateNode], flow(mode));
  const got = nextMessages(helper.getNode('out'), 1);
  helper.getNode('u')!.receive(msg);
  return (await got)[0];
}
async function fail(mode: string, msg: Record<string, unknown>) {
  await env.load([brokerNode, updateNode], flow(mode));
  const error = nextError(helper.getNode('u'));
  helper.getNode('u')!.receive(msg);
  return error;
}

describe('ngsi-ld update', () => {
  it('upsert creates then replaces; msg.result lists the ids', async () => {
    const id = newId();
    const out = await send('upsert', { payload: [{ id, type: 'Streetlight', powerState: prop('on'), illuminanceLevel: prop(1) }] });
    expect(out.result).toEqual({ success: [id], errors: [] });
    await send('upsert', { payload: { id, type: 'Streetlight', powerState: prop('off') } });
    const e = await env.client.get(id);
    expect(e?.powerState).toMatchObject({ value: 'off' });
    expect(e?.illuminanceLevel).toBeUndefined();
  });

  it('upsert-merge keeps the attributes not sent; merge updates existing entities', async () => {
    const id = newId();
    await send('upsert', { payload: { id, type: 'Streetlight', powerState: prop('on'), illuminanceLevel: prop(1) } });
    await send('upsert-merge', { payload: { id, type: 'Streetlight', powerState: prop('off') } });
    expect(await env.client.get(id)).toMatchObject({ powerState: { value: 'off' }, illuminanceLevel: { value: 1 } });
    await send('merge', { payload: { id, type: 'Streetlight', illuminanceLevel: prop(0.3) } });
    expect(await env.client.get(id)).toMatchObject({ powerState: { value: 'off' }, illuminanceLevel: { value: 0.3 } });
  });

  it('attrs: PATCH the attributes of msg.topic; msg.tenant', async () => {
    const id = newId();
    await env.client.upsert([{ id, type: 'Streetlight', powerState: prop('on') }], { tenant: 'town' });
    const out = await send('attrs', { topic: id, tenant: 'town', payload: { powerState: prop('off') } });
    expect(out.result).toEqual({ success: [id], errors: [] });
    expect(await env.client.get(id, { tenant: 'town' })).toMatchObject({ powerState: { value: 'off' } });
  });

  it('merge of an absent entity: node.error with the message and msg.result, nothing sent', async () => {
    const [id, absent] = [newId(), newId()];
    await env.client.upsert([{ id, type: 'Streetlight', powerState: prop('on') }]);
    const [err, msg] = await fail('merge', { topic: 't', payload: [{ id, type: 'Streetlight', powerState: prop('off') }, { id: absent, type: 'Streetlight', powerState: prop('off') }] });
    expect(String(err)).toMatch(new RegExp(`1 of 2 entities refused by the broker: ${absent}`));
    expect(msg).toMatchObject({ topic: 't', result: { success: [id], errors: [{ entityId: absent, error: { status: 404 } }] } });
  });

  it('attrs on an absent entity and on an absent attribute are errors', async () => {
    const id = newId();
    await env.client.upsert([{ id, type: 'Streetlight', powerState: prop('on') }]);
    const [err, msg] = await fail('attrs', { payload: [{ id: newId(), powerState: prop('off') }, { id, colorTemperature: prop(3000) }] });
    expect(String(err)).toMatch(/2 of 2 entities refused/);
    expect((msg?.result as { errors: unknown[] }).errors).toHaveLength(2);
  });

  it('a payload that is not an entity is an error', async () => {
    expect(String((await fail('upsert', { payload: 'hello' }))[0])).toMatch(/not an entity object/);
    expect(String((await fail('upsert', { payload: { id: newId() } }))[0])).toMatch(/has no type/);
    expect(String((await fail('upsert', { payload: [] }))[0])).toMatch(/empty array/);
  });
});

describe('entitiesOf', () => {
  it('one entity or several; the id from msg.topic for a single one', () => {
    expect(entitiesOf({ topic: 'urn:x', payload: { type: 'T' } }, 'upsert')).toEqual([{ id: 'urn:x', type: 'T' }]);
    expect(entitiesOf({ payload: [{ id: 'a', type: 'T' }, { id: 'b', type: 'T' }] }, 'merge')).toHaveLength(2);
    expect(() => entitiesOf({ topic: 'urn:x', payload: [{ type: 'T' }, { type: 'T' }] }, 'upsert')).toThrow(/msg.payload\[0\] has no id/);
    expect(entitiesOf({ topic: 'urn:x', payload: { a: 1 } }, 'attrs')).toEqual([{ id: 'urn:x', a: 1 }]);
  });
});
