/**
 * Retrieval of one remote @context document over HTTP(S), bounded in time and size. Any failure is an
 * `LdContextNotAvailable` (503) error naming the URL and the reason.
 */
import { ngsiError } from '../errors';

export interface FetchOptions {
  fetchImpl: typeof fetch;
  timeoutMs: number;
  maxBytes: number;
}

export const CONTEXT_ACCEPT = 'application/ld+json, application/json';

/**
 * Fetches `url` and returns its body as text.
 *
 * @example
 * const text = await fetchContextDocument('https://example.org/ctx.jsonld', { fetchImpl: fetch, timeoutMs: 5000, maxBytes: 1 << 20 });
 */
export async function fetchContextDocument(url: string, o: FetchOptions): Promise<string> {
  const fail = (reason: string) => ngsiError('LdContextNotAvailable', `${url}: ${reason}`);
  const signal = AbortSignal.timeout(o.timeoutMs);
  const why = (err: unknown): string =>
    signal.aborted ? `no answer within ${o.timeoutMs} ms` : errorReason(err);

  let res: Response;
  try {
    res = await o.fetchImpl(url, { headers: { Accept: CONTEXT_ACCEPT }, signal, redirect: 'follow' });
  } catch (err) {
    throw fail(why(err));
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw fail(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (declared > o.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw fail(`document larger than ${o.maxBytes} bytes`);
  }
  try {
    return await readLimited(res, o.maxBytes);
  } catch (err) {
    if (err instanceof TooLarge) throw fail(`document larger than ${o.maxBytes} bytes`);
    throw fail(why(err));
  }
}

class TooLarge extends Error {}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `ECONNREFUSED`, `ENOTFOUND`, … when undici gives a cause; duck-typed (errors may come from another realm). */
function errorReason(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { message, cause } = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const detail = cause?.code ?? cause?.message ?? message;
  return typeof detail === 'string' ? detail : String(err);
}
