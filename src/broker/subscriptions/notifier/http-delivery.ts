/**
 * HTTP(S) binding of notifications (clause 5.3 and 7.x): one POST per attempt with the notification
 * as JSON, over kept-alive connections, with a deadline that covers connect, request and response.
 * 2xx succeeds; 408, 429, 5xx, network errors and timeouts are worth a retry; anything else is final.
 * The response body is read and discarded so that the socket goes back to the pool.
 */
import http from 'node:http';
import https from 'node:https';
import { reasonOf, type AttemptResult } from './attempt';

export interface HttpDeliveryOptions {
  /** Deadline of one attempt, ms. */
  timeoutMs: number;
  /** Idle kept-alive sockets per origin (default 16). */
  maxFreeSockets?: number;
}

export interface HttpDelivery {
  /** One attempt; never rejects. */
  post(url: URL, headers: Record<string, string>, body: string): Promise<AttemptResult>;
  /** Aborts requests in flight and closes every connection. */
  close(): void;
}

/**
 * What an HTTP status means for a notification.
 * @example
 * statusResult(204) // { ok: true, retry: false, status: 204 }
 * statusResult(503) // { ok: false, retry: true, status: 503, error: 'HTTP 503' }
 * statusResult(404) // { ok: false, retry: false, status: 404, error: 'HTTP 404' }
 */
export function statusResult(status: number): AttemptResult {
  if (status >= 200 && status < 300) return { ok: true, retry: false, status };
  const retry = status === 408 || status === 429 || status >= 500;
  return { ok: false, retry, status, error: `HTTP ${status}` };
}

/**
 * One agent per origin, no socket limit: the endpoint queues bound concurrency, so a slow path of one
 * origin never waits for sockets held by another.
 * @example
 * const h = createHttpDelivery({ timeoutMs: 5000 });
 * const r = await h.post(new URL('http://127.0.0.1:8080/notify'), { 'Content-Type': 'application/json' }, '{}');
 * h.close();
 */
export function createHttpDelivery(o: HttpDeliveryOptions): HttpDelivery {
  const agents = new Map<string, http.Agent>();
  /** Requests in flight, with the function that settles their attempt. */
  const live = new Map<http.ClientRequest, (r: AttemptResult) => void>();
  let closed = false;

  const agentFor = (url: URL): http.Agent => {
    let agent = agents.get(url.origin);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: o.maxFreeSockets ?? 16, scheduling: 'lifo' as const };
      agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      agents.set(url.origin, agent);
    }
    return agent;
  };

  const post = (url: URL, headers: Record<string, string>, body: string) =>
    new Promise<AttemptResult>((resolve) => {
      if (closed) return resolve({ ok: false, retry: false, error: 'notifier closed' });
      let req: http.ClientRequest | undefined;
      let settled = false;
      const finish = (r: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (req) live.delete(req);
        resolve(r);
      };
      const deadline = setTimeout(() => {
        finish({ ok: false, retry: true, error: 'timeout' });
        req?.destroy();
      }, o.timeoutMs);
      try {
        const options = { method: 'POST', agent: agentFor(url), headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } };
        req = (url.protocol === 'https:' ? https : http).request(url, options);
      } catch (err) {
        // invalid header name or value: no attempt will do better
        return finish({ ok: false, retry: false, error: reasonOf(err) });
      }
      live.set(req, finish);
      req.on('response', (res) => {
        const result = statusResult(res.statusCode ?? 0);
        res.on('end', () => finish(result));
        res.on('close', () => finish(result));
        res.on('error', () => finish(result));
        res.resume();
      });
      req.on('error', (err) => finish({ ok: false, retry: true, error: reasonOf(err) }));
      req.end(body);
    });

  return {
    post,
    close() {
      closed = true;
      for (const [req, finish] of live) {
        finish({ ok: false, retry: false, error: 'notifier closed' });
        req.destroy();
      }
      live.clear();
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
