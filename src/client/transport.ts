/**
 * The client's HTTP transport (axios, kept-alive connections): one request, retried with
 * exponential backoff and ±50 % jitter on 5xx (not 501), 429, network errors and timeouts. Any other answer,
 * 4xx included, is returned to the caller, who decides what it means for its operation.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { ERROR_TYPE_BASE, type ProblemDetails } from '../ngsi-ld/errors';
import { backoffDelay } from './backoff';
import { NgsiLdClientError, type ClientLog, type RetryInfo } from './types';

export interface TransportOptions {
  /** Root of the NGSI-LD API, e.g. `http://orion:1026/ngsi-ld/v1`. */
  apiBase: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  log?: ClientLog;
}

export interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the API root, e.g. `/entityOperations/upsert`. */
  path: string;
  /** Query parameters, already strings. */
  params?: Record<string, string>;
  headers: Record<string, string>;
  data?: unknown;
  onRetry?: (r: RetryInfo) => void;
}

export interface Response {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

export interface Transport {
  send(req: Request): Promise<Response>;
  close(): void;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Query string with every reserved character percent-encoded (spaces as %20, not '+'). */
function queryString(params: Record<string, string> | undefined): string {
  const parts = Object.entries(params ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * The broker's ProblemDetails, or one made from the status when the body is not one.
 * @example
 * problemOf(404, '') // { type: '…/ResourceNotFound', title: 'HTTP 404', status: 404, detail: '' }
 */
export function problemOf(status: number, body: unknown): ProblemDetails {
  if (typeof body === 'object' && body !== null && typeof (body as ProblemDetails).type === 'string') {
    const p = body as Partial<ProblemDetails>;
    return { type: p.type!, title: String(p.title ?? `HTTP ${status}`), status: typeof p.status === 'number' ? p.status : status, detail: String(p.detail ?? '') };
  }
  const name = status === 404 ? 'ResourceNotFound' : status >= 500 ? 'InternalError' : 'BadRequestData';
  const detail = typeof body === 'string' ? body.slice(0, 500) : body === undefined ? '' : JSON.stringify(body).slice(0, 500);
  return { type: ERROR_TYPE_BASE + name, title: `HTTP ${status}`, status, detail };
}

/** 5xx (but 501 Not Implemented and 505, which do not change) and 429 Too Many Requests. */
const retryable = (status: number) => (status >= 500 && status !== 501 && status !== 505) || status === 429;

/** Why an axios error happened, and whether it was the deadline. */
function failureOf(err: unknown): { reason: string; code?: string } {
  if (axios.isCancel(err)) return { reason: 'timeout', code: 'ETIMEDOUT' };
  if (axios.isAxiosError(err)) {
    const code = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : err.code;
    return { reason: code === 'ETIMEDOUT' ? 'timeout' : `${code ?? 'network error'}: ${err.message}`, code };
  }
  return { reason: String(err) };
}

/**
 * @example
 * const t = createTransport({ apiBase: 'http://orion:1026/ngsi-ld/v1', timeoutMs: 5000, retries: 3, backoffMs: 100 });
 * const res = await t.send({ method: 'GET', path: '/entities', params: { type: 'Device' }, headers: {} });
 */
export function createTransport(o: TransportOptions): Transport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  const ax: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    validateStatus: () => true,
    // socket inactivity (axios) and a hard deadline for the whole exchange (signal, per attempt)
    timeout: o.timeoutMs,
  });

  async function send(req: Request): Promise<Response> {
    const url = o.apiBase + req.path + queryString(req.params);
    const attempts = 1 + o.retries;
    for (let attempt = 1; ; attempt++) {
      let failure: { reason: string; code?: string; status?: number; problem?: ProblemDetails };
      try {
        const res = await ax.request({ method: req.method, url, headers: req.headers, data: req.data, signal: AbortSignal.timeout(o.timeoutMs) });
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v === undefined || v === null ? undefined : String(v);
        if (!retryable(res.status)) return { status: res.status, headers, data: res.data };
        failure = { reason: `HTTP ${res.status}`, status: res.status, problem: problemOf(res.status, res.data) };
      } catch (err) {
        failure = failureOf(err);
      }
      if (attempt >= attempts) {
        throw new NgsiLdClientError(`${req.method} ${url} failed after ${attempt} attempt(s): ${failure.reason}`, { ...failure, attempts: attempt });
      }
      const delayMs = backoffDelay(attempt - 1, o.backoffMs, Infinity);
      o.log?.warn({ url, attempt, delayMs, reason: failure.reason }, 'NGSI-LD broker request failed, retrying');
      req.onRetry?.({ attempt, delayMs, reason: failure.reason });
      await sleep(delayMs);
    }
  }

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
