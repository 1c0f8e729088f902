/** The notifier over HTTP, against real receivers on 127.0.0.1 (MQTT: create-notifier.mqtt.test.ts). */
import { createNotifier, type NotifierTuning } from './create-notifier';
import { delivery, outcomes, recordingLog, refusedPort, sleep, startReceiver, waitFor, type Behaviour, type Receiver } from './notifier.fixture';
import type { Notifier, NotifierOptions } from './types';

describe('createNotifier over HTTP', () => {
  const receivers: Receiver[] = [];
  let notifier: Notifier | undefined;
  const rx = async (behave?: Parameters<typeof startReceiver>[0]) => {
    const r = await startReceiver(behave);
    receivers.push(r);
    return r;
  };
  const make = (o: NotifierOptions & NotifierTuning = {}) =>
    (notifier = createNotifier({ timeoutMs: 1000, retries: 3, backoffMs: 10, maxBackoffMs: 100, ...o }));

  afterEach(async () => {
    await notifier?.close(0);
    notifier = undefined;
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('POSTs the notification with its headers and receiverInfo, without making send() wait', async () => {
    const r = await rx();
    const n = make();
    const out = outcomes();
    const d = delivery(`${r.url}/notify?src=eclor`, 1, {
      tenant: 'commune-a',
      headers: { 'Content-Type': 'application/ld+json', 'NGSILD-Tenant': 'commune-a', Link: '<https://ctx/c.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' },
      endpoint: { uri: `${r.url}/notify?src=eclor`, receiverInfo: [{ key: 'X-Api-Key', value: 'k1' }, { key: 'Fiware-Service', value: 'eau' }] },
    });
    n.send(d, out.done(1));
    // send() returned before anything was sent or reported: delivery is asynchronous
    expect(out.calls()).toBe(0);
    expect(r.hits()).toBe(0);
    await waitFor(() => out.calls() === 1, 'the outcome');
    expect(out.got.get(1)).toMatchObject({ ok: true, status: 204, attempts: 1 });
    expect(out.got.get(1)!.at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(r.received).toHaveLength(1);
    const got = r.received[0];
    expect(got.path).toBe('/notify?src=eclor');
    expect(got.body).toEqual(d.body);
    expect(got.headers).toMatchObject({
      'content-type': 'application/ld+json',
      'ngsild-tenant': 'commune-a',
      link: '<https://ctx/c.jsonld>; rel="http://www.w3.org/ns/json-ld#context"',
      'x-api-key': 'k1',
      'fiware-service': 'eau',
      connection: 'keep-alive',
    });
    expect(n.stats()).toMatchObject({ queued: 0, inFlight: 0, sent: 1, failed: 0, dropped: 0 });
    expect(n.stats().endpoints[`${r.url}/notify`]).toEqual({ queued: 0, inFlight: 0, sent: 1, failed: 0, dropped: 0, down: false });
  });

  it('answers a bad delivery through done, never by throwing', async () => {
    const n = make();
    const out = outcomes();
    n.send(delivery('not a uri', 1), out.done(1));
    n.send(delivery('ftp://127.0.0.1/x', 2), out.done(2));
    n.send(delivery('mqtt://127.0.0.1:1', 3, { endpoint: { uri: 'mqtt://127.0.0.1:1', notifierInfo: [{ key: 'MQTT-QoS', value: '7' }] } }), out.done(3));
    n.send({ subscriptionId: 's' } as never, out.done(4));
    n.send(delivery('not a uri', 5)); // no callback
    await waitFor(() => out.calls() === 4, 'four outcomes');
    expect(out.got.get(1)).toMatchObject({ ok: false, attempts: 0, error: expect.stringMatching(/invalid endpoint URI/) });
    expect(out.got.get(2)!.error).toMatch(/unsupported endpoint scheme/);
    expect(out.got.get(3)!.error).toMatch(/invalid MQTT-QoS/);
    expect(out.got.get(4)!.ok).toBe(false);
    expect(n.stats().failed).toBe(5);
  });

  it('keeps the order of each entity, retries included, with requests in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const perKey = new Map<string, number>();
    let overlap = 0;
    const r = await rx((req, i) => {
      const key = (req.body as { key: string }).key;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      if (perKey.get(key)! > 1) overlap++;
      // the handler's end of the request: counted when the answer is due
      const delayMs = 1 + Math.floor(Math.random() * 8); // ≥ 1: the counter above drops before the answer goes
      setTimeout(() => ((inFlight -= 1), perKey.set(key, perKey.get(key)! - 1)), delayMs);
      return { status: i % 10 === 3 ? 503 : 200, delayMs } satisfies Behaviour;
    });
    const n = make({ concurrencyPerEndpoint: 8, retries: 10, backoffMs: 2, maxBackoffMs: 10 });
    const out = outcomes();
    const keys = ['urn:a', 'urn:b', 'urn:c', 'urn:d', 'urn:e', 'urn:f'];
    const total = 300;
    for (let i = 0; i < total; i++) {
      const key = keys[i % keys.length];
      n.send(delivery(`${r.url}/notify`, i, { orderKey: key, body: { n: i, key } }), out.done(i));
    }
    await waitFor(() => out.calls() === total, 'every outcome', 15000);
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    expect([...out.got.values()].some((o) => o.attempts > 1)).toBe(true);
    for (const key of keys) {
      const seen = r.received.filter((x) => x.status === 200 && (x.body as { key: string }).key === key).map((x) => (x.body as { n: number }).n);
      expect(seen).toHaveLength(total / keys.length);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
    expect(overlap).toBe(0);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(r.connections()).toBeLessThanOrEqual(8); // kept-alive sockets, reused
  });

  it('retries 408, 429 and 5xx with backoff, then succeeds', async () => {
    const script = [503, 429, 408, 500, 200];
    const r = await rx((_req, i) => ({ status: script[i] }));
    const n = make({ retries: 5, backoffMs: 20, maxBackoffMs: 1000 });
    const out = outcomes();
    const t0 = Date.now();
    n.send(delivery(`${r.url}/n`, 1), out.done(1));
    await waitFor(() => out.calls() === 1, 'the outcome');
    expect(out.got.get(1)).toMatchObject({ ok: true, status: 200, attempts: 5 });
    // backoff 20·(1+2+4+8) ms ±50 %: at least 150 ms
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(r.received.map((x) => x.status)).toEqual(script);
  });

  it('gives up after the last retry with the last status', async () => {
    const r = await rx(() => ({ status: 502 }));
    const n = make({ retries: 2 });
    const out = outcomes();
    n.send(delivery(`${r.url}/n`, 1), out.done(1));
    await waitFor(() => out.calls() === 1, 'the outcome');
    expect(out.got.get(1)).toMatchObject({ ok: false, status: 502, error: 'HTTP 502', attempts: 3 });
    expect(r.hits()).toBe(3);
  });

  it.each([400, 401, 404, 413])('does not retry HTTP %d', async (status) => {
    const r = await rx(() => ({ status }));
    const n = make({ retries: 5 });
    const out = outcomes();
    n.send(delivery(`${r.url}/n`, 1), out.done(1));
    await waitFor(() => out.calls() === 1, 'the outcome');
    await sleep(50);
    expect(out.got.get(1)).toMatchObject({ ok: false, status, error: `HTTP ${status}`, attempts: 1 });
    expect(r.hits()).toBe(1);
    expect(n.stats().endpoints[`${r.url}/n`]).toMatchObject({ failed: 1, down: false });
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    const r = await rx(() => 'hang');
    const n = make({ timeoutMs: 100, retries: 1, backoffMs: 10 });
    const out = outcomes();
    const t0 = Date.now();
    n.send(delivery(`${r.url}/n`, 1), out.done(1));
    await waitFor(() => out.calls() === 1, 'the outcome');
    expect(out.got.get(1)).toMatchObject({ ok: false, error: 'timeout', attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200); // two attempts of 100 ms each
    expect(r.hits()).toBe(2);
  });

  it('drops the oldest waiting deliveries beyond the bound, and counts them', async () => {
    const r = await rx(() => ({ status: 204, delayMs: 30 }));
    const n = make({ maxQueuePerEndpoint: 3, concurrencyPerEndpoint: 1 });
    const out = outcomes();
    for (let i = 0; i < 10; i++) n.send(delivery(`${r.url}/n`, i), out.done(i));
    expect(n.stats()).toMatchObject({ queued: 3, dropped: 7 });
    await waitFor(() => out.calls() === 10, 'every outcome');
    for (let i = 0; i < 7; i++) expect(out.got.get(i)).toMatchObject({ ok: false, error: 'queue full', attempts: 0 });
    expect(r.received.map((x) => (x.body as { n: number }).n)).toEqual([7, 8, 9]);
    expect(n.stats()).toMatchObject({ sent: 3, dropped: 7, failed: 0 });
  });

  it('a refused port and a receiver that never answers do not delay a live endpoint', async () => {
    const hanging = await rx(() => 'hang');
    const live = await rx();
    const refused = await refusedPort();
    const rec = recordingLog();
    const n = make({ timeoutMs: 300, retries: 3, backoffMs: 20, maxBackoffMs: 200, log: rec.log });
    const dead = outcomes();
    for (let i = 0; i < 200; i++) {
      n.send(delivery(`http://127.0.0.1:${refused}/n`, i, { orderKey: `urn:${i % 5}` }), dead.done(i));
      n.send(delivery(`${hanging.url}/n`, i, { orderKey: `urn:${i % 5}` }), dead.done(1000 + i));
    }
    const out = outcomes();
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 60; i++) {
      sentAt.set(i, Date.now());
      n.send(delivery(`${live.url}/n`, i, { orderKey: `urn:${i % 5}` }), out.done(i));
      await sleep(15);
    }
    await waitFor(() => out.calls() === 60, 'the live deliveries');
    const latencies = [...out.got.entries()].map(([i, o]) => o.doneAt - sentAt.get(i)!);
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    // blocked behind a dead endpoint, a delivery would wait for its 300 ms timeouts (and retries):
    // the typical live delivery takes a fraction of one timeout, and the dead ones are still pending
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(150);
    expect(dead.calls()).toBeLessThan(400);
    const s = n.stats();
    expect(s.endpoints[`http://127.0.0.1:${refused}/n`]).toMatchObject({ down: true });
    expect(s.endpoints[`${hanging.url}/n`]).toMatchObject({ down: true });
    expect(s.endpoints[`${live.url}/n`]).toMatchObject({ sent: 60, down: false });
    // down: one probe at a time, not the whole queue
    expect(hanging.hits()).toBeLessThan(30);
    expect(rec.count('endpoint down')).toBe(2);
    expect(rec.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('probes a down endpoint one request at a time, then resumes at full concurrency', async () => {
    let healthy = false;
    let inFlight = 0;
    let maxInFlight = 0;
    const r = await rx(() => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => inFlight--, 20);
      return { status: healthy ? 201 : 503, delayMs: 20 };
    });
    const rec = recordingLog();
    const n = make({ concurrencyPerEndpoint: 4, downAfterFailures: 3, retries: 100, backoffMs: 10, maxBackoffMs: 60, log: rec.log });
    const out = outcomes();
    for (let i = 0; i < 30; i++) n.send(delivery(`${r.url}/n`, i), out.done(i));
    await waitFor(() => n.stats().endpoints[`${r.url}/n`]?.down === true, 'down');
    await sleep(60);
    maxInFlight = inFlight;
    const hitsBefore = r.hits();
    await sleep(400);
    expect(maxInFlight).toBe(1);
    expect(r.hits() - hitsBefore).toBeLessThan(15);
    expect(out.calls()).toBe(0);
    healthy = true;
    maxInFlight = 0;
    await waitFor(() => out.calls() === 30, 'every outcome');
    expect([...out.got.values()].every((o) => o.ok && o.status === 201)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(n.stats().endpoints[`${r.url}/n`].down).toBe(false);
    expect(rec.count('endpoint down')).toBe(1);
    expect(rec.count('endpoint up again')).toBe(1);
  });

  it('close() waits for the queue within the grace period', async () => {
    const r = await rx(() => ({ status: 204, delayMs: 20 }));
    const n = make({ concurrencyPerEndpoint: 1 });
    const out = outcomes();
    for (let i = 0; i < 3; i++) n.send(delivery(`${r.url}/n`, i), out.done(i));
    await n.close(2000);
    await sleep(0);
    expect(out.calls()).toBe(3);
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
  });

  it('close() fails what is left after the grace period, exactly once, and refuses new deliveries', async () => {
    const r = await rx(() => 'hang');
    const n = make({ timeoutMs: 10000, concurrencyPerEndpoint: 2 });
    const out = outcomes();
    for (let i = 0; i < 5; i++) n.send(delivery(`${r.url}/n`, i), out.done(i));
    await waitFor(() => r.hits() === 2, 'two requests in flight');
    const t0 = Date.now();
    await n.close(100);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    n.send(delivery(`${r.url}/n`, 5), out.done(5));
    await sleep(20);
    expect(out.calls()).toBe(6);
    expect([...out.got.values()].every((o) => !o.ok && o.error === 'notifier closed')).toBe(true);
    expect(n.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('delivers a burst to one receiver (throughput)', async () => {
    const r = await rx();
    const n = make({ concurrencyPerEndpoint: 8 });
    const out = outcomes();
    const total = 2000;
    const t0 = Date.now();
    for (let i = 0; i < total; i++) n.send(delivery(`${r.url}/n`, i, { orderKey: `urn:${i % 50}` }), out.done(i));
    await waitFor(() => out.calls() === total, 'every outcome', 20000);
    const perSecond = Math.round(total / ((Date.now() - t0) / 1000));
    process.stdout.write(`notifier: ${total} deliveries to one loopback receiver, ${perSecond}/s, ${r.connections()} connections\n`);
    expect(out.got.size).toBe(total);
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    expect(r.connections()).toBeLessThanOrEqual(8);
  });
});
