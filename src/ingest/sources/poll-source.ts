/**
 * The poll source: fetches a partner document every `everyMs` (a DATEX II publication, a CSV export,
 * a SOAP service) and runs it through its adapter.
 *
 * - One poll at a time: the next starts `everyMs` after the previous one started, or right after it
 *   ended if it took longer; pollNow() during a poll joins it.
 * - An unchanged document is skipped: conditional GET (If-None-Match / If-Modified-Since → 304) and,
 *   for servers without validators, the SHA-256 of the body.
 * - gzip: Content-Encoding gzip is undone by fetch; a body that is itself a .gz file (1f 8b) is gunzipped.
 * - Large documents (over `streamAbove` bytes) go to `adapter.handleStream` when the adapter has one,
 *   spooled to a temporary file on the way (hashed as they come), not held in memory.
 * - A network failure or an HTTP error is logged and retried at the next period; it is not a dead
 *   letter (there is no message). A document the adapter refuses is one, like a webhook body, and so
 *   is a document over `maxBytes` (once per version of it).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip as gunzipCb } from 'node:zlib';
import { asFeedError, deadLetterUnkept, runMessage, runStream, type IngestDeps, type MessageOutcome } from '../run-message';
import type { Adapter, IngestMessage } from '../types';
import { noLog, splitCredentials, type SourceLog } from './log';

const gunzip = promisify(gunzipCb);
const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

export interface PollSourceOptions {
  /** http:// or https:// */
  url: string;
  everyMs: number;
  adapter: Adapter;
  deps: IngestDeps;
  /** Whole request (headers and body), default 30000 ms. */
  timeoutMs?: number;
  /** SOAPAction header of a SOAP 1.1 call. */
  soapAction?: string;
  /** When set, the poll POSTs it as text/xml: a whole envelope, or the Body's content to wrap in one. */
  soapBody?: string;
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** The query the adapter sees, as for a webhook. */
  query?: Record<string, string>;
  log?: SourceLog;
  /** Largest document accepted, in bytes after decompression; default 256 MiB. */
  maxBytes?: number;
  /** Documents above this size go to adapter.handleStream when present; default 1 MiB. */
  streamAbove?: number;
  /**
   * Where the version of the document last handed over (its hash and validators) is kept, so that
   * after a restart an unchanged document is not taken, or dead-lettered, again.
   */
  stateFile?: string;
}

export interface PollSource {
  /** Stops the timer, aborts a running fetch and waits for the poll to end. */
  stop(): Promise<void>;
  /** Polls now (or joins the running poll); undefined when nothing was handed to the adapter. */
  pollNow(): Promise<MessageOutcome | undefined>;
}

/** Names the poll source in the messages it hands over (and so in their dead letters). */
const SOURCE_HEADER = 'x-eclor-poll-source';

/** A URL without its query and credentials (which may hold an API key), with a short id of the whole when they (or a SOAP request) are hidden: what dead letters show. */
function sourceOf(url: string, soapBody?: string): string {
  let shown = url;
  try {
    const u = new URL(url);
    shown = `${u.origin}${u.pathname}`;
  } catch {
    // not a URL: shown as it is
  }
  // two publishers told apart by a hidden query or a SOAP request: a short id of the whole tells them apart
  if (shown === url && soapBody === undefined) return shown;
  return `${shown} (${createHash('sha256').update(`${url}\u0000${soapBody ?? ''}`).digest('hex').slice(0, 8)})`;
}

/** Wraps the content of a SOAP 1.1 Body in an envelope, unless it already is one. */
export function soapEnvelope(body: string): string {
  if (/<([\w-]+:)?Envelope[\s>]/.test(body)) return body;
  return `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/**
 * A document handed to a stream parser in pieces (views, no copy): given whole, the parser would read
 * all of it in one go and hold every record it yields until the writes catch up (a 50 MB DATEX II
 * publication peaked at ~650 MB); in pieces, it waits for the writes between two.
 */
const STREAM_PIECE = 64 * 1024;
function* pieces(body: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

/** A document over `maxBytes`; `version` tells one document from the next: the hash of its first `maxBytes` bytes. */
class TooLarge extends Error {
  constructor(
    message: string,
    readonly version: string,
  ) {
    super(message);
  }
}

/** A fetched document: in memory, or (larger than `spoolAbove`) in a temporary file; `hash` of its bytes as received. */
interface Downloaded {
  body?: Buffer;
  file?: string;
  size: number;
  hash: string;
}

/**
 * The body, at most `max` bytes, hashed as it comes; past `spoolAbove` bytes it goes on into a
 * temporary file, so that a 50 MB publication is not held in memory while it is parsed.
 */
async function download(res: Response, max: number, spoolAbove: number): Promise<Downloaded> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  let file: string | undefined;
  let out: fs.WriteStream | undefined;
  const write = (c: Buffer) => (out!.write(c) ? Promise.resolve() : once(out!, 'drain').then(() => undefined));
  try {
    if (res.body) {
      for await (const c of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
        const chunk = c as Buffer;
        size += chunk.length;
        if (size > max) throw new TooLarge(`document larger than ${max} bytes`, hash.update(chunk.subarray(0, chunk.length - (size - max))).digest('hex'));
        hash.update(chunk);
        if (out) {
          await write(chunk);
          continue;
        }
        chunks.push(chunk);
        if (size <= spoolAbove) continue;
        file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-poll-')), 'document');
        out = fs.createWriteStream(file);
        for (const b of chunks.splice(0)) await write(b);
      }
    }
    if (out) {
      out.end();
      await once(out, 'close');
    }
  } catch (err) {
    out?.destroy();
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    throw err;
  }
  return file ? { file, size, hash: hash.digest('hex') } : { body: Buffer.concat(chunks, size), size, hash: hash.digest('hex') };
}

/** Fails a stream past `max` bytes (a spooled .gz document inflating beyond the limit). */
function capped(max: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > max ? new Error(`document larger than ${max} bytes once inflated`) : null, chunk);
    },
  });
}

/** The first bytes of a file (to tell a .gz document). */
function head(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, fs.readSync(fd, b, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * @example
 * const poll = startPollSource({ url: 'https://partner.example/datex2/parking.xml', everyMs: 60_000, adapter: datex2Adapter, deps: ingest.routes, log });
 * // … at shutdown
 * await poll.stop();
 */
export function startPollSource(o: PollSourceOptions): PollSource {
  const log = o.log ?? noLog;
  // the source as logs and dead letters name it: never its query or credentials (an API key, a password)
  const shown = sourceOf(o.url, o.soapBody);
  // credentials in the URL go as a Basic authorization (fetch refuses a URL that carries them)
  const target = splitCredentials(o.url);
  /** An error's text with the URL in it (some say it) as `shown`. */
  const redact = (text: string): string => text.split(o.url).join(shown).split(target.url).join(shown);
  const { adapter, deps } = o;
  const maxBytes = o.maxBytes ?? 256 * 2 ** 20;
  const streamAbove = o.streamAbove ?? 2 ** 20;
  const stopper = new AbortController();
  let etag: string | undefined;
  let lastModified: string | undefined;
  let lastHash: string | undefined;
  /** The version of a document refused over maxBytes (its first maxBytes bytes' hash). */
  let refusedVersion: string | undefined;
  if (o.stateFile && fs.existsSync(o.stateFile)) {
    try {
      ({ etag, lastModified, lastHash, refusedVersion } = JSON.parse(fs.readFileSync(o.stateFile, 'utf8')) as { etag?: string; lastModified?: string; lastHash?: string; refusedVersion?: string });
    } catch {
      // unreadable: the document is taken once more
    }
  }
  const saveState = () => {
    if (!o.stateFile) return;
    try {
      fs.writeFileSync(`${o.stateFile}.tmp`, JSON.stringify({ url: shown, lastHash, etag, lastModified, refusedVersion }));
      fs.renameSync(`${o.stateFile}.tmp`, o.stateFile);
    } catch (err) {
      log.warn({ url: shown, file: o.stateFile, err: (err as Error).message }, 'poll source: version seen not recorded');
    }
  };
  let failing = false;
  let running: Promise<MessageOutcome | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function fetchDocument(): Promise<{ doc: Downloaded; type: string; params: string; validators: { etag?: string; lastModified?: string } } | undefined> {
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...o.headers };
    if (etag) headers['if-none-match'] = etag;
    if (lastModified) headers['if-modified-since'] = lastModified;
    let body: string | undefined;
    if (o.soapBody !== undefined) {
      body = soapEnvelope(o.soapBody);
      headers['content-type'] ??= 'text/xml; charset=utf-8';
      if (o.soapAction !== undefined) headers.soapaction = `"${o.soapAction}"`;
    }
    const signal = AbortSignal.any([stopper.signal, AbortSignal.timeout(o.timeoutMs ?? 30000)]);
    if (target.authorization && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = target.authorization;
    const res = await fetch(target.url, { method: body === undefined ? 'GET' : 'POST', headers, body, signal });
    if (res.status === 304) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} ${res.statusText}`);
    }
    // a document too large for the adapter to take whole is spooled: it will be streamed
    const doc = await download(res, maxBytes, adapter.handleStream ? streamAbove : Infinity);
    // a .gz document is inflated in memory only for an adapter that cannot stream (a stream inflates as it is read)
    if (doc.body && isGzip(doc.body) && !adapter.handleStream) {
      try {
        doc.body = await gunzip(doc.body, { maxOutputLength: maxBytes });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge(`document larger than ${maxBytes} bytes once inflated`, doc.hash);
        throw err;
      }
    }
    const header = res.headers.get('content-type') ?? '';
    const type = header.split(';')[0].trim().toLowerCase();
    // the parameters (charset) are kept: an adapter may decode the document by them
    const params = header.includes(';') ? header.slice(header.indexOf(';')) : '';
    return { doc, type, params, validators: { etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined } };
  }

  async function hand(doc: Downloaded, type: string, params: string): Promise<MessageOutcome> {
    const contentType = type && adapter.contentTypes.includes(type) ? type : adapter.contentTypes[0] ?? type;
    const base: Omit<IngestMessage, 'body'> = { query: { ...o.query }, headers: { 'content-type': contentType + params, [SOURCE_HEADER]: shown }, receivedAt: new Date().toISOString() };
    const { body, file } = doc;
    const note = `polled document of ${doc.size} bytes from ${shown}: not kept; it is fetched again at the next poll after a failure on our side (5xx), else when it changes`;
    if (body && (!adapter.handleStream || (body.length <= streamAbove && !isGzip(body)))) {
      let text: string;
      try {
        text = adapter.decodeBody ? adapter.decodeBody(body, base.headers) : body.toString('utf8');
      } catch (err) {
        // bytes the adapter cannot read as text (an encoding it does not know, invalid bytes): once per version
        const error = asFeedError(err, 'decode');
        deps.stats.of(adapter.name).received++;
        return { ok: false, error, deadLetter: deadLetterUnkept(adapter, deps, base, contentType, { stage: error.stage, status: error.status, reason: `${error.message} (${note})` }) };
      }
      return runMessage(adapter, { ...base, body: text }, deps, contentType);
    }
    let stream: Readable = body ? Readable.from(pieces(body, STREAM_PIECE)) : fs.createReadStream(file!, { highWaterMark: STREAM_PIECE });
    if (isGzip(body ?? head(file!, 2))) {
      // inflated as it is read; a corrupt or oversized one fails the stream (a dead letter)
      const inflated = capped(maxBytes);
      pipeline(stream, createGunzip(), inflated, () => undefined);
      stream = inflated;
    }
    return runStream(adapter, base, stream, deps, contentType, note);
  }

  async function poll(): Promise<MessageOutcome | undefined> {
    let doc;
    try {
      doc = await fetchDocument();
      if (failing) log.info({ url: shown }, 'poll source: reachable again');
      failing = false;
    } catch (err) {
      if (stopper.signal.aborted) return undefined;
      if (err instanceof TooLarge) return refuseTooLarge(err);
      const e = err as Error & { cause?: Error };
      log.warn({ url: shown, err: redact(e.cause?.message ?? e.message) }, failing ? 'poll source: still failing' : 'poll source: fetch failed, retrying next period');
      failing = true;
      return undefined;
    }
    if (!doc) return undefined;
    try {
      const { hash } = doc.doc;
      if (hash === lastHash) {
        ({ etag, lastModified } = doc.validators);
        return undefined;
      }
      const outcome = await hand(doc.doc, doc.type, doc.params);
      // A broker failure (5xx) leaves the document unseen, so that it is tried again next period.
      if (outcome.ok || outcome.error.status < 500) {
        lastHash = hash;
        ({ etag, lastModified } = doc.validators);
        saveState();
      }
      return outcome;
    } finally {
      if (doc.doc.file) fs.rmSync(path.dirname(doc.doc.file), { recursive: true, force: true });
    }
  }

  /**
   * A document over maxBytes is content, not a network failure: one dead letter (without the body)
   * and a count per version of the document, not one every period.
   */
  function refuseTooLarge(err: TooLarge): undefined {
    failing = false;
    log.warn({ url: shown, err: err.message }, 'poll source: document refused (maxBytes)');
    if (err.version === refusedVersion) return undefined;
    refusedVersion = err.version;
    saveState();
    deps.stats.of(adapter.name).received++;
    const reason = `${err.message} (maxBytes of this poll source): polled from ${shown}, not kept; raise maxBytes or ask the publisher for a smaller document`;
    const message = { query: { ...o.query }, headers: { [SOURCE_HEADER]: shown }, receivedAt: new Date().toISOString() };
    deadLetterUnkept(adapter, deps, message, adapter.contentTypes[0] ?? '', { stage: 'decode', status: 413, reason });
    return undefined;
  }

  function pollNow(): Promise<MessageOutcome | undefined> {
    if (stopper.signal.aborted) return Promise.resolve(undefined);
    running ??= poll().finally(() => (running = undefined));
    return running;
  }

  async function loop() {
    const started = Date.now();
    try {
      await pollNow();
    } catch (err) {
      // Only a failing dead-letter store gets here: keep polling.
      log.warn({ url: shown, err: redact((err as Error).message) }, 'poll source: poll failed');
    }
    if (!stopper.signal.aborted) timer = setTimeout(loop, Math.max(0, o.everyMs - (Date.now() - started)));
  }
  void loop();

  return {
    pollNow,
    async stop() {
      stopper.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
