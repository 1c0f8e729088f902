/**
 * The ingest HTTP surface, on the fastify side of the server: one webhook per adapter under
 * /ingest/…, the dead letters (list, read, replay, delete) and the counters. Bodies are raw text (or a
 * stream for large publications), so these routes live in their own fastify context with their own
 * content-type handling; errors answer as ProblemDetails with the stage and the dead-letter id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { errorTypeOf } from '../ngsi-ld/errors';
import type { DeadLetterStore } from './dead-letters';
import type { PartStore } from './parts';
import type { AdapterStats, IngestStats } from './stats';
import { replay } from './replay';
import { asFeedError, deadLetterUnkept, refusalStage, refuseMessage, runMessage, runStream, type IngestDeps, type MessageOutcome } from './run-message';
import { FeedError, MAPPING_ADAPTER_PREFIX, type Adapter, type IngestProblem } from './types';

/**
 * A webhook for notifications to this process (e.g. the NGSI-LD notifications that drive partner
 * commands): JSON bodies, answered 204 at once and handled asynchronously by `accept`, which returns
 * false when nothing handles them yet (answered 503, the sender retries).
 */
export interface NotificationRoute {
  /** Under /ingest, e.g. '/ingest/lighting/talq/notifications'. */
  path: string;
  accept(body: unknown): boolean;
}

export interface IngestRoutesOptions extends IngestDeps {
  adapters: Adapter[];
  /** Notification endpoints (see NotificationRoute). */
  notifications?: NotificationRoute[];
  maxBody: number;
  /**
   * Declarative adapters (mappings) that can change without restart: looked up at each request by
   * name; `status` (GET /ingest/mappings) says what the last reload loaded and refused.
   */
  mappings?: { get(name: string): Adapter | undefined; status?(): { loaded: string[]; errors: Array<{ file: string; error: string; kept?: string }> } };
}


const KEPT_HEADERS = ['content-type', 'talq-api-version', 'user-agent', 'x-request-id'];

function mediaType(req: FastifyRequest): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function problem(reply: FastifyReply, status: number, title: string, detail: string, extra: Record<string, unknown> = {}, adapter?: Adapter) {
  const body: IngestProblem = { type: errorTypeOf(status), title, status, detail, ...extra };
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(JSON.stringify(adapter?.errorBody ? adapter.errorBody(body) : body));
}

/** Reads a stream, refusing more than `max` bytes (after decompression). */
function readBytes(stream: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        stream.off('data', onData);
        stream.resume(); // drain the rest unread
        reject(new FeedError('decode', `body larger than ${max} bytes`, 413));
        return;
      }
      chunks.push(c);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    stream.once('error', reject);
  });
}

const readText = async (stream: Readable, max: number): Promise<string> => (await readBytes(stream, max)).toString('utf8');

/**
 * The request body decompressed as its Content-Encoding says (gzip, deflate, br; TALQ gateways may
 * compress): undefined `encoded` for none, FeedError 415 for a coding we do not know.
 */
function decodedBody(req: FastifyRequest): { stream: Readable | undefined; encoded: boolean } {
  const body = req.body as Readable | undefined;
  const coding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!body || coding === '' || coding === 'identity') return { stream: body, encoded: false };
  const make = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }[coding];
  if (!make) throw new FeedError('decode', `Content-Encoding '${coding.slice(0, 40)}' is not supported (gzip, deflate, br or none)`, 415);
  const inflate = make();
  body.on('error', (err) => inflate.destroy(err));
  const inflated = body.pipe(inflate);
  // a corrupt stream is the sender's error (400), not ours
  const checked = (async function* () {
    try {
      for await (const c of inflated) yield c as Buffer;
    } catch (err) {
      throw new FeedError('decode', `the body is not valid ${coding} data: ${(err as Error).message}`, 400);
    }
  })();
  return { stream: Readable.from(checked), encoded: true };
}

/** Nothing written because every entity is older than what the broker holds: the 409 detail, else undefined. */
function allOutOfOrder(out: MessageOutcome & { ok: true }): string | undefined {
  if (!out.rejected.length || out.writtenCount !== 0 || out.heldCount || !out.rejected.every((r) => r.outOfOrder)) return undefined;
  return `nothing written: every entity is older than what the broker holds (${out.rejected[0].reason})`;
}

function answer(reply: FastifyReply, adapter: Adapter, out: MessageOutcome, deadLetters?: DeadLetterStore) {
  if (!out.ok) {
    const partly = { ...(out.writtenCount ? { written: out.written, ...count({ written: out.written ?? [], writtenCount: out.writtenCount }) } : {}), ...waiting(out) };
    return problem(reply, out.error.status, `Message rejected at the ${out.error.stage} stage`, out.error.message, { stage: out.error.stage, deadLetter: out.deadLetter, ...partly }, adapter);
  }
  const late = allOutOfOrder(out);
  // the whole message is older than what the broker holds: nothing written, each entity a dead letter
  if (late) return problem(reply, 409, 'Message out of order', late, { stage: 'validate', rejected: out.rejected }, adapter);
  // nothing written: a 2xx would tell the sender its message was delivered
  if (out.rejected.length && out.writtenCount === 0 && !out.heldCount) {
    const detail = `nothing written: ${out.rejected.length === 1 ? 'the entity was' : `the ${out.rejected.length} entities were`} refused (${out.rejected[0].reason})`;
    const stage = deadLetters ? refusalStage(out, deadLetters) : 'validate';
    return problem(reply, 422, 'Message rejected', detail, { stage, rejected: out.rejected }, adapter);
  }
  if (out.rejected.length) {
    return reply.code(207).header('content-type', 'application/json').send(JSON.stringify({ written: out.written, ...count(out), ...waiting(out), rejected: out.rejected }));
  }
  // parts kept until their entity is complete (Adapter.requires): accepted, not all written yet
  if (out.heldCount) return reply.code(202).header('content-type', 'application/json').send(JSON.stringify({ written: out.written, ...count(out), ...waiting(out) }));
  const status = adapter.successStatus ?? 204;
  // acknowledged, nothing to write (a join event, a keep-alive): a 200 that says why, not a silent 204
  if (status === 204 && out.ignored && out.writtenCount === 0) return reply.code(200).header('content-type', 'application/json').send(JSON.stringify({ written: [], ignored: out.ignored }));
  if (status === 204) return reply.code(204).send();
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify({ written: out.written, ...count(out), ignored: out.ignored }));
}

/** The entities kept waiting for the members their type requires (`heldCount` when `held` does not list them all). */
const waiting = (out: { held?: string[]; heldCount?: number }) =>
  out.heldCount ? { held: out.held, ...(out.heldCount > (out.held ?? []).length ? { heldCount: out.heldCount } : {}) } : {};

/** `writtenCount`, when `written` does not list every id (a streamed document). */
const count = (out: { written: string[]; writtenCount: number }) => (out.writtenCount > out.written.length ? { writtenCount: out.writtenCount } : {});

async function webhook(adapter: Adapter, o: IngestRoutesOptions, req: FastifyRequest, reply: FastifyReply) {
  const type = mediaType(req);
  // a body of another media type is read all the same, and kept with the refusal: sent again with the
  // right type, or replayed, it may be fine
  const wrongType = adapter.contentTypes.includes(type) ? undefined : `${adapter.path} takes ${adapter.contentTypes.join(', ')}, not ${type ? `'${type}'` : 'a body without Content-Type'}`;
  const headers = Object.fromEntries(KEPT_HEADERS.map((h) => [h, req.headers[h] as string | undefined]).filter(([, v]) => v !== undefined));
  const base = { query: { ...(req.query as Record<string, string>) }, headers, receivedAt: new Date().toISOString() };
  const length = Number(req.headers['content-length'] ?? NaN);
  let body: string;
  try {
    const { stream, encoded } = decodedBody(req);
    // a compressed body's size is known only once inflated: documents that can stream always do
    if (!wrongType && adapter.handleStream && stream && (encoded || !(length <= o.maxBody))) {
      const note = 'streamed document: the body is not kept, ask the publisher to send it again';
      return answer(reply, adapter, await runStream(adapter, base, stream, o, type, note), o.deadLetters);
    }
    const bytes = stream ? await readBytes(stream, o.maxBody) : Buffer.alloc(0);
    body = adapter.decodeBody && !wrongType ? adapter.decodeBody(bytes, headers) : bytes.toString('utf8');
  } catch (err) {
    // refused before it was read whole (too large, badly compressed): a dead letter without the body
    const e = asFeedError(err, 'decode');
    o.stats.of(adapter.name).received++;
    const reason = `${e.message} (the body was not kept, ask the sender to send it again)`;
    const deadLetter = deadLetterUnkept(adapter, o, base, type, { stage: e.stage, status: e.status, reason });
    return problem(reply, e.status, 'Body refused', e.message, { stage: e.stage, deadLetter }, adapter);
  }
  if (wrongType) return answer(reply, adapter, refuseMessage(adapter, { ...base, body }, o, type, new FeedError('decode', wrongType, 415)), o.deadLetters);
  return answer(reply, adapter, await runMessage(adapter, { ...base, body }, o, type), o.deadLetters);
}

async function notification(route: NotificationRoute, o: IngestRoutesOptions, req: FastifyRequest, reply: FastifyReply) {
  const type = mediaType(req);
  if (type !== 'application/json' && type !== 'application/ld+json') return problem(reply, 415, 'Unsupported media type', `${route.path} takes application/json or application/ld+json, not '${type}'`);
  let text: string;
  try {
    text = req.body ? await readText(req.body as Readable, o.maxBody) : '';
  } catch (err) {
    const e = asFeedError(err, 'decode');
    return problem(reply, e.status, 'Body refused', e.message);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return problem(reply, 400, 'Body refused', `not JSON: ${(err as Error).message}`);
  }
  if (!route.accept(body)) return problem(reply, 503, 'Not ready', `${route.path} is not handled yet, retry later`);
  return reply.code(204).send();
}

/** `adapter`, `limit` (default 20, at most 1000) and `offset` of a listing; undefined when they are not whole numbers. */
function paging(req: FastifyRequest): { adapter?: string; limit: number; offset: number } | undefined {
  const q = req.query as Record<string, string | undefined>;
  const whole = (v: string | undefined, dflt: number) => (v === undefined ? dflt : /^\d{1,15}$/.test(v) ? Number(v) : NaN);
  const limit = Math.min(whole(q.limit, 20), 1000);
  const offset = whole(q.offset, 0);
  return Number.isNaN(limit) || Number.isNaN(offset) ? undefined : { adapter: q.adapter, limit, offset };
}

const badPaging = (reply: FastifyReply) => problem(reply, 400, 'Bad paging', 'limit and offset are non-negative integers (limit at most 1000, offset below 10^15)');

/**
 * GET /ingest/waiting: the entity parts kept until their entity is complete (src/ingest/parts.ts),
 * paged as the dead letters; DELETE /ingest/waiting/{entity id}: forgets one (a site that will never
 * report).
 */
function waitingRoutes(app: FastifyInstance, parts: PartStore) {
  app.get('/ingest/waiting', async (req, reply) => {
    const page = paging(req);
    if (!page) return badPaging(reply);
    const { items, total } = parts.list(page);
    return reply.header('x-total-count', String(total)).send(items);
  });
  app.delete('/ingest/waiting/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!parts.has(id)) return problem(reply, 404, 'No such waiting part', `No part of entity ${JSON.stringify(id.slice(0, 300))} waits`);
    parts.delete([id]);
    return reply.code(204).send();
  });
}

/** The counters, with the entity parts waiting now per adapter (`waiting`; kept across restarts, unlike the counters). */
function withWaiting(stats: IngestStats, parts: PartStore | undefined): Record<string, AdapterStats & { waiting?: number }> {
  const waiting = parts && parts.count() > 0 ? parts.counts() : {};
  for (const name of Object.keys(waiting)) stats.of(name);
  return Object.fromEntries(Object.entries(stats.snapshot()).map(([name, s]) => [name, waiting[name] ? { ...s, waiting: waiting[name] } : s]));
}

function deadLetterRoutes(app: FastifyInstance, o: IngestRoutesOptions, dl: DeadLetterStore) {
  const byName = new Map(o.adapters.map((a) => [a.name, a]));
  const adapterOf = (name: string) => byName.get(name) ?? (name.startsWith(MAPPING_ADAPTER_PREFIX) ? o.mappings?.get(name.slice(MAPPING_ADAPTER_PREFIX.length)) : undefined);
  /** A dead-letter id: digits only (no sign, exponent, hex, spaces or leading zero), a safe integer; else NaN, which names none. */
  const idOf = (req: FastifyRequest) => {
    const raw = (req.params as { id: string }).id;
    return /^[1-9]\d{0,15}$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : NaN;
  };
  const shownId = (req: FastifyRequest) => JSON.stringify((req.params as { id: string }).id.slice(0, 40));
  app.get('/ingest/dead-letters', async (req, reply) => {
    const page = paging(req);
    if (!page) return badPaging(reply);
    const { items, total } = dl.list(page);
    return reply.header('x-total-count', String(total)).send(items);
  });
  const find = (req: FastifyRequest) => {
    const id = idOf(req);
    return Number.isNaN(id) ? undefined : dl.get(id);
  };
  const none = (req: FastifyRequest, reply: FastifyReply) => problem(reply, 404, 'No such dead letter', `No dead letter ${shownId(req)}`);
  /** Dead letters being replayed: one replay at a time each (a second one would write the message twice). */
  const replaying = new Set<number>();
  app.get('/ingest/dead-letters/:id', async (req, reply) => {
    const d = find(req);
    return d ? reply.send(d) : none(req, reply);
  });
  app.delete('/ingest/dead-letters/:id', async (req, reply) => {
    const id = idOf(req);
    return !Number.isNaN(id) && dl.delete(id) ? reply.code(204).send() : none(req, reply);
  });
  app.post('/ingest/dead-letters/:id/replay', async (req, reply) => {
    const d = find(req);
    if (!d) return none(req, reply);
    const adapter = adapterOf(d.adapter);
    if (!adapter) return problem(reply, 422, 'Unknown adapter', `The adapter '${d.adapter}' of dead letter ${d.id} is not loaded`);
    if (!d.bodyKept) return problem(reply, 422, 'Nothing to replay', 'The body of this dead letter was not kept (a streamed document, or a body refused before it was read whole): ask the sender to send it again');
    if (replaying.has(d.id)) return problem(reply, 409, 'Replay in progress', `Dead letter ${d.id} is being replayed; ask again once that replay has answered`);
    replaying.add(d.id);
    let out: MessageOutcome;
    try {
      out = await replay(d, adapter, o);
    } finally {
      replaying.delete(d.id);
    }
    if (!out.ok) return problem(reply, out.error.status, `Replay failed at the ${out.error.stage} stage`, out.error.message, { stage: out.error.stage, deadLetter: d.id });
    const late = allOutOfOrder(out);
    if (late) return problem(reply, 409, 'Replay out of order', late, { stage: 'validate', replayed: d.id, rejected: out.rejected });
    // what the replay could not write is in new dead letters of its own (rejected[].deadLetter)
    return reply.code(out.rejected.length ? 207 : out.heldCount ? 202 : 200).send({ replayed: d.id, written: out.written, ...waiting(out), rejected: out.rejected });
  });
}

/**
 * Registers the webhooks, dead-letter and stats routes in their own fastify context.
 * @example
 * await app.register(ingestRoutes(options));
 */
export function ingestRoutes(o: IngestRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    for (const adapter of o.adapters) app.post(adapter.path, (req, reply) => webhook(adapter, o, req, reply));
    for (const route of o.notifications ?? []) app.post(route.path, (req, reply) => notification(route, o, req, reply));
    app.post('/ingest/mapping/:name', (req, reply) => {
      const name = (req.params as { name: string }).name;
      const adapter = o.mappings?.get(name);
      if (!adapter) return problem(reply, 404, 'No such mapping', `No mapping '${name}' is loaded (MAPPINGS_DIR)`);
      return webhook(adapter, o, req, reply);
    });
    deadLetterRoutes(app, o, o.deadLetters);
    app.get('/ingest/stats', async () => withWaiting(o.stats, o.parts));
    if (o.parts) waitingRoutes(app, o.parts);
    const status = o.mappings?.status?.bind(o.mappings);
    if (status) app.get('/ingest/mappings', async () => status());
  };
}
