/**
 * The queue's rules with a scripted in-process channel (an attempt is a function of the item): order
 * per key, bounds, drops, down/probe and readiness, independent of any transport. The same rules
 * over real HTTP and MQTT are in create-notifier*.test.ts.
 */
import type { AttemptResult } from './attempt';
import { createEndpointQueue, type EndpointChannel, type EndpointQueueOptions } from './endpoint-queue';
import { outcomes, recordingLog, sleep, waitFor } from './notifier.fixture';

interface Item {
  n: number;
  key?: string;
}

/** A channel answering after `delayMs()` with `answer(item, attempt)`; records what it sees. */
function scripted(answer: (item: Item, attempt: number) => AttemptResult, delayMs: () => number = () => 1) {
  const attempts = new Map<number, number>();
  const started: Array<{ n: number; at: number }> = [];
  const succeeded: Item[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const keysInFlight = new Set<string>();
  let keyOverlap = 0;
  let isReady = true;
  let wake: (() => void) | undefined;
  const channel: EndpointChannel<Item> = {
    async attempt(item) {
      const a = (attempts.get(item.n) ?? 0) + 1;
      attempts.set(item.n, a);
      started.push({ n: item.n, at: Date.now() });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (item.key) {
        if (keysInFlight.has(item.key)) keyOverlap++;
        keysInFlight.add(item.key);
      }
      await sleep(delayMs());
      inFlight--;
      if (item.key) keysInFlight.delete(item.key);
      const r = answer(item, a);
      if (r.ok) succeeded.push(item);
      return r;
    },
    ready(w) {
      if (!isReady) wake = w;
      return isReady;
    },
  };
  return {
    channel,
    attempts,
    started,
    succeeded,
    maxInFlight: () => maxInFlight,
    resetMax: () => void (maxInFlight = inFlight),
    keyOverlap: () => keyOverlap,
    setReady(r: boolean) {
      isReady = r;
      if (r) wake?.();
    },
  };
}

const ok: AttemptResult = { ok: true, retry: false, status: 204 };
const unavailable: AttemptResult = { ok: false, retry: true, status: 503, error: 'HTTP 503' };

function queue(channel: EndpointChannel<Item>, o: Partial<EndpointQueueOptions<Item>> = {}) {
  return createEndpointQueue<Item>({
    label: 'test',
    channel,
    concurrency: 4,
    maxQueue: 1000,
    retries: 5,
    backoffMs: 2,
    maxBackoffMs: 20,
    downAfter: 1000,
    ...o,
  });
}

describe('createEndpointQueue', () => {
  it('keeps each key in order, retries included, at full concurrency', async () => {
    const ch = scripted((item, attempt) => (attempt === 1 && item.n % 3 === 0 ? unavailable : ok), () => Math.floor(Math.random() * 6));
    const q = queue(ch.channel, { concurrency: 6 });
    const out = outcomes();
    const keys = ['a', 'b', 'c', 'd', 'e'];
    for (let n = 0; n < 200; n++) {
      const key = n % 7 === 0 ? undefined : keys[n % keys.length];
      q.push({ n, key }, key, out.done(n));
    }
    await waitFor(() => out.calls() === 200, 'every outcome');
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    for (const key of keys) {
      const seen = ch.succeeded.filter((i) => i.key === key).map((i) => i.n);
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(seen.length).toBeGreaterThan(20);
    }
    expect(ch.keyOverlap()).toBe(0);
    expect(ch.maxInFlight()).toBeGreaterThan(1);
    expect(ch.maxInFlight()).toBeLessThanOrEqual(6);
    expect(out.got.get(3)).toMatchObject({ ok: true, attempts: 2, status: 204 });
    expect(q.stats()).toMatchObject({ queued: 0, inFlight: 0, sent: 200, failed: 0, dropped: 0, down: false });
    expect(q.idle()).toBe(true);
  });

  it('drops the oldest waiting delivery when full, wherever it waits, and keeps the order of the rest', async () => {
    const ch = scripted(() => ok, () => 20);
    const q = queue(ch.channel, { concurrency: 1, maxQueue: 3 });
    const out = outcomes();
    // 0 starts at once; 1..6 wait (1, 3, 5 behind 0's key 'k'), the bound keeps the newest three
    q.push({ n: 0, key: 'k' }, 'k', out.done(0));
    await waitFor(() => ch.started.length === 1, 'the first attempt');
    for (let n = 1; n <= 6; n++) q.push({ n, key: n % 2 ? 'k' : undefined }, n % 2 ? 'k' : undefined, out.done(n));
    expect(q.stats()).toMatchObject({ queued: 3, inFlight: 1, dropped: 3 });
    await waitFor(() => out.calls() === 7, 'every outcome');
    for (const n of [1, 2, 3]) expect(out.got.get(n)).toMatchObject({ ok: false, error: 'queue full', attempts: 0 });
    expect(ch.succeeded.map((i) => i.n)).toEqual([0, 4, 5, 6]);
  });

  it('gives up after the retries, and at once on a final failure', async () => {
    const ch = scripted((item) => (item.n === 0 ? unavailable : { ok: false, retry: false, status: 400, error: 'HTTP 400' }));
    const q = queue(ch.channel, { retries: 2 });
    const out = outcomes();
    q.push({ n: 0 }, undefined, out.done(0));
    q.push({ n: 1 }, undefined, out.done(1));
    await waitFor(() => out.calls() === 2, 'both outcomes');
    expect(out.got.get(0)).toMatchObject({ ok: false, attempts: 3, status: 503, error: 'HTTP 503' });
    expect(out.got.get(1)).toMatchObject({ ok: false, attempts: 1, status: 400, error: 'HTTP 400' });
    expect(q.stats()).toMatchObject({ sent: 0, failed: 2 });
  });

  it('goes down after consecutive failures, probes one at a time with a growing delay, and comes back', async () => {
    let healthy = false;
    const ch = scripted(() => (healthy ? ok : unavailable), () => 2);
    const rec = recordingLog();
    const q = queue(ch.channel, { concurrency: 4, downAfter: 3, retries: 1000, backoffMs: 5, maxBackoffMs: 80, log: rec.log });
    const out = outcomes();
    for (let n = 0; n < 20; n++) q.push({ n }, undefined, out.done(n));
    await waitFor(() => q.stats().down, 'down');
    await sleep(20);
    ch.resetMax();
    const before = ch.started.length;
    await sleep(400);
    expect(ch.maxInFlight()).toBe(1);
    const probes = ch.started.slice(before).map((s) => s.at);
    const gaps = probes.slice(1).map((t, i) => t - probes[i]);
    expect(probes.length).toBeGreaterThan(2);
    expect(probes.length).toBeLessThan(40); // without probing: ~4 attempts every ~10 ms
    expect(Math.max(...gaps.slice(-2))).toBeGreaterThanOrEqual(30); // the delay grew towards maxBackoffMs
    expect(out.calls()).toBe(0); // the queue waits, nothing is lost
    healthy = true;
    ch.resetMax();
    await waitFor(() => out.calls() === 20, 'every outcome');
    expect([...out.got.values()].every((o) => o.ok)).toBe(true);
    expect(ch.maxInFlight()).toBeGreaterThan(1);
    expect(q.stats().down).toBe(false);
    expect(rec.count('endpoint down')).toBe(1);
    expect(rec.count('endpoint up again')).toBe(1);
  });

  it('holds attempts while the channel is not ready, without spending retries', async () => {
    const ch = scripted(() => ok);
    ch.setReady(false);
    const q = queue(ch.channel, { retries: 0 });
    const out = outcomes();
    for (let n = 0; n < 5; n++) q.push({ n, key: 'k' }, 'k', out.done(n));
    await sleep(50);
    expect(ch.started).toHaveLength(0);
    expect(q.stats()).toMatchObject({ queued: 4, inFlight: 1 });
    ch.setReady(true);
    await waitFor(() => out.calls() === 5, 'every outcome');
    expect(ch.succeeded.map((i) => i.n)).toEqual([0, 1, 2, 3, 4]);
    expect([...out.got.values()].map((o) => o.attempts)).toEqual([1, 1, 1, 1, 1]);
  });

  it('close() fails what is left exactly once, and later pushes too', async () => {
    const ch = scripted(() => unavailable, () => 5);
    const q = queue(ch.channel, { concurrency: 2 });
    const out = outcomes();
    for (let n = 0; n < 6; n++) q.push({ n, key: String(n % 2) }, String(n % 2), out.done(n));
    await waitFor(() => ch.started.length >= 2, 'two attempts');
    q.close('notifier closed');
    q.push({ n: 6 }, undefined, out.done(6));
    await sleep(60);
    expect(out.calls()).toBe(7);
    expect([...out.got.values()].every((o) => !o.ok && o.error === 'notifier closed')).toBe(true);
    expect(q.stats()).toMatchObject({ queued: 0, inFlight: 0, failed: 7 });
  });

  it('survives a callback that throws', async () => {
    const ch = scripted(() => ok);
    const rec = recordingLog();
    const q = queue(ch.channel, { log: rec.log });
    const out = outcomes();
    q.push({ n: 0 }, undefined, () => {
      throw new Error('boom');
    });
    q.push({ n: 1 }, undefined, out.done(1));
    await waitFor(() => out.calls() === 1, 'the second outcome');
    expect(rec.count('callback threw')).toBe(1);
  });
});
