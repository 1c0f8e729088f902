/** `ngsi-ld entity` in the real Node-RED node runtime against our broker over HTTP on 127.0.0.1. */
import helper from 'node-red-node-test-helper';
import brokerNode from '../ngsi-ld-broker/ngsi-ld-broker';
import { nextError, nextMessages, nodeTestEnv, type FlowNode, type NodeTestEnv } from '../lib/helper.fixture';
import entityNode from './ngsi-ld-entity';

let env: NodeTestEnv;
const ID = 'urn:ngsi-ld:Streetlight:e:1';

beforeAll(async () => {
  env = await nodeTestEnv();
  await env.client.upsert([{ id: ID, type: 'Streetlight', powerState: { type: 'Property', value: 'on' }, illuminanceLevel: { type: 'Property', value: 0.8 } }]);
  await env.client.upsert([{ id: ID, type: 'Streetlight', powerState: { type: 'Property', value: 'off' } }], { tenant: 'other' });
});
afterEach(() => env.unload());
afterAll(() => env.close());

const flow = (node: Record<string, unknown>, broker: Record<string, unknown> = {}): FlowNode[] => [
  { id: 'b', type: 'ngsi-ld-broker', mode: 'embedded', ...broker },
  { id: 'e', type: 'ngsi-ld entity', broker: 'b', wires: [['out']], ...node },
  { id: 'out', type: 'helper' },
];
async function get(node: Record<string, unknown>, msg: Record<string, unknown>, broker: Record<string, unknown> = {}) {
  await env.load([brokerNode, entityNode], flow(node, broker));
  const got = nextMessages(helper.getNode('out'), 1);
  helper.getNode('e')!.receive(msg);
  return (await got)[0];
}

describe('ngsi-ld entity', () => {
  it('reads the entity of msg.topic', async () => {
    const msg = await get({}, { topic: ID });
    expect(msg).toMatchObject({ topic: ID, payload: { id: ID, type: 'Streetlight', powerState: { type: 'Property', value: 'on' } } });
  });

  it("the node's id wins; attrs and keyValues", async () => {
    const msg = await get({ entityId: ID, attrs: 'illuminanceLevel', format: 'keyValues' }, { topic: 'urn:ngsi-ld:Streetlight:e:other' });
    expect(msg.payload).toEqual({ id: ID, type: 'Streetlight', illuminanceLevel: 0.8 });
  });

  it("the broker's tenant, and msg.tenant over it", async () => {
    expect((await get({ entityId: ID }, {}, { tenant: 'other' })).payload).toMatchObject({ powerState: { value: 'off' } });
    expect((await get({ entityId: ID }, { tenant: 'other' })).payload).toMatchObject({ powerState: { value: 'off' } });
  });

  it('an absent entity gives payload null', async () => {
    const msg = await get({}, { topic: 'urn:ngsi-ld:Streetlight:e:absent' });
    expect(msg.payload).toBeNull();
  });

  it('no id, or an id the broker refuses: node.error with the message', async () => {
    await env.load([brokerNode, entityNode], flow({}));
    let error = nextError(helper.getNode('e'));
    helper.getNode('e')!.receive({ payload: 1 });
    expect(String((await error)[0])).toMatch(/no entity id/);
    error = nextError(helper.getNode('e'));
    helper.getNode('e')!.receive({ topic: 'not a uri' });
    const [err, msg] = await error;
    expect(String(err)).toMatch(/HTTP 400/);
    expect(msg).toMatchObject({ topic: 'not a uri' });
  });

  it('a node without broker says so', async () => {
    await env.load([brokerNode, entityNode], [{ id: 'e', type: 'ngsi-ld entity', wires: [[]] }]);
    const error = nextError(helper.getNode('e'), /no usable ngsi-ld-broker/);
    helper.getNode('e')!.receive({ topic: ID });
    const [, msg] = await error;
    expect(msg).toMatchObject({ topic: ID });
  });
});
