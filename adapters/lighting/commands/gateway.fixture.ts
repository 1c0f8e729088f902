/**
 * Test helper: a real HTTP server on loopback standing in for a TALQ gateway. It records every
 * request and answers as told: by default 200; `plan` answers the n-th request (from 0) with a
 * status, a body and an optional delay (to make the client time out).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  delayMs?: number;
}

export interface FakeGateway {
  url: string;
  requests: GatewayRequest[];
  /** How the next requests are answered (the index counts every request from 0). */
  plan: (i: number, req: GatewayRequest) => Answer;
  /** Resolves once `n` requests have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<GatewayRequest[]>;
  close(): Promise<void>;
}

/**
 * @example
 * const gw = await startFakeGateway();
 * gw.plan = (i) => (i < 2 ? { status: 503 } : { status: 200 });
 */
export async function startFakeGateway(): Promise<FakeGateway> {
  const waiters: Array<{ n: number; ok: (r: GatewayRequest[]) => void }> = [];
  const gw: FakeGateway = {
    url: '',
    requests: [],
    plan: () => ({ status: 200 }),
    waitFor(n, timeoutMs = 10000) {
      if (gw.requests.length >= n) return Promise.resolve(gw.requests);
      return new Promise((ok, ko) => {
        const t = setTimeout(() => ko(new Error(`fake gateway: ${gw.requests.length} of ${n} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, ok: (r) => (clearTimeout(t), ok(r)) });
      });
    },
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const r: GatewayRequest = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, at: Date.now() };
      const answer = gw.plan(gw.requests.length, r);
      gw.requests.push(r);
      for (const w of waiters.filter((x) => gw.requests.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.ok(gw.requests);
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gw;
}
