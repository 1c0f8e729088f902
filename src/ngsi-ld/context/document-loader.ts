/**
 * Remote @context documents by URL: memory (LRU) → request already in flight → disk cache → HTTP.
 * A URL is fetched once per process (concurrent callers share the request) and once per cache
 * directory (a restart reads the disk). Failures are not cached: the next request retries.
 */
import { ngsiError } from '../errors';
import { readCachedDocument, writeCachedDocument } from './disk-cache';
import { fetchContextDocument, type FetchOptions } from './fetch-remote';
import { describe, isPlainObject } from './json';
import { Lru } from './lru';

export interface DocumentLoaderOptions extends FetchOptions {
  cacheDir?: string;
  cacheSize: number;
  log?: { warn(obj: object, msg: string): void };
}

export interface DocumentLoader {
  /** The `@context` value of an already loaded document, without I/O. */
  peek(url: string): unknown;
  /** The `@context` value of the document at `url`. */
  load(url: string): Promise<unknown>;
}

/**
 * The `@context` member of a retrieved document; BadRequestData when the text is not JSON, has no
 * `@context`, or that is not a string, an object or an array.
 *
 * @example
 * parseContextDocument('https://x/ctx', '{"@context":{"a":"http://x/a"}}') // { a: 'http://x/a' }
 */
export function parseContextDocument(url: string, text: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw ngsiError('BadRequestData', `${url}: the @context document is not valid JSON`);
  }
  if (!isPlainObject(doc) || !Object.prototype.hasOwnProperty.call(doc, '@context')) {
    throw ngsiError('BadRequestData', `${url}: the document has no @context member`);
  }
  const ctx = doc['@context'];
  if (typeof ctx === 'string' || Array.isArray(ctx) || isPlainObject(ctx)) return ctx;
  throw ngsiError('BadRequestData', `${url}: @context must be a string, an object or an array, got ${describe(ctx)}`);
}

/**
 * Creates a loader; see the module comment for the lookup order.
 *
 * @example
 * const loader = createDocumentLoader({ fetchImpl: fetch, timeoutMs: 5000, maxBytes: 1 << 20, cacheSize: 256 });
 * const ctx = await loader.load('https://example.org/ctx.jsonld');
 */
export function createDocumentLoader(o: DocumentLoaderOptions): DocumentLoader {
  const memory = new Lru<string, unknown>(o.cacheSize);
  const inFlight = new Map<string, Promise<unknown>>();

  async function fromDisk(url: string): Promise<unknown> {
    if (o.cacheDir === undefined) return undefined;
    try {
      const text = await readCachedDocument(o.cacheDir, url);
      return text === undefined ? undefined : parseContextDocument(url, text);
    } catch (err) {
      o.log?.warn({ url, cacheDir: o.cacheDir, err: String(err) }, 'unusable cached @context document, fetching it again');
      return undefined;
    }
  }

  async function loadUncached(url: string): Promise<unknown> {
    const cached = await fromDisk(url);
    if (cached !== undefined) return cached;
    const text = await fetchContextDocument(url, o);
    const ctx = parseContextDocument(url, text);
    if (o.cacheDir !== undefined) {
      await writeCachedDocument(o.cacheDir, url, text).catch((err: unknown) =>
        o.log?.warn({ url, cacheDir: o.cacheDir, err: String(err) }, 'cannot write @context disk cache'),
      );
    }
    return ctx;
  }

  return {
    peek: (url) => memory.get(url),
    load(url) {
      const hit = memory.get(url);
      if (hit !== undefined) return Promise.resolve(hit);
      let pending = inFlight.get(url);
      if (pending === undefined) {
        pending = loadUncached(url)
          .then((ctx) => {
            memory.set(url, ctx);
            return ctx;
          })
          .finally(() => inFlight.delete(url));
        inFlight.set(url, pending);
      }
      return pending;
    },
  };
}
