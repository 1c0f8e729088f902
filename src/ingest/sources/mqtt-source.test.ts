import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { openInbox } from './inbox';
import { startTestBroker, type TestBroker } from './mqtt-broker.fixture';
import { startMqttSource, topicMatches, type MqttSource, type MqttSourceOptions } from './mqtt-source';
import { jsonAdapter, recordingDeps, sleep, waitFor, writtenIds, type RecordingDeps } from './sources.fixture';

describe('topicMatches', () => {
  it.each([
    ['a/b/c', 'a/b/c', true],
    ['a/+/c', 'a/x/c', true],
    ['a/+/c', 'a/x/y/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a/b', true],
    ['#', '$SYS/x', false],
    ['+/b', '$SYS/b', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['$share/g/a/+', 'a/b', true],
    ['application/+/device/+/event/up', 'application/1/device/0004a30b001c0530/event/up', true],
    ['application/+/device/+/event/up', 'application/1/device/0004a30b001c0530/event/join', false],
  ])('%s ~ %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('startMqttSource', () => {
  let broker: TestBroker | undefined;
  let source: MqttSource | undefined;
  let publisher: Promise<MqttClient> | undefined;
  let deps: RecordingDeps;
  const logs: string[] = [];
  const log = { info: (_o: object, m: string) => void logs.push(m), warn: (_o: object, m: string) => void logs.push(m) };
  const count = (m: string) => logs.filter((l) => l.includes(m)).length;

  const start = (o: Partial<MqttSourceOptions> & Pick<MqttSourceOptions, 'subscriptions'>) =>
    (source = startMqttSource({ url: broker!.url, deps, log, reconnectMs: 100, maxReconnectMs: 400, ...o }));
  const publish = async (topic: string, body: string) => {
    publisher ??= connectAsync(broker!.url, { reconnectPeriod: 100 });
    await (await publisher).publishAsync(topic, body, { qos: 1 });
  };

  beforeEach(async () => {
    logs.length = 0;
    deps = recordingDeps();
    broker = await startTestBroker();
  });

  afterEach(async () => {
    await (await publisher)?.endAsync(true);
    await source?.stop();
    await broker?.close();
    deps.close();
    publisher = source = broker = undefined;
  });

  it('subscribes, and runs each message through its adapter with the topic and query', async () => {
    const up = jsonAdapter('test/up');
    const other = jsonAdapter('test/other');
    start({ subscriptions: [{ topic: 'app/+/event/up', adapter: up, query: { event: 'up' } }, { topic: 'other/#', adapter: other }] });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    expect(source!.connected()).toBe(true);
    await publish('app/1/event/up', '{"id":"m1","value":1}');
    await publish('other/a/b', '{"id":"o1","value":2}');
    await publish('app/1/event/join', '{"id":"nobody"}');
    await waitFor(() => writtenIds(deps).length === 2, 'two writes');
    expect(writtenIds(deps).sort()).toEqual(['urn:ngsi-ld:Device:test:m1', 'urn:ngsi-ld:Device:test:o1']);
    expect(up.seen[0]).toMatchObject({ body: '{"id":"m1","value":1}', query: { event: 'up', topic: 'app/1/event/up' }, headers: {} });
    expect(other.seen[0].query).toEqual({ topic: 'other/a/b' });
    expect(deps.stats.of('test/up')).toMatchObject({ received: 1, accepted: 1, written: 1 });
  });

  it('turns a bad message into a dead letter and keeps going', async () => {
    start({ subscriptions: [{ topic: 't', adapter: jsonAdapter() }] });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    await publish('t', 'not json');
    await publish('t', '{"id":"after","value":3}');
    await waitFor(() => writtenIds(deps).length === 1, 'the good message');
    const { items, total } = deps.deadLetters.list({ adapter: 'test/json', limit: 10, offset: 0 });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ stage: 'decode', reason: 'not JSON', payload: 'not json', contentType: 'application/json', query: { topic: 't' } });
    expect(deps.stats.of('test/json')).toMatchObject({ received: 2, rejected: 1, accepted: 1 });
  });

  it('a message over maxBytes (MAX_BODY) is a dead letter without its body, as a webhook body would be', async () => {
    start({ subscriptions: [{ topic: 't', adapter: jsonAdapter() }], maxBytes: 64 });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    await publish('t', JSON.stringify({ id: 'big', value: 1, pad: 'x'.repeat(100) }));
    await publish('t', '{"id":"small","value":3}');
    await waitFor(() => writtenIds(deps).length === 1, 'the small message');
    expect(deps.deadLetters.list({ adapter: 'test/json', limit: 10, offset: 0 }).items).toMatchObject([{ stage: 'decode', status: 413, bodyKept: false, payload: '', query: { topic: 't' } }]);
    expect(deps.stats.of('test/json')).toMatchObject({ received: 2, rejected: 1, accepted: 1 });
  });

  it('reconnects and subscribes again after the broker restarts on the same port', async () => {
    start({ subscriptions: [{ topic: 't', adapter: jsonAdapter() }] });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    await publish('t', '{"id":"before"}');
    await waitFor(() => writtenIds(deps).length === 1, 'the first message');

    const port = broker!.port;
    await (await publisher!).endAsync(true);
    publisher = undefined;
    await broker!.close();
    await waitFor(() => !source!.connected(), 'the disconnection');
    expect(count('disconnected')).toBe(1);

    broker = await startTestBroker(port); // a fresh broker: no session, the source must subscribe again
    await waitFor(() => count('subscribed') === 2, 'the new subscription', 10000);
    expect(source!.connected()).toBe(true);
    await publish('t', '{"id":"after"}');
    await waitFor(() => writtenIds(deps).length === 2, 'the message after the restart');
    expect(writtenIds(deps)).toEqual(['urn:ngsi-ld:Device:test:before', 'urn:ngsi-ld:Device:test:after']);
  });

  it('keeps trying while the broker is down at start', async () => {
    const port = broker!.port;
    await broker!.close();
    start({ url: `mqtt://127.0.0.1:${port}`, subscriptions: [{ topic: 't', adapter: jsonAdapter() }] });
    await waitFor(() => count('reconnecting') >= 2, 'two reconnect attempts');
    expect(source!.connected()).toBe(false);
    broker = await startTestBroker(port);
    await waitFor(() => count('subscribed') === 1, 'the subscription', 10000);
    await publish('t', '{"id":"late"}');
    await waitFor(() => writtenIds(deps).length === 1, 'the message');
  });

  it('stops promptly while the broker is down', async () => {
    const port = broker!.port;
    await broker!.close();
    start({ url: `mqtt://127.0.0.1:${port}`, subscriptions: [{ topic: 't', adapter: jsonAdapter() }] });
    await waitFor(() => count('reconnecting') >= 1, 'a reconnect attempt');
    const t0 = Date.now();
    await source!.stop();
    expect(Date.now() - t0).toBeLessThan(5000); // does not wait for the reconnection loop
    const attempts = count('reconnecting');
    await sleep(300);
    expect(count('reconnecting')).toBe(attempts);
  });

  it('handles a subscription in order, pausing reading when the writer is slow', async () => {
    deps.close();
    deps = recordingDeps({ delayMs: 30 });
    let inFlight = 0;
    let maxInFlight = 0;
    const write = deps.write;
    deps.write = async (t) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await write(t);
      } finally {
        inFlight--;
      }
    };
    start({ subscriptions: [{ topic: 't', adapter: jsonAdapter() }], maxPending: 2 });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    const n = 12;
    await Promise.all(Array.from({ length: n }, (_, i) => publish('t', JSON.stringify({ id: `m${i}`, value: i }))));
    await waitFor(() => writtenIds(deps).length === n, `${n} writes`, 10000);
    expect(writtenIds(deps)).toEqual(Array.from({ length: n }, (_, i) => `urn:ngsi-ld:Device:test:m${i}`));
    expect(maxInFlight).toBe(1);
    expect(count('reading paused')).toBeGreaterThan(0);
    expect(count('resumed reading')).toBe(count('reading paused'));
  });

  it('update() subscribes new filters, unsubscribes removed ones and keeps the others running', async () => {
    const exact = (m: string) => logs.filter((l) => l === m).length;
    const a = jsonAdapter('test/a');
    start({ subscriptions: [{ topic: 'a', adapter: a }] });
    await waitFor(() => exact('mqtt source: subscribed') === 1, 'the subscription');
    const b = jsonAdapter('test/b');
    source!.update([{ topic: 'a', adapter: a }, { topic: 'b/+', adapter: b, qos: 0 }]);
    await waitFor(() => exact('mqtt source: subscribed') === 2, 'the new subscription');
    await publish('a', '{"id":"a1"}');
    await publish('b/1', '{"id":"b1"}');
    await waitFor(() => writtenIds(deps).length === 2, 'both messages');

    // b's adapter replaced (a reloaded mapping: same name, new object), a removed.
    const b2 = jsonAdapter('test/b');
    source!.update([{ topic: 'b/+', adapter: b2, qos: 0 }]);
    await waitFor(() => exact('mqtt source: unsubscribed') === 1, 'the unsubscription');
    expect(exact('mqtt source: subscribed')).toBe(2); // b/+ kept: not subscribed again
    await publish('a', '{"id":"a2"}');
    await publish('b/2', '{"id":"b2"}');
    await waitFor(() => writtenIds(deps).length === 3, 'the message on b');
    await sleep(100);
    expect(writtenIds(deps)).toEqual(['urn:ngsi-ld:Device:test:a1', 'urn:ngsi-ld:Device:test:b1', 'urn:ngsi-ld:Device:test:b2']);
    expect([a.seen.length, b.seen.length, b2.seen.length]).toEqual([1, 1, 1]);
  });

  it('update() while offline: subscribed at the next connect', async () => {
    const port = broker!.port;
    await broker!.close();
    start({ url: `mqtt://127.0.0.1:${port}`, subscriptions: [{ topic: 'old', adapter: jsonAdapter('test/old') }] });
    source!.update([{ topic: 'new', adapter: jsonAdapter('test/new') }]);
    broker = await startTestBroker(port);
    await waitFor(() => logs.includes('mqtt source: subscribed'), 'the subscription', 10000);
    await publish('old', '{"id":"o"}');
    await publish('new', '{"id":"n"}');
    await waitFor(() => writtenIds(deps).length === 1, 'the message on new');
    await sleep(100);
    expect(writtenIds(deps)).toEqual(['urn:ngsi-ld:Device:test:n']);
  });

  it('with clientId, a filter dropped while ECLOR was down is unsubscribed at the next start (the session kept it)', async () => {
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mqtt-state-')), 'session.json');
    start({ clientId: 'eclor-state-test', stateFile, subscriptions: [{ topic: 'gone/+', adapter: jsonAdapter('test/gone') }] });
    await waitFor(() => count('mqtt source: subscribed') === 1, 'the first subscription');
    await source!.stop();
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toEqual({ clientId: 'eclor-state-test', filters: ['gone/+'] });
    // the next start no longer wants gone/+ (its mapping was removed meanwhile)
    start({ clientId: 'eclor-state-test', stateFile, subscriptions: [{ topic: 'kept/+', adapter: jsonAdapter('test/kept') }] });
    await waitFor(() => count('mqtt source: unsubscribed') === 1 && count('mqtt source: subscribed') === 2, 'the unsubscription of gone/+');
    await publish('gone/1', '{"id":"g"}');
    await publish('kept/1', '{"id":"k"}');
    await waitFor(() => writtenIds(deps).length === 1, 'the message on kept/+');
    await sleep(100);
    expect(writtenIds(deps)).toEqual(['urn:ngsi-ld:Device:test:k']);
    expect(deps.deadLetters.count()).toBe(0); // gone/1 was not delivered at all
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).filters).toEqual(['kept/+']);
    fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
  });

  it('keeps a message on disk from before its acknowledgement until it is handled: what a killed process left is handled at the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mqtt-inbox-'));
    const inbox = openInbox(path.join(dir, 'ingest.sqlite'));
    const key = `${broker!.url}\u0000eclor-inbox-test`;
    const subscriptions = [{ topic: 'meters/+', adapter: jsonAdapter('test/meters') }];
    let keptWhenWritten = -1;
    const write = deps.write;
    deps.write = async (t) => ((keptWhenWritten = inbox.waiting(key).length), write(t));
    // a process killed after acknowledging its messages, before their handling was recorded: it never drops them
    start({ clientId: 'eclor-inbox-test', subscriptions, inbox: { ...inbox, done: () => undefined } });
    await waitFor(() => count('mqtt source: subscribed') === 1, 'the subscription');
    await publish('meters/1', '{"id":"k1","value":1}');
    await waitFor(() => writtenIds(deps).length === 1, 'the write');
    expect(keptWhenWritten).toBe(1); // on disk before it was handled (and acknowledged before that)
    await source!.stop();
    expect(inbox.waiting(key).map((e) => e.message.body)).toEqual(['{"id":"k1","value":1}']);
    // the next start handles it first, then drops it; a subscription added right after the start (a mapping's) is there for it
    const next = recordingDeps();
    try {
      start({ clientId: 'eclor-inbox-test', subscriptions: [], inbox, deps: next });
      source!.update(subscriptions);
      await waitFor(() => writtenIds(next).length === 1 && inbox.waiting(key).length === 0, 'the message left in the inbox, handled');
      expect(writtenIds(next)).toEqual(['urn:ngsi-ld:Device:test:k1']);
      expect(count('handling the messages acknowledged before the last stop')).toBe(1);
      await source!.stop();
      // one whose subscription is gone meanwhile is a dead letter, not lost
      inbox.put(key, 'gone/+\u0000test/gone', { body: '{"id":"g"}', query: { topic: 'gone/1' }, headers: {}, receivedAt: '2026-11-23T00:00:00.000Z' });
      start({ clientId: 'eclor-inbox-test', subscriptions, inbox, deps: next });
      await waitFor(() => inbox.waiting(key).length === 0, 'the message of the subscription gone, filed');
      expect(next.deadLetters.list({ limit: 10, offset: 0 }).items).toEqual([expect.objectContaining({ adapter: 'test/gone', status: 404, payload: '{"id":"g"}', reason: expect.stringContaining("received on topic 'gone/1' before a restart, whose subscription is gone") })]);
    } finally {
      await source!.stop();
      next.close();
      inbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with an inbox, stop() waits for the messages being handled only: the others wait in the inbox for the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mqtt-inbox-'));
    const inbox = openInbox(path.join(dir, 'ingest.sqlite'));
    const key = `${broker!.url}\u0000eclor-stop-test`;
    deps.close();
    deps = recordingDeps({ delayMs: 300 });
    try {
      start({ clientId: 'eclor-stop-test', subscriptions: [{ topic: 't', adapter: jsonAdapter() }], inbox });
      await waitFor(() => count('subscribed') === 1, 'the subscription');
      for (const id of ['a', 'b', 'c', 'd']) await publish('t', `{"id":"${id}"}`);
      await waitFor(() => inbox.waiting(key).length === 4, 'the four messages kept');
      await source!.stop();
      // the one being written when stop() came is written; the rest wait, none lost, none twice
      const written = writtenIds(deps).map((id) => id.split(':').pop());
      const waiting = inbox.waiting(key).map((e) => (JSON.parse(e.message.body) as { id: string }).id);
      expect(written.length).toBeGreaterThanOrEqual(1);
      expect(waiting.length).toBeGreaterThanOrEqual(1);
      expect([...written, ...waiting]).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      inbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop() waits for the messages already received', async () => {
    deps.close();
    deps = recordingDeps({ delayMs: 50 });
    start({ subscriptions: [{ topic: 't', adapter: jsonAdapter() }] });
    await waitFor(() => count('subscribed') === 1, 'the subscription');
    await publish('t', '{"id":"a"}');
    await publish('t', '{"id":"b"}');
    await waitFor(() => deps.stats.of('test/json').received >= 1, 'the first message');
    await source!.stop();
    expect(source!.connected()).toBe(false);
    expect(deps.stats.of('test/json').received).toBe(writtenIds(deps).length);
  });
});

describe('a message on a topic no subscription matches any more', () => {
  /**
   * A peer that speaks just enough MQTT 3.1.1 to connect and subscribe a client, then sends it a
   * PUBLISH (QoS 1) on a topic it did not subscribe: what a real broker does when a message was on
   * its way as the client unsubscribed (a race aedes does not let a test provoke on purpose).
   */
  function strayPeer(topic: string, payload: string): Promise<{ url: string; acked: Promise<void>; close(): void }> {
    let acked!: () => void;
    const ack = new Promise<void>((ok) => (acked = ok));
    const server = net.createServer((s) => {
      s.on('data', (d: Buffer) => {
        for (let at = 0; at < d.length; ) {
          const type = d[at] >> 4;
          let len = 0;
          let mul = 1;
          let i = at + 1;
          for (; ; i++, mul *= 128) {
            len += (d[i] & 127) * mul;
            if (!(d[i] & 128)) break;
          }
          const body = d.subarray(i + 1, i + 1 + len);
          if (type === 1) s.write(Buffer.from([0x20, 0x02, 0x00, 0x00])); // CONNECT → CONNACK
          if (type === 8) {
            s.write(Buffer.from([0x90, 0x03, body[0], body[1], 0x01])); // SUBSCRIBE → SUBACK (QoS 1)
            const t = Buffer.from(topic);
            const p = Buffer.from(payload);
            const rest = Buffer.concat([Buffer.from([t.length >> 8, t.length & 255]), t, Buffer.from([0x00, 0x07]), p]);
            s.write(Buffer.concat([Buffer.from([0x32, rest.length]), rest])); // PUBLISH QoS 1, id 7
          }
          if (type === 4) acked(); // PUBACK
          if (type === 12) s.write(Buffer.from([0xd0, 0x00])); // PINGREQ → PINGRESP
          at = i + 1 + len;
        }
      });
    });
    return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, acked: ack, close: () => server.close() })));
  }

  it('is kept as a dead letter with its topic and body, not dropped after its acknowledgement', async () => {
    const peer = await strayPeer('gone/1', '{"id":"late"}');
    const deps = recordingDeps();
    const source = startMqttSource({ url: peer.url, deps, subscriptions: [{ topic: 'kept/+', adapter: jsonAdapter('test/json') }], reconnectMs: 100 });
    try {
      await peer.acked;
      expect(deps.deadLetters.list({ limit: 10, offset: 0 }).items).toEqual([
        expect.objectContaining({ adapter: 'mqtt', stage: 'decode', status: 404, payload: '{"id":"late"}', query: { topic: 'gone/1' }, reason: expect.stringMatching(/^no subscription matches topic 'gone\/1' any more/) }),
      ]);
      expect(writtenIds(deps)).toEqual([]);
    } finally {
      await source.stop();
      peer.close();
      deps.close();
    }
  });
});
