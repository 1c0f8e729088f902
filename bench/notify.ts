/**
 * Notification bench (issue 4): latency from an entity update to the HTTP receipt of its notification,
 * with 100 subscriptions and a paced load of 500 updates/s (target p99 ≤ 50 ms, none lost, in order).
 *
 * Setup: a fresh server (child process), 1,000 `BenchSensor` entities in 100 groups, 100 subscriptions
 * (`type=BenchSensor`, `q=group==<g>`, watching `seq`), each to its own endpoint path on one loopback
 * receiver in this process. Every update of an entity therefore matches exactly one subscription out of
 * the 100 the broker has to evaluate. Updates are sent at a fixed pace (ticks of 10 ms) over kept-alive
 * connections; each carries a sequence number, and the receiver records when each one arrives.
 * Latency = receipt time − the time the update request was sent.
 */
import http from 'node:http';
import { startServer } from './server';

const GROUPS = 100;
const ENTITIES = 1000;
const TICK_MS = 10;

export interface NotifyResult {
  subscriptions: number;
  rate: number;
  seconds: number;
  updates: number;
  updateErrors: number;
  received: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  updateAckMs: { p50: number; p99: number };
}

const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const round = (n: number): number => Math.round(n * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const idOf = (i: number): string => `urn:ngsi-ld:BenchSensor:bench:${i}`;

interface Receiver {
  port: number;
  /** seq → receipt time (ms, performance.now()). */
  arrivals: Map<number, number>;
  duplicates: number;
  outOfOrder: number;
  close(): Promise<void>;
}

function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<number, number>();
  const lastSeq = new Map<string, number>();
  const r = { duplicates: 0, outOfOrder: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      res.writeHead(204).end();
      try {
        const n = JSON.parse(Buffer.concat(chunks).toString()) as { data?: Array<{ id: string; seq?: { value?: number } | number }> };
        for (const e of n.data ?? []) {
          const seq = typeof e.seq === 'number' ? e.seq : e.seq?.value;
          if (typeof seq !== 'number') continue;
          if (arrivals.has(seq)) r.duplicates++;
          else arrivals.set(seq, now);
          if ((lastSeq.get(e.id) ?? -1) > seq) r.outOfOrder++;
          lastSeq.set(e.id, seq);
        }
      } catch {
        /* counted as lost */
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        arrivals,
        get duplicates() {
          return r.duplicates;
        },
        get outOfOrder() {
          return r.outOfOrder;
        },
        close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
      });
    }),
  );
}

function request(agent: http.Agent, base: string, method: string, path: string, body?: unknown): Promise<number> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Runs the scenario against a fresh server; `rate` updates/s for `seconds`.
 * @example
 * const r = await notifyRun(projectRoot(), { rate: 500, seconds: 20 });
 * console.log(r.latencyMs.p99, r.lost);
 */
export async function notifyRun(root: string, o: { rate?: number; seconds?: number } = {}): Promise<NotifyResult> {
  const rate = o.rate ?? 500;
  const seconds = o.seconds ?? 20;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const receiver = await startReceiver();
  const server = await startServer(root, [], 30_000);
  try {
    const entities = Array.from({ length: ENTITIES }, (_, i) => ({ id: idOf(i), type: 'BenchSensor', group: { type: 'Property', value: i % GROUPS }, seq: { type: 'Property', value: -1 } }));
    for (let i = 0; i < ENTITIES; i += 100) {
      const s = await request(agent, server.base, 'POST', '/ngsi-ld/v1/entityOperations/upsert', entities.slice(i, i + 100));
      if (s !== 201 && s !== 204) throw new Error(`seeding BenchSensor entities: HTTP ${s}`);
    }
    for (let g = 0; g < GROUPS; g++) {
      const s = await request(agent, server.base, 'POST', '/ngsi-ld/v1/subscriptions', {
        id: `urn:ngsi-ld:Subscription:bench:${g}`,
        type: 'Subscription',
        entities: [{ type: 'BenchSensor' }],
        q: `group==${g}`,
        watchedAttributes: ['seq'],
        notification: { attributes: ['seq'], format: 'normalized', endpoint: { uri: `http://127.0.0.1:${receiver.port}/notify/${g}`, accept: 'application/json' } },
      });
      if (s !== 201) throw new Error(`creating subscription ${g}: HTTP ${s}`);
    }
    const total = rate * seconds;
    const perTick = rate * (TICK_MS / 1000);
    const sentAt = new Array<number>(total);
    const acks: number[] = [];
    let errors = 0;
    const inflight: Promise<void>[] = [];
    const t0 = performance.now();
    let seq = 0;
    // paced: at tick k, updates up to (k+1)·perTick have been sent; bounded by `total`
    for (let tick = 0; seq < total && tick < total; tick++) {
      const due = Math.min(total, Math.round((tick + 1) * perTick));
      for (; seq < due; seq++) {
        const n = seq;
        const id = idOf(n % ENTITIES);
        sentAt[n] = performance.now();
        inflight.push(
          request(agent, server.base, 'PATCH', `/ngsi-ld/v1/entities/${encodeURIComponent(id)}/attrs`, { seq: { type: 'Property', value: n } }).then(
            (s) => {
              if (s === 204) acks.push(performance.now() - sentAt[n]);
              else errors++;
            },
            () => void errors++,
          ),
        );
      }
      const wait = t0 + (tick + 1) * TICK_MS - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all(inflight);
    // notifications still on their way: wait until all arrived or 10 s of silence
    for (let i = 0, last = -1; i < 100 && receiver.arrivals.size < total - errors; i++) {
      if (receiver.arrivals.size === last && i > 20) break;
      last = receiver.arrivals.size;
      await sleep(100);
    }
    const latencies: number[] = [];
    for (const [n, at] of receiver.arrivals) if (sentAt[n] !== undefined) latencies.push(at - sentAt[n]);
    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    return {
      subscriptions: GROUPS,
      rate,
      seconds,
      updates: total,
      updateErrors: errors,
      received: receiver.arrivals.size,
      lost: total - errors - receiver.arrivals.size,
      duplicates: receiver.duplicates,
      outOfOrder: receiver.outOfOrder,
      latencyMs: { p50: round(pct(latencies, 50)), p95: round(pct(latencies, 95)), p99: round(pct(latencies, 99)), max: round(latencies[latencies.length - 1] ?? NaN) },
      updateAckMs: { p50: round(pct(acks, 50)), p99: round(pct(acks, 99)) },
    };
  } finally {
    agent.destroy();
    await server.stop();
    await receiver.close();
  }
}
