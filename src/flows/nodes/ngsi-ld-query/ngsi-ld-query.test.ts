/** `ngsi-ld query` in the real Node-RED node runtime against our broker over HTTP on 127.0.0.1. */
import helper from 'node-red-node-test-helper';
import type { Entity } from '../../../ngsi-ld/types';
import brokerNode from '../ngsi-ld-broker/ngsi-ld-broker';
import { nextError, nextMessages, nodeTestEnv, type FlowNode, type NodeTestEnv } from '../lib/helper.fixture';
import queryNode, { queryOf } from './ngsi-ld-query';

let env: NodeTestEnv;
const prop = (value: unknown) => ({ type: 'Property', value });
const lamp = (n: number, powerState: string): Entity => ({
  id: `urn:ngsi-ld:Streetlight:q:${n}`,
  type: 'Streetlight',
  powerState: prop(powerState),
  location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [2.35 + n / 1000, 48.85] } },
});

beforeAll(async () => {
  env = await nodeTestEnv();
  const r = await env.client.upsert([1, 2, 3, 4, 5].map((n) => lamp(n, n % 2 ? 'on' : 'off')));
  expect(r.errors).toEqual([]);
});
afterEach(() => env.unload());
afterAll(() => env.close());

const flow = (query: Record<string, unknown>): FlowNode[] => [
  { id: 'b', type: 'ngsi-ld-broker', mode: 'embedded' },
  { id: 'q', type: 'ngsi-ld query', broker: 'b', wires: [['out']], ...query },
  { id: 'out', type: 'helper' },
];
const run = async (query: Record<string, unknown>, msg: Record<string, unknown> = {}, n = 1) => {
  await env.load([brokerNode, queryNode], flow(query));
  const got = nextMessages(helper.getNode('out'), n);
  helper.getNode('q')!.receive({ payload: 'go', ...msg });
  return got;
};
const ids = (entities: unknown) => (entities as Array<{ id: string }>).map((e) => e.id).sort();

describe('ngsi-ld query', () => {
  it('sends the matching entities as one array (type + q)', async () => {
    const [msg] = await run({ entityType: 'Streetlight', q: 'powerState=="on"' });
    expect(ids(msg.payload)).toEqual(['urn:ngsi-ld:Streetlight:q:1', 'urn:ngsi-ld:Streetlight:q:3', 'urn:ngsi-ld:Streetlight:q:5']);
    expect(msg.truncated).toBe(false);
  });

  it('pages up to max and says truncated; keyValues and attrs', async () => {
    const [msg] = await run({ entityType: 'Streetlight', max: 4, format: 'keyValues', attrs: 'powerState' });
    expect(msg.payload).toHaveLength(4);
    expect(msg.truncated).toBe(true);
    expect((msg.payload as Array<Record<string, unknown>>)[0]).toEqual({ id: expect.any(String), type: 'Streetlight', powerState: expect.any(String) });
  });

  it('msg.query overrides the node; a geo-query', async () => {
    const [msg] = await run(
      { entityType: 'Streetlight', q: 'powerState=="on"' },
      { query: { q: 'powerState=="off"', georel: 'near;maxDistance==100', geometry: 'Point', coordinates: [2.352, 48.85] } },
    );
    expect(ids(msg.payload)).toEqual(['urn:ngsi-ld:Streetlight:q:2']);
  });

  it('output split: one message per entity with topic and parts', async () => {
    const msgs = await run({ entityType: 'Streetlight', q: 'powerState=="off"', output: 'split' }, {}, 2);
    expect(msgs.map((m) => m.topic).sort()).toEqual(['urn:ngsi-ld:Streetlight:q:2', 'urn:ngsi-ld:Streetlight:q:4']);
    expect(msgs[1].parts).toMatchObject({ index: 1, count: 2, type: 'array' });
  });

  it('a query the broker refuses goes to node.error with the message', async () => {
    await env.load([brokerNode, queryNode], flow({ entityType: 'Streetlight', q: 'powerState==' }));
    const error = nextError(helper.getNode('q'));
    helper.getNode('q')!.receive({ payload: 'go', topic: 'mine' });
    const [err, msg] = await error;
    expect(String(err)).toMatch(/HTTP 400/);
    expect(msg).toMatchObject({ topic: 'mine' });
  });

  it('an unreachable broker is an error too (after the retries)', async () => {
    const flowDown: FlowNode[] = [
      { id: 'b', type: 'ngsi-ld-broker', mode: 'url', url: 'http://127.0.0.1:9', retries: 0, timeoutMs: 500 },
      { id: 'q', type: 'ngsi-ld query', broker: 'b', entityType: 'Streetlight', wires: [[]] },
    ];
    await env.load([brokerNode, queryNode], flowDown);
    const error = nextError(helper.getNode('q'));
    helper.getNode('q')!.receive({ payload: 'go' });
    expect(String((await error)[0])).toMatch(/ECONNREFUSED/);
  });
});

describe('queryOf', () => {
  it('reads the node, then msg.query; refuses an empty query and bad coordinates', () => {
    expect(queryOf({ id: 'n', entityType: 'A', attrs: 'x, y', coordinates: '[1,2]', georel: 'near;maxDistance==1', geometry: 'Point' }, {})).toMatchObject({
      type: 'A', attrs: ['x', 'y'], coordinates: [1, 2],
    });
    expect(queryOf({ id: 'n', entityType: 'A' }, { query: { type: 'B', attrs: 'z' } })).toMatchObject({ type: 'B', attrs: ['z'] });
    expect(() => queryOf({ id: 'n' }, {})).toThrow(/empty query/);
    expect(() => queryOf({ id: 'n', entityType: 'A', coordinates: '[1,' }, {})).toThrow(/not JSON/);
  });
});
