/**
 * `ngsi-ld in` in the real Node-RED node runtime: its subscription on our broker (over HTTP on
 * 127.0.0.1), the broker's real notifications coming back through the server's /node-red dispatch to
 * the node's route, retries while the broker is unavailable, cleanup on close.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import helper from 'node-red-node-test-helper';
import brokerNode from '../ngsi-ld-broker/ngsi-ld-broker';
import { nextError, nextMessages, nodeTestEnv, statuses, until, type FlowNode, type NodeTestEnv } from '../lib/helper.fixture';
import inNode, { notifyPath, subscriptionOf, type InConfig } from './ngsi-ld-in';

let env: NodeTestEnv;
type Msg = { topic?: string; payload?: unknown; notification?: unknown };
let n = 0;
const prop = (value: unknown) => ({ type: 'Property', value });
const lampId = () => `urn:ngsi-ld:Streetlight:in:${++n}`;

beforeAll(async () => {
  env = await nodeTestEnv({ subscribeRetry: { firstMs: 50, maxMs: 200 } });
});
afterEach(() => env.unload());
afterAll(() => env.close());

const IN: InConfig = { id: 'in1', entityType: 'Streetlight', watchedAttributes: 'powerState' };
const subIdOf = (config: InConfig) => String(subscriptionOf(config, `${env.url}/node-red/api${notifyPath(config.id)}`).id);
const flow = (config: InConfig, broker: Record<string, unknown> = { mode: 'embedded' }): FlowNode[] => [
  { id: 'b', type: 'ngsi-ld-broker', ...broker },
  { type: 'ngsi-ld in', broker: 'b', wires: [['out']], ...config },
  { id: 'out', type: 'helper' },
];
const subscriptions = async () => {
  const res = await fetch(`${env.url}/ngsi-ld/v1/subscriptions?limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as Array<{ id: string }>).map((s) => s.id);
};
const subscribed = (config: InConfig) => until(async () => (await env.client.getSubscription(subIdOf(config))) !== undefined);

describe('ngsi-ld in', () => {
  it('subscribes, then sends one message per notified entity (payload, topic, notification)', async () => {
    await env.load([brokerNode, inNode], flow(IN));
    await subscribed(IN);
    const [a, b] = [lampId(), lampId()];
    const got = nextMessages<Msg>(helper.getNode('out'), 2);
    await env.client.upsert([{ id: a, type: 'Streetlight', powerState: prop('on') }, { id: b, type: 'Streetlight', powerState: prop('off') }]);
    const msgs = await got;
    expect(msgs.map((m) => m.topic).sort()).toEqual([a, b].sort());
    const ma = msgs.find((m) => m.topic === a)!;
    expect(ma.payload).toMatchObject({ id: a, type: 'Streetlight', powerState: { type: 'Property', value: 'on' } });
    expect(ma.notification).toEqual({ id: expect.any(String), subscriptionId: subIdOf(IN), notifiedAt: expect.stringMatching(/Z$/) });
  });

  it('q, notified attributes and keyValues shape the subscription', async () => {
    const config: InConfig = { id: 'in2', entityType: 'Streetlight', q: 'powerState=="on"', attributes: 'powerState', format: 'keyValues' };
    await env.load([brokerNode, inNode], flow(config));
    await subscribed(config);
    const [off, on] = [lampId(), lampId()];
    const got = nextMessages<Msg>(helper.getNode('out'), 1);
    await env.client.upsert([{ id: off, type: 'Streetlight', powerState: prop('off') }]);
    await env.client.upsert([{ id: on, type: 'Streetlight', powerState: prop('on'), illuminanceLevel: prop(0.5) }]);
    const [msg] = await got;
    expect(msg.payload).toEqual({ id: on, type: 'Streetlight', powerState: 'on' });
  });

  it('close deletes the subscription and the route answers 404; a redeploy keeps one subscription', async () => {
    await env.load([brokerNode, inNode], flow(IN));
    await subscribed(IN);
    await env.load([brokerNode, inNode], flow(IN)); // redeploy: close, then start again
    await subscribed(IN);
    expect((await subscriptions()).filter((id) => id === subIdOf(IN))).toHaveLength(1);
    await env.unload();
    expect(await env.client.getSubscription(subIdOf(IN))).toBeUndefined();
    const res = await fetch(`${env.url}/node-red/api${notifyPath(IN.id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":[]}' });
    expect(res.status).toBe(404);
  });

  it('replaces a subscription left over by a crash instead of doubling it', async () => {
    const leftover = subscriptionOf(IN, `${env.url}/node-red/api${notifyPath(IN.id)}`);
    await env.client.subscribe({ ...leftover, watchedAttributes: ['illuminanceLevel'] });
    await env.load([brokerNode, inNode], flow(IN));
    await until(async () => ((await env.client.getSubscription(subIdOf(IN)))?.watchedAttributes as string[] | undefined)?.[0] === 'powerState');
    expect((await subscriptions()).filter((id) => id === subIdOf(IN))).toHaveLength(1);
  });

  it('retries while the broker is unavailable (503), with its status, then subscribes', async () => {
    let open = false;
    const proxy = http.createServer((req, res) => {
      if (!open) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'https://uri.etsi.org/ngsi-ld/errors/InternalError', title: 'starting', status: 503, detail: '' }));
        return;
      }
      const up = http.request(env.url + req.url, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const config: InConfig = { id: 'in3', entityType: 'Streetlight' };
      await env.load([brokerNode, inNode], flow(config, { mode: 'url', url, retries: 0 }));
      const seen = statuses(helper.getNode(config.id));
      await until(() => seen.filter((s) => /retry in/.test(s.text ?? '')).length >= 2);
      expect(seen.find((s) => /retry in/.test(s.text ?? ''))).toMatchObject({ fill: 'red', text: expect.stringMatching(/^503 starting: retry in/) });
      open = true;
      await until(() => seen.some((s) => s.text === 'subscribed'));
      expect(await env.client.getSubscription(subIdOf(config))).toBeDefined();
    } finally {
      await env.unload();
      proxy.closeAllConnections();
      await new Promise((ok) => proxy.close(ok));
    }
  });

  it('a subscription the broker refuses is reported and not retried', async () => {
    const config: InConfig = { id: 'in4', entityType: 'Streetlight', q: 'powerState==' };
    await env.load([brokerNode, inNode], flow(config));
    const node = helper.getNode(config.id);
    const seen = statuses(node);
    const [err] = await nextError(node, /refused/);
    expect(String(err)).toMatch(/subscription refused by the broker \(embedded http:\/\/127\.0\.0\.1:\d+\): .*HTTP 400/);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => /attempt|retry/.test(s.text ?? ''))).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ fill: 'red', text: expect.stringMatching(/^refused: 400/) });
  });

  it('the route refuses what is not a notification', async () => {
    await env.load([brokerNode, inNode], flow(IN));
    const res = await fetch(`${env.url}/node-red/api${notifyPath(IN.id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' });
    expect(res.status).toBe(400);
    const bad = await fetch(`${env.url}/node-red/api${notifyPath(IN.id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
  });
});

describe('subscriptionOf', () => {
  it('builds the NGSI-LD subscription; a type is required', () => {
    expect(subscriptionOf({ id: 'x', entityType: 'T', idPattern: '^urn:a', watchedAttributes: 'a, b', attributes: 'a', throttling: '5', format: 'keyValues' }, 'http://h/p')).toMatchObject({
      id: expect.stringMatching(/^urn:ngsi-ld:Subscription:node-red:x-[0-9a-f]{12}$/),
      type: 'Subscription',
      entities: [{ type: 'T', idPattern: '^urn:a' }],
      watchedAttributes: ['a', 'b'],
      throttling: 5,
      notification: { endpoint: { uri: 'http://h/p', accept: 'application/json' }, format: 'keyValues', attributes: ['a'] },
    });
    expect(() => subscriptionOf({ id: 'x' }, 'http://h/p')).toThrow(/entity type is required/);
  });
});
