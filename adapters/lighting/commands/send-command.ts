/**
 * One attempt at a lighting command: the PATCH to the gateway with a deadline, and what its answer
 * means. 200/202 (and any 2xx) acknowledge; 5xx (not 501/505), 408, 425, 429, network errors and the
 * deadline are worth another attempt; any other answer (TALQ 400 headerMissing/payloadError…, 404
 * resourceNotFound, 422, 401/403) is a refusal that no retry will change.
 */
import type { TalqCommandRequest } from './talq-command';

export type AttemptResult =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; reason: string; status?: number };

const RETRIED = new Set([408, 425, 429]);

/** The TALQ error keys of a refusal body (an array of TALQErrorMessage), for the outcome's reason. */
function talqErrors(body: string): string {
  try {
    const list = JSON.parse(body) as unknown;
    if (typeof list === 'string') return list.slice(0, 200);
    if (!Array.isArray(list)) return body.slice(0, 200);
    return (list as Array<{ key?: unknown; message?: unknown }>).slice(0, 3).map((e) => [e?.key, e?.message].filter((x) => typeof x === 'string').join(': ')).filter(Boolean).join('; ');
  } catch {
    return body.slice(0, 200);
  }
}

/**
 * Sends one attempt; never throws.
 * @example
 * const r = await sendTalqCommand(talqCommandRequest({ … }), 5000);
 * if (r.ok) console.log('acknowledged', r.status); else if (!r.retry) console.log('refused:', r.reason);
 */
export async function sendTalqCommand(req: TalqCommandRequest, timeoutMs: number): Promise<AttemptResult> {
  try {
    const res = await fetch(req.url, { method: 'PATCH', headers: req.headers, body: JSON.stringify(req.body), signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const detail = talqErrors(text);
    const reason = `HTTP ${res.status}${detail ? ` ${detail}` : ''}`;
    const retry = (res.status >= 500 && res.status !== 501 && res.status !== 505) || RETRIED.has(res.status);
    return { ok: false, retry, reason, status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
    return { ok: false, retry: true, reason };
  }
}
