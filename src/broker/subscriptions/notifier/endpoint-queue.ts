/**
 * The queue of one endpoint: where deliveries wait, in what order they go, how many at once, and
 * when to give up. Each endpoint has its own queue, counters and timers, so a dead or slow endpoint
 * only ever delays itself.
 *
 * - Bounded: when `maxQueue` deliveries wait, the oldest waiting one is dropped ('queue full').
 * - Up to `concurrency` deliveries in flight (retries included: a delivery waiting for its retry
 *   keeps its place), but one at a time per `orderKey`: the next one for a key starts only once
 *   the previous one succeeded or was given up. Deliveries without a key are unordered.
 * - Retries after timeouts, network errors, 408, 429 and 5xx, with exponential backoff and jitter.
 * - Down: after `downAfter` consecutive failed attempts the endpoint is down and only one attempt at
 *   a time is made, spaced by a growing backoff (the probe); the queue waits, bounded. The first
 *   answer (success or a final 4xx) brings it up again at full concurrency. Logged once each way.
 * - A channel that is not ready (MQTT disconnected) holds the attempts without spending retries,
 *   and wakes the queue when it is.
 */
import { reasonOf, type AttemptResult } from './attempt';
import { backoffDelay } from '../../../client/backoff';
import { LinkedQueue, type QueueNode } from './linked-queue';
import type { DeliveryOutcome, NotifierOptions } from './types';

export interface EndpointChannel<T> {
  /** One attempt at delivering `item`; a throw or rejection is a final failure. */
  attempt(item: T): Promise<AttemptResult>;
  /** Whether attempts can be made now; if not, the channel calls `wake` once they can. */
  ready(wake: () => void): boolean;
  /** The transport knows the endpoint is unreachable (shown in stats). */
  down?(): boolean;
}

export interface EndpointQueueOptions<T> {
  /** For logs: origin + path, or MQTT broker + topic (no password). */
  label: string;
  channel: EndpointChannel<T>;
  concurrency: number;
  maxQueue: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Consecutive failed attempts that mark the endpoint down. */
  downAfter: number;
  log?: NotifierOptions['log'];
  /** Called each time nothing is left waiting or in flight. */
  onIdle?: () => void;
}

export interface EndpointStats {
  queued: number;
  inFlight: number;
  sent: number;
  failed: number;
  dropped: number;
  down: boolean;
}

export interface EndpointQueue<T> {
  /** Queues `item`; `done` is called exactly once, asynchronously. */
  push(item: T, orderKey: string | undefined, done?: (o: DeliveryOutcome) => void): void;
  stats(): EndpointStats;
  idle(): boolean;
  /** Fails everything waiting or in flight with `error` and clears every timer. */
  close(error: string): void;
}

interface Job<T> {
  item: T;
  key?: string;
  done?: (o: DeliveryOutcome) => void;
  /** Send order. */
  seq: number;
  state: 'queued' | 'active' | 'done';
  attempts: number;
  /** In `all` while queued. */
  allNode?: QueueNode<Job<T>>;
  /** In `fresh`, `promoted` or a `blocked` lane while queued. */
  laneNode?: QueueNode<Job<T>>;
  /** In `due` while active and waiting for an attempt. */
  dueNode?: QueueNode<Job<T>>;
  timer?: NodeJS.Timeout;
}

type Settled = Omit<DeliveryOutcome, 'at' | 'attempts'>;

/**
 * @example
 * const q = createEndpointQueue({
 *   label: 'http://rx/notify', channel: { attempt: (body) => post(body), ready: () => true },
 *   concurrency: 8, maxQueue: 10000, retries: 5, backoffMs: 200, maxBackoffMs: 30000, downAfter: 3,
 * });
 * q.push({ id: 1 }, 'urn:ngsi-ld:Streetlight:x', (outcome) => console.log(outcome.ok));
 */
export function createEndpointQueue<T>(o: EndpointQueueOptions<T>): EndpointQueue<T> {
  const all = new LinkedQueue<Job<T>>(); // queued, oldest first
  // queued and free to start: `fresh` ones in send order, `promoted` ones once their key came free
  const fresh = new LinkedQueue<Job<T>>();
  const promoted = new LinkedQueue<Job<T>>();
  const blocked = new Map<string, LinkedQueue<Job<T>>>(); // queued behind an earlier job of the same key
  const owner = new Map<string, Job<T>>(); // per key: its job that is ready or active
  const active = new Set<Job<T>>();
  const due = new LinkedQueue<Job<T>>(); // active, next attempt due
  const counts = { sent: 0, failed: 0, dropped: 0 };
  let attempting = 0;
  let failures = 0;
  let down = false;
  let probeRound = 0;
  let nextProbeAt = 0;
  let probeTimer: NodeJS.Timeout | undefined;
  let pumpSoon: NodeJS.Immediate | undefined;
  let closed = false;
  let seq = 0;

  /** The oldest job free to start, of the two queues' heads. */
  const nextReady = () => {
    const a = fresh.peek();
    const b = promoted.peek();
    return (!b || (a && a.seq < b.seq) ? fresh : promoted).shift();
  };

  const idle = () => all.length === 0 && active.size === 0;

  /** The job's key passes to the next job waiting for it, if any. */
  const release = (job: Job<T>) => {
    if (job.key === undefined || owner.get(job.key) !== job) return;
    const lane = blocked.get(job.key);
    const next = lane?.shift();
    if (lane && lane.length === 0) blocked.delete(job.key);
    if (!next) return void owner.delete(job.key);
    owner.set(job.key, next);
    next.laneNode = promoted.push(next);
  };

  const settle = (job: Job<T>, outcome: Settled, counter: keyof typeof counts) => {
    if (job.state === 'done') return;
    if (job.state === 'queued') {
      if (job.allNode) all.remove(job.allNode);
      if (job.laneNode) job.laneNode.owner?.remove(job.laneNode);
      if (job.key !== undefined && blocked.get(job.key)?.length === 0) blocked.delete(job.key);
    } else {
      active.delete(job);
      if (job.dueNode) due.remove(job.dueNode);
      clearTimeout(job.timer);
    }
    job.state = 'done';
    release(job);
    counts[counter]++;
    const done = job.done;
    if (done) {
      const full: DeliveryOutcome = { ...outcome, at: new Date().toISOString(), attempts: job.attempts };
      queueMicrotask(() => {
        try {
          done(full);
        } catch (err) {
          o.log?.warn({ endpoint: o.label, err: reasonOf(err) }, 'notifier: delivery callback threw');
        }
      });
    }
    if (idle()) o.onIdle?.();
  };

  const wake = () => {
    if (!pumpSoon && !closed) pumpSoon = setImmediate(() => ((pumpSoon = undefined), pump()));
  };

  /** Endpoint health from one attempt: answers bring it up, retryable failures towards down. */
  const observe = (r: AttemptResult, probing: boolean) => {
    if (r.ok || (r.status !== undefined && !r.retry)) {
      failures = 0;
      if (!down) return;
      down = false;
      probeRound = 0;
      clearTimeout(probeTimer);
      probeTimer = undefined;
      o.log?.info?.({ endpoint: o.label }, 'notifier: endpoint up again');
    } else if (r.retry) {
      failures++;
      if (!down && failures >= o.downAfter) {
        down = true;
        o.log?.warn({ endpoint: o.label, failures, error: r.error }, 'notifier: endpoint down, probing it');
      }
      if (!down) return;
      nextProbeAt = Math.max(nextProbeAt, Date.now() + backoffDelay(probeRound, o.backoffMs, o.maxBackoffMs));
      if (probing) probeRound++;
    }
  };

  const attempt = async (job: Job<T>) => {
    const probing = down;
    attempting++;
    job.attempts++;
    let r: AttemptResult;
    try {
      r = await o.channel.attempt(job.item);
    } catch (err) {
      r = { ok: false, retry: false, error: reasonOf(err) };
    }
    attempting--;
    if (closed || job.state !== 'active') return;
    observe(r, probing);
    if (r.ok) settle(job, { ok: true, status: r.status }, 'sent');
    else if (!r.retry || job.attempts > o.retries) settle(job, { ok: false, status: r.status, error: r.error }, 'failed');
    else {
      job.timer = setTimeout(() => {
        job.timer = undefined;
        job.dueNode = due.push(job);
        pump();
      }, backoffDelay(job.attempts - 1, o.backoffMs, o.maxBackoffMs));
    }
    pump();
  };

  function pump(): void {
    if (closed) return;
    while (active.size < o.concurrency && fresh.length + promoted.length > 0) {
      const job = nextReady()!;
      all.remove(job.allNode!);
      job.allNode = job.laneNode = undefined;
      job.state = 'active';
      active.add(job);
      job.dueNode = due.push(job);
    }
    while (due.length > 0 && attempting < (down ? 1 : o.concurrency)) {
      if (!o.channel.ready(wake)) return;
      if (down && nextProbeAt > Date.now()) {
        probeTimer ??= setTimeout(() => ((probeTimer = undefined), pump()), nextProbeAt - Date.now());
        return;
      }
      const job = due.shift()!;
      job.dueNode = undefined;
      void attempt(job);
    }
  }

  return {
    push(item, orderKey, done) {
      const job: Job<T> = { item, key: orderKey, done, seq: seq++, state: 'queued', attempts: 0 };
      if (closed) return settle(job, { ok: false, error: 'notifier closed' }, 'failed');
      if (all.length >= Math.max(1, o.maxQueue)) settle(all.peek()!, { ok: false, error: 'queue full' }, 'dropped');
      job.allNode = all.push(job);
      if (job.key === undefined || !owner.has(job.key)) {
        if (job.key !== undefined) owner.set(job.key, job);
        job.laneNode = fresh.push(job);
      } else {
        let lane = blocked.get(job.key);
        if (!lane) blocked.set(job.key, (lane = new LinkedQueue()));
        job.laneNode = lane.push(job);
      }
      wake();
    },
    stats: () => ({ queued: all.length, inFlight: active.size, ...counts, down: down || (o.channel.down?.() ?? false) }),
    idle,
    close(error) {
      closed = true;
      clearImmediate(pumpSoon);
      clearTimeout(probeTimer);
      pumpSoon = probeTimer = undefined;
      for (const job of [...active]) settle(job, { ok: false, error }, 'failed');
      for (let job = all.peek(); job; job = all.peek()) settle(job, { ok: false, error }, 'failed');
    },
  };
}
