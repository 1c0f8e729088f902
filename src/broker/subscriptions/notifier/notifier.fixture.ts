/**
 * Test helpers for the notifier: a real HTTP receiver on 127.0.0.1 whose answer (status, delay, or
 * none at all) each test chooses, a port nobody listens on, bounded waiting, delivery builders.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DeliveryOutcome, NotificationDelivery } from './types';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Date.now() when the body was read. */
  at: number;
  /** The status answered. */
  status?: number;
}

/** What the receiver does with a request: answer `status` after `delayMs`, or 'hang' (never answer). */
export type Behaviour = { status?: number; delayMs?: number } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Number of requests that reached the handler (including the ones not answered yet). */
  hits(): number;
  /** Sockets opened so far (keep-alive reuse keeps this low). */
  connections(): number;
  close(): Promise<void>;
}

export async function startReceiver(behave: (r: Received, n: number) => Behaviour = () => ({ status: 204 })): Promise<Receiver> {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let hits = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      const b = behave(r, hits++);
      if (b === 'hang') return;
      const answer = () => {
        r.status = b.status ?? 204;
        received.push(r);
        res.writeHead(b.status ?? 204, { 'Content-Type': 'text/plain' }).end(b.status && b.status >= 400 ? 'nope' : '');
      };
      if (!b.delayMs) return answer();
      const t = setTimeout(() => (timers.delete(t), answer()), b.delayMs);
      timers.add(t);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    hits: () => hits,
    connections: () => connections,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** A loopback port with nobody listening (connections are refused). */
export async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 10));
  }
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** A delivery to `uri` of a small notification numbered `n`. */
export function delivery(uri: string, n: number, extra: Partial<NotificationDelivery> = {}): NotificationDelivery {
  return {
    subscriptionId: 'urn:ngsi-ld:Subscription:test',
    endpoint: { uri },
    headers: { 'Content-Type': 'application/json' },
    body: { id: `urn:ngsi-ld:Notification:${n}`, type: 'Notification', n },
    ...extra,
  };
}

/** Collects outcomes by delivery number. */
export function outcomes() {
  const got = new Map<number, DeliveryOutcome & { doneAt: number }>();
  let calls = 0;
  return {
    got,
    calls: () => calls,
    done: (n: number) => (o: DeliveryOutcome) => {
      calls++;
      got.set(n, { ...o, doneAt: Date.now() });
    },
  };
}

/** A log that records messages. */
export function recordingLog() {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg = '') => void lines.push({ level, msg, obj });
  return { lines, log: { warn: at('warn'), info: at('info'), debug: at('debug') }, count: (m: string) => lines.filter((l) => l.msg.includes(m)).length };
}
