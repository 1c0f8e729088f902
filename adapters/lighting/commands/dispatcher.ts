/**
 * Per-lamp command lanes: each lamp (key) has at most one command being sent and one waiting. A new
 * target for a lamp supersedes the waiting one, and the one being sent stops at its next retry: its
 * attempt in flight (if any) finishes first, so the gateway never gets a stale command after a fresh
 * one, and commands of one lamp go out in order. Lamps run in parallel, at most `maxConcurrent`
 * attempts at a time. A command is retried with exponential backoff and ±50 % jitter until it is
 * acknowledged, refused, superseded, or `giveUpMs` has passed (then it has failed).
 */
import { backoffDelay } from '../../../src/client';
import type { AttemptResult } from './send-command';

export type CommandResult =
  | { state: 'acknowledged'; attempts: number; status: number }
  | { state: 'failed'; attempts: number; reason: string }
  | { state: 'superseded'; attempts: number };

export interface DispatcherOptions {
  maxConcurrent: number;
  backoffMs: number;
  maxBackoffMs: number;
  giveUpMs: number;
  /** Hard bound on attempts per command, whatever the timings (default 1000). */
  maxAttempts?: number;
  /** Called before each retry wait (the controller records `pending` with the reason). */
  onRetry?: (key: string, attempt: number, reason: string, delayMs: number) => void;
  /** For tests: jitter source in [0, 1). */
  random?: () => number;
}

/** One attempt of a command; `n` counts from 1. */
export type Attempt = (n: number) => Promise<AttemptResult>;

export interface Dispatcher {
  /**
   * Queues a command for a lamp; resolves when it is acknowledged, failed or superseded.
   * @example
   * const r = await dispatcher.submit(lampId, (n) => sendTalqCommand(request(), 5000));
   * if (r.state === 'failed') console.warn(r.reason);
   */
  submit(key: string, attempt: Attempt): Promise<CommandResult>;
  /** Lamps with a command being sent or waiting. */
  busy(): number;
  /** Resolves once no command is left (bounded by the give-up time of the last one). */
  idle(): Promise<void>;
  /** Stops: waiting and retrying commands end as failed ('stopped'); attempts in flight finish. */
  stop(): void;
}

interface Job {
  attempt: Attempt;
  resolve: (r: CommandResult) => void;
  superseded: boolean;
  wake?: () => void;
}

interface Lane {
  running?: Job;
  next?: Job;
}

/**
 * @example
 * const d = createDispatcher({ maxConcurrent: 8, backoffMs: 500, maxBackoffMs: 30000, giveUpMs: 600000 });
 */
export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const lanes = new Map<string, Lane>();
  const random = o.random ?? Math.random;
  const maxAttempts = o.maxAttempts ?? 1000;
  let stopped = false;
  let active = 0;
  const waiting: Array<() => void> = [];
  const idlers: Array<() => void> = [];

  const acquire = (): Promise<void> => {
    if (active < o.maxConcurrent) {
      active++;
      return Promise.resolve();
    }
    return new Promise((ok) => waiting.push(ok));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  /** Waits `ms`, or less when the job is superseded or the dispatcher stops. */
  const pause = (job: Job, ms: number) =>
    new Promise<void>((ok) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        job.wake = undefined;
        ok();
      }
      job.wake = done;
    });

  async function execute(key: string, job: Job): Promise<CommandResult> {
    const started = Date.now();
    let reason = '';
    for (let n = 1; n <= maxAttempts; n++) {
      if (job.superseded) return { state: 'superseded', attempts: n - 1 };
      if (stopped) return { state: 'failed', attempts: n - 1, reason: `stopped${reason ? ` (last: ${reason})` : ''}` };
      await acquire();
      let r: AttemptResult;
      try {
        if (job.superseded) return { state: 'superseded', attempts: n - 1 };
        r = await job.attempt(n);
      } finally {
        release();
      }
      if (r.ok) return { state: 'acknowledged', attempts: n, status: r.status };
      reason = r.reason;
      if (!r.retry) return { state: 'failed', attempts: n, reason: `refused by the gateway: ${r.reason}` };
      const delay = backoffDelay(n - 1, o.backoffMs, o.maxBackoffMs, random);
      if (Date.now() - started + delay > o.giveUpMs) return { state: 'failed', attempts: n, reason: `not acknowledged after ${n} attempt(s) in ${Math.round((Date.now() - started) / 1000)} s: ${r.reason}` };
      if (job.superseded) return { state: 'superseded', attempts: n };
      o.onRetry?.(key, n, r.reason, delay);
      await pause(job, delay);
    }
    return { state: 'failed', attempts: maxAttempts, reason: `not acknowledged after ${maxAttempts} attempts: ${reason}` };
  }

  async function drain(key: string, lane: Lane) {
    while (lane.running) {
      const job = lane.running;
      job.resolve(await execute(key, job));
      lane.running = lane.next;
      lane.next = undefined;
    }
    lanes.delete(key);
    if (lanes.size === 0) idlers.splice(0).forEach((ok) => ok());
  }

  return {
    submit(key, attempt) {
      return new Promise<CommandResult>((resolve) => {
        const job: Job = { attempt, resolve, superseded: false };
        if (stopped) return resolve({ state: 'failed', attempts: 0, reason: 'stopped' });
        const lane = lanes.get(key);
        if (!lane) {
          const fresh: Lane = { running: job };
          lanes.set(key, fresh);
          void drain(key, fresh);
          return;
        }
        if (lane.next) lane.next.resolve({ state: 'superseded', attempts: 0 });
        else if (lane.running) {
          lane.running.superseded = true;
          lane.running.wake?.();
        }
        lane.next = job;
      });
    },
    busy: () => lanes.size,
    idle: () => (lanes.size === 0 ? Promise.resolve() : new Promise<void>((ok) => idlers.push(ok))),
    stop() {
      stopped = true;
      for (const lane of lanes.values()) {
        lane.next?.resolve({ state: 'failed', attempts: 0, reason: 'stopped' });
        lane.next = undefined;
        lane.running?.wake?.();
      }
    },
  };
}
