/**
 * The notifier over MQTT, against a real aedes broker (the ingest sources' worker fixture): QoS,
 * message shape, MQTT 5, and deliveries kept while the broker restarts on the same port.
 */
import net from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { startTestBroker, type TestBroker } from '../../../ingest/sources/mqtt-broker.fixture';
import { createNotifier } from './create-notifier';
import { delivery, outcomes, recordingLog, sleep, waitFor } from './notifier.fixture';
import type { KeyValue, Notifier } from './types';

interface Message {
  topic: string;
  qos: number;
  json: { metadata: Record<string, string>; body: { n: number } };
}

async function subscriber(url: string, topic: string): Promise<{ client: MqttClient; messages: Message[] }> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  const messages: Message[] = [];
  client.on('message', (t, payload, packet) => messages.push({ topic: t, qos: packet.qos, json: JSON.parse(payload.toString('utf8')) }));
  await client.subscribeAsync(topic, { qos: 2 });
  return { client, messages };
}

const qos = (q: string, extra: KeyValue[] = []): KeyValue[] => [{ key: 'MQTT-QoS', value: q }, ...extra];

describe('createNotifier over MQTT', () => {
  let broker: TestBroker | undefined;
  let notifier: Notifier | undefined;
  const clients: MqttClient[] = [];

  afterEach(async () => {
    await notifier?.close(0);
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.close();
    notifier = broker = undefined;
  });

  it('publishes { metadata, body } on the URI path, with QoS 0, 1 and 2', async () => {
    broker = await startTestBroker();
    const sub = await subscriber(broker.url, 'eclor/#');
    clients.push(sub.client);
    notifier = createNotifier({ timeoutMs: 2000, retries: 2, backoffMs: 10 });
    const out = outcomes();
    const receiverInfo = [{ key: 'X-Api-Key', value: 'k1' }];
    const headers = { 'Content-Type': 'application/json', 'NGSILD-Tenant': 'commune-a' };
    for (const q of ['0', '1', '2']) {
      const uri = `${broker.url}/eclor/notify/q${q}`;
      notifier.send(delivery(uri, Number(q), { headers, endpoint: { uri, receiverInfo, notifierInfo: qos(q) } }), out.done(Number(q)));
    }
    await waitFor(() => out.calls() === 3 && sub.messages.length === 3, 'three publications');
    expect([...out.got.values()].every((o) => o.ok && o.attempts === 1)).toBe(true);
    const byTopic = Object.fromEntries(sub.messages.map((m) => [m.topic, m]));
    for (const q of [0, 1, 2]) {
      const m = byTopic[`eclor/notify/q${q}`];
      expect(m.qos).toBe(q);
      expect(m.json).toEqual({
        metadata: { 'Content-Type': 'application/json', 'NGSILD-Tenant': 'commune-a', 'X-Api-Key': 'k1' },
        body: { id: `urn:ngsi-ld:Notification:${q}`, type: 'Notification', n: q },
      });
    }
    expect(Object.keys(notifier.stats().endpoints)).toEqual(
      expect.arrayContaining([`mqtt://127.0.0.1:${broker.port}/eclor/notify/q0`, `mqtt://127.0.0.1:${broker.port}/eclor/notify/q1`]),
    );
  });

  it('keeps the order of each entity', async () => {
    broker = await startTestBroker();
    const sub = await subscriber(broker.url, 'ordered/#');
    clients.push(sub.client);
    notifier = createNotifier({ timeoutMs: 2000 });
    const out = outcomes();
    const uri = `${broker.url}/ordered/notify`;
    for (let i = 0; i < 40; i++) notifier.send(delivery(uri, i, { orderKey: `urn:${i % 4}`, endpoint: { uri, notifierInfo: qos('1') } }), out.done(i));
    await waitFor(() => out.calls() === 40 && sub.messages.length === 40, 'forty publications');
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    for (let k = 0; k < 4; k++) {
      const seen = sub.messages.map((m) => m.json.body.n).filter((n) => n % 4 === k);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('asks for MQTT 5.0 when told (aedes speaks 3.1.1 only: refused, the deliveries wait, logged once)', async () => {
    broker = await startTestBroker();
    const rec = recordingLog();
    notifier = createNotifier({ timeoutMs: 1000, mqttReconnectMs: 30, log: rec.log });
    const out = outcomes();
    const uri = `${broker.url}/v5/notify`;
    for (let i = 0; i < 3; i++) {
      notifier.send(delivery(uri, i, { endpoint: { uri, notifierInfo: qos('1', [{ key: 'MQTT-Version', value: 'mqtt5.0' }]) } }), out.done(i));
    }
    await waitFor(() => rec.count('MQTT broker unreachable') === 1, 'the refusal');
    await sleep(200); // several reconnection attempts
    expect(rec.count('MQTT broker unreachable')).toBe(1);
    expect(out.calls()).toBe(0);
    expect(Object.values(notifier.stats().endpoints)[0]).toMatchObject({ queued: 0, inFlight: 3, down: true });
    expect(rec.lines[0].obj).toMatchObject({ error: expect.stringMatching(/protocol version/i) });
  });

  it('keeps deliveries while the broker is away, and sends them once it is back on the same port', async () => {
    broker = await startTestBroker();
    const port = broker.port;
    const uri = `${broker.url}/eclor/restart`;
    const d = (i: number) => delivery(uri, i, { orderKey: 'urn:ngsi-ld:WaterMeter:x', endpoint: { uri, notifierInfo: qos('1') } });
    const first = await subscriber(broker.url, 'eclor/restart');
    clients.push(first.client);
    const rec = recordingLog();
    notifier = createNotifier({ timeoutMs: 3000, retries: 1, backoffMs: 10, mqttReconnectMs: 50, log: rec.log });
    const out = outcomes();
    notifier.send(d(0), out.done(0));
    await waitFor(() => first.messages.length === 1, 'the first publication');

    // The broker goes away. A plain listener then takes the port and holds the notifier's next
    // connection attempt (no CONNACK) while the broker restarts and a subscriber subscribes again:
    // the notifier cannot publish before anyone listens, whatever the timing.
    await broker.close();
    broker = undefined;
    const held: net.Socket[] = [];
    const holder = net.createServer((s) => void held.push(s));
    await new Promise<void>((ok) => holder.listen(port, '127.0.0.1', ok));
    await waitFor(() => held.length > 0, "the notifier's reconnection attempt");
    for (let i = 1; i <= 5; i++) notifier.send(d(i), out.done(i));
    await sleep(100);
    expect(out.calls()).toBe(1);
    expect(notifier.stats()).toMatchObject({ queued: 4, inFlight: 1, dropped: 0 });
    expect(Object.values(notifier.stats().endpoints)[0].down).toBe(true);
    const holderClosed = new Promise<void>((ok) => holder.close(() => ok())); // stops listening now, closes once `held` is gone
    broker = await startTestBroker(port);
    const second = await subscriber(broker.url, 'eclor/restart');
    clients.push(second.client);
    for (const s of held) s.destroy();
    await holderClosed;

    await waitFor(() => out.calls() === 6 && second.messages.length === 5, 'the queued publications', 10000);
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    expect(second.messages.map((m) => m.json.body.n)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.values(notifier.stats().endpoints)[0]).toMatchObject({ sent: 6, failed: 0, down: false });
    expect(rec.count('MQTT broker unreachable')).toBe(1);
    expect(rec.count('MQTT broker reachable again')).toBe(1);
  });

  it('closes idle clients and opens a new one when needed', async () => {
    broker = await startTestBroker();
    const sub = await subscriber(broker.url, 'idle/#');
    clients.push(sub.client);
    const rec = recordingLog();
    notifier = createNotifier({ timeoutMs: 2000, mqttIdleMs: 100, log: rec.log });
    const out = outcomes();
    const uri = `${broker.url}/idle/t`;
    notifier.send(delivery(uri, 0, { endpoint: { uri, notifierInfo: qos('1') } }), out.done(0));
    await waitFor(() => out.calls() === 1, 'the first outcome');
    await waitFor(() => rec.count('idle MQTT client closed') === 1, 'the idle client closed');
    notifier.send(delivery(uri, 1, { endpoint: { uri, notifierInfo: qos('1') } }), out.done(1));
    await waitFor(() => out.calls() === 2 && sub.messages.length === 2, 'the second publication');
    expect(out.got.get(1)!.ok).toBe(true);
    expect(rec.count('unreachable')).toBe(0);
  });

  it('close() fails deliveries waiting for an unreachable broker and ends its client', async () => {
    broker = await startTestBroker();
    const port = broker.port;
    await broker.close();
    broker = undefined;
    notifier = createNotifier({ timeoutMs: 500, mqttReconnectMs: 50 });
    const out = outcomes();
    const uri = `mqtt://127.0.0.1:${port}/nobody`;
    for (let i = 0; i < 3; i++) notifier.send(delivery(uri, i, { endpoint: { uri, notifierInfo: qos('1') } }), out.done(i));
    await sleep(200);
    expect(out.calls()).toBe(0);
    await notifier.close(50);
    await sleep(0);
    expect(out.calls()).toBe(3);
    expect([...out.got.values()].every((o) => !o.ok && o.error === 'notifier closed' && o.attempts === 0)).toBe(true);
  });
});
