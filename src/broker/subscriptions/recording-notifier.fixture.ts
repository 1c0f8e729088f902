/** Test helpers: a Notifier that records deliveries (and answers with a chosen outcome), and an app wired with it. */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../create-broker';
import { createApp } from '../../http/server';
import { createContextResolver } from '../../ngsi-ld/context';
import { projectRoot } from '../../project-root';
import type { DeliveryOutcome, NotificationDelivery, Notifier } from './notifier/types';

export interface RecordingNotifier extends Notifier {
  sent: NotificationDelivery[];
  /** Whether the next deliveries succeed (default true). */
  ok: boolean;
  /** Resolves when at least `n` deliveries were recorded, or rejects after `ms`. */
  waitFor(n: number, ms?: number): Promise<NotificationDelivery[]>;
}

export function recordingNotifier(): RecordingNotifier {
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const r: RecordingNotifier = {
    sent: [],
    ok: true,
    send(d, done) {
      r.sent.push(d);
      const outcome: DeliveryOutcome = r.ok ? { ok: true, at: new Date().toISOString(), attempts: 1, status: 200 } : { ok: false, at: new Date().toISOString(), attempts: 1, error: 'HTTP 500', status: 500 };
      setImmediate(() => done?.(outcome));
      for (const w of waiters.filter((x) => r.sent.length >= x.n)) w.resolve();
    },
    stats: () => ({ queued: 0, inFlight: 0, sent: r.sent.length, failed: 0, dropped: 0, endpoints: {} }),
    close: async () => undefined,
    waitFor(n, ms = 2000) {
      if (r.sent.length >= n) return Promise.resolve(r.sent);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${n} notifications, got ${r.sent.length}`)), ms);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(r.sent)) });
      });
    },
  };
  return r;
}

export interface SubTestApp {
  app: FastifyInstance;
  broker: ReturnType<typeof createBroker>;
  notifier: RecordingNotifier;
  close(): Promise<void>;
}

/** The real application in-process (fastify inject) with a recording notifier. */
export async function subscriptionTestApp(o: { dataDir?: string; now?: () => string } = {}): Promise<SubTestApp> {
  const notifier = recordingNotifier();
  const contexts = createContextResolver({ fetchTimeoutMs: 2000 });
  const broker = createBroker({ dataDir: o.dataDir ?? ':memory:', notifier, contexts, now: o.now });
  const app = await createApp({ broker, contexts, maxBody: 2 * 1024 * 1024, log: pino({ level: 'silent' }), root: projectRoot() });
  await broker.subscriptions.ready;
  return {
    app,
    broker,
    notifier,
    close: async () => {
      await app.close();
      broker.close();
    },
  };
}

/** Lets queued setImmediate work (matching) run. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
