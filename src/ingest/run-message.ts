/**
 * One message through the pipeline: decode + translate (the adapter) → write (the broker). Every
 * failure becomes a dead letter with its stage and reason; the caller gets the outcome to answer the
 * sender. Used by the webhooks and by replay.
 */
import { isNgsiError } from '../ngsi-ld/errors';
import type { DeadLetterStore } from './dead-letters';
import type { IngestStats } from './stats';
import type { Readable } from 'node:stream';
import type { Entity } from '../ngsi-ld/types';
import { FeedError, type Adapter, type AdapterEnv, type IngestMessage, type Translation } from './types';
import type { EpisodeTracker } from './episodes';
import type { Exclusive } from './exclusive';
import { fallbacksOf, withoutHeldFallbacks } from './fallbacks';
import { joinParts, type CompletenessReader } from './join-parts';
import type { PartStore } from './parts';
import { clockFault, type ObservationGuard } from './observations';
import type { EntityValidator } from './validate';
import { PartialWriteError, type WriteOutcome } from './write';

export interface IngestDeps {
  env: AdapterEnv;
  /** The validate stage for adapters with `validateEntities` (absent: no schema check). */
  validate?: EntityValidator;
  deadLetters: DeadLetterStore;
  stats: IngestStats;
  write: (t: Translation) => Promise<WriteOutcome>;
  /** Turns the translations' episode marks into writes (src/ingest/episodes.ts). */
  episodes: EpisodeTracker;
  /** Keeps `ordered` adapters' writes from going back in time (src/ingest/observations.ts); absent: no check. */
  observations?: ObservationGuard;
  /** Parts of entities waiting for the members their type requires (adapters with `requires`). */
  parts?: PartStore;
  /** Which entities the broker holds with given attributes: complete ones (`requires`), ones whose fallbacks are not written (Translation.fallback). */
  readComplete?: CompletenessReader;
  /** Sections between a read of the broker and the write that depends on it, one at a time per key (src/ingest/exclusive.ts). */
  exclusive?: Exclusive;
  /** Puts the store written to in bulk-load mode for a streamed document; returns how to leave it (EntityStore.bulk). */
  bulk?: () => () => void;
}

export type MessageOutcome =
  | {
      ok: true;
      /** ids of the entities written: all of them, or the first STREAM_IDS_LISTED of a streamed document */
      written: string[];
      /** how many were written */
      writtenCount: number;
      /** ids of the entities kept waiting for the members their type requires (Adapter.requires), listed as `written` */
      held?: string[];
      heldCount?: number;
      ignored?: string;
      /** `outOfOrder`: refused because the broker holds newer observations (src/ingest/observations.ts). */
      rejected: Array<{ entityId: string; reason: string; deadLetter: number; outOfOrder?: true; at?: string }>;
    }
  | {
      ok: false;
      error: FeedError;
      deadLetter: number;
      /** A message that failed part-way (a streamed document, a broker failing between batches): what was written, and held (listed as for `ok`). */
      written?: string[];
      writtenCount?: number;
      held?: string[];
      heldCount?: number;
    };

/** What a message has written (and held) so far: kept by the caller, so that a stream failing part-way can say it. */
export interface WriteProgress {
  written: string[];
  writtenCount: number;
  held: string[];
  heldCount: number;
}

const noProgress = (): WriteProgress => ({ written: [], writtenCount: 0, held: [], heldCount: 0 });

/** Turns anything thrown by an adapter or the writer into a FeedError (an adapter bug is a 500-free translate error). */
export function asFeedError(err: unknown, stage: FeedError['stage']): FeedError {
  if (err instanceof FeedError) return err;
  if (isNgsiError(err)) return new FeedError(stage === 'write' ? 'validate' : stage, err.message, err.status >= 500 ? 503 : 422);
  return new FeedError(stage, `unexpected ${stage} failure: ${(err as Error)?.message ?? String(err)}`, stage === 'write' ? 503 : 422);
}

/**
 * Ids a streamed document's outcome lists (its count is whole): a 50 MB DATEX II publication writes
 * ~200,000 entities, whose ids would be held to the end of the stream and sent back.
 */
export const STREAM_IDS_LISTED = 100;

/**
 * Writes the translations of one message and accounts for them (counters included, as they are
 * written), listing at most `listed` ids; `progress` follows what is written, also when a later
 * translation throws.
 */
export async function writeTranslations(
  adapter: Adapter,
  msg: Omit<IngestMessage, 'body'> & { body: string },
  translations: Iterable<Translation> | AsyncIterable<Translation>,
  deps: IngestDeps,
  contentType: string,
  listed = Infinity,
  progress: WriteProgress = noProgress(),
): Promise<MessageOutcome> {
  const stats = deps.stats.of(adapter.name);
  const written = progress.written;
  const rejected: Array<{ entityId: string; reason: string; deadLetter: number; outOfOrder?: true; at?: string }> = [];
  const held = progress.held;
  let ignored: string | undefined;
  const deadLetter = (entity: Entity, t: Translation, stage: FeedError['stage'], reason: string, status = 422) => {
    const fallback = fallbacksOf(entity, t);
    return deps.deadLetters.add({
      adapter: adapter.name, stage, reason: entityReason(String(entity.id), reason), status, contentType, query: msg.query, headers: msg.headers,
      payload: JSON.stringify({ '@context': t.context, ...entity, ...(fallback.length ? { '@fallback': fallback } : {}) }), receivedAt: msg.receivedAt, about: String(entity.id),
    });
  };
  for await (const marked of translations) {
    if (marked.ignored && marked.entities.length === 0) ignored = marked.ignored;
    for (const part of marked.refused ?? []) {
      const kept = typeof part.payload === 'string' || (part.payload === undefined && msg.body !== '');
      const id = deps.deadLetters.add({
        adapter: adapter.name, stage: 'translate', reason: part.reason, status: 422, contentType,
        query: msg.query, headers: msg.headers, payload: kept ? (part.payload ?? msg.body) : '', receivedAt: msg.receivedAt, bodyKept: kept,
        // a part that names its entity and is its own payload: the same entity refused for the same reason is one dead letter
        ...(part.entityId && typeof part.payload === 'string' ? { about: part.entityId } : {}),
      });
      rejected.push({ entityId: part.entityId ?? '', reason: part.reason, deadLetter: id, ...(part.at ? { at: part.at } : {}) });
    }
    // an observation from the future is a wrong clock: refused, it would hold the real ones back
    let timely = marked;
    for (const e of marked.entities) {
      const reason = clockFault(e, msg.receivedAt);
      if (reason === undefined) continue;
      rejected.push({ entityId: String(e.id), reason, deadLetter: deadLetter(e, marked, 'validate', reason) });
      timely = { ...timely, entities: timely.entities.filter((x) => x !== e) };
    }
    let raw = await deps.episodes.resolve(timely);
    const episodeIds = new Set((marked.episodes ?? []).map((m) => String(m.entity.id)));
    const guard = adapter.ordered ? deps.observations : undefined;
    let screenedIds: string[] = [];
    if (guard) {
      const screened = await guard.screen(raw, adapter.reportedAt);
      for (const { entity, reason } of screened.outOfOrder) {
        rejected.push({ entityId: String(entity.id), reason, deadLetter: deadLetter(entity, raw, 'validate', reason, 409), outOfOrder: true });
      }
      raw = screened.translation;
      screenedIds = raw.entities.map((e) => String(e.id));
    }
    let t = raw;
    if (adapter.validateEntities && deps.validate) {
      const ok = (e: Entity) => {
        const why = deps.validate!(e);
        if (why) rejected.push({ entityId: String(e.id), reason: why, deadLetter: deadLetter(e, raw, 'validate', why) });
        return !why;
      };
      t = { ...raw, entities: raw.entities.filter(ok) };
    }
    // a part of an entity that lacks what its type requires waits for the rest (src/ingest/join-parts.ts)
    const { requires } = adapter;
    const { parts, readComplete } = deps;
    const join = requires && parts && readComplete ? { requires, parts, readComplete } : undefined;
    // what the broker holds is read, then written: one message at a time per adapter that joins (none
    // holds a part while another writes the entity's first observation), and per entity with fallbacks
    // (a registry place must not be written after the place the device reported; the adapter's own
    // lock covers that too when it joins)
    const releases: Array<() => void> = [];
    if (deps.exclusive && (join || adapter.fallbacks)) {
      const keys = new Set(adapter.fallbacks && !join ? t.entities.map((e) => `entity ${String(e.id)}`) : []);
      if (join) keys.add(`adapter ${adapter.name}`);
      for (const key of [...keys].sort()) releases.push(await deps.exclusive(key));
    }
    let completed: string[] = [];
    let res: WriteOutcome;
    try {
      if (join) {
        const j = await joinParts(t, join.requires, join.parts, join.readComplete, adapter.name, msg.receivedAt);
        t = j.translation;
        completed = j.completed;
        guard?.forget(j.held); // not written (the guard took them as written)
        stats.held += j.held.length;
        progress.heldCount += j.held.length;
        for (const id of j.held) if (held.length < listed) held.push(id);
      }
      // a fallback attribute (a registry location) is not written where the broker holds one
      if (t.fallback && deps.readComplete) t = await withoutHeldFallbacks(t, deps.readComplete);
      // nothing deleted on an entity that is not written
      if (t.remove?.length && rejected.length) {
        const refused = new Set(rejected.map((r) => r.entityId));
        t = { ...t, remove: t.remove.filter((r) => !refused.has(r.id)) };
      }
      try {
        res = await deps.write(t);
      } catch (err) {
        deps.episodes.forget(episodeIds); // not written: read their state again next time
        guard?.forget(t.entities.map((e) => String(e.id)));
        if (!(err instanceof PartialWriteError)) throw err;
        // the first batches were written before the broker failed: the outcome says them
        stats.written += err.written.length;
        progress.writtenCount += err.written.length;
        for (const id of err.written) if (written.length < listed) written.push(id);
        throw err.cause;
      } finally {
        guard?.settle(screenedIds);
      }
      // not written after all (the guard took them as written); the out-of-order ones changed nothing there
      guard?.forget([...rejected.filter((r) => !r.outOfOrder).map((r) => r.entityId), ...res.failed.map((f) => f.entityId)]);
      if (episodeIds.size) deps.episodes.forget([...rejected.map((r) => r.entityId), ...res.failed.map((f) => f.entityId)].filter((id) => episodeIds.has(id)));
      if (join && completed.length) {
        const done = new Set(res.written);
        join.parts.delete(completed.filter((id) => done.has(id)));
      }
    } finally {
      for (const release of releases) release();
    }
    stats.retried += res.retries;
    stats.written += res.written.length;
    progress.writtenCount += res.written.length;
    for (const id of res.written) {
      if (written.length >= listed) break;
      written.push(id);
    }
    for (const f of res.failed) {
      const entity = t.entities.find((e) => e.id === f.entityId);
      const id = entity
        ? deadLetter(entity, marked, 'validate', f.reason)
        : deps.deadLetters.add({ adapter: adapter.name, stage: 'write', reason: entityReason(f.entityId, f.reason), status: 422, contentType, query: msg.query, headers: msg.headers, payload: msg.body, receivedAt: msg.receivedAt });
      rejected.push({ ...f, deadLetter: id });
    }
  }
  stats.rejected += rejected.length;
  if (ignored && progress.writtenCount === 0) stats.ignored++;
  // accepted: the whole message went through (a message partly refused is counted in `rejected`)
  if (rejected.length === 0) stats.accepted++;
  return { ok: true, written, writtenCount: progress.writtenCount, ...(progress.heldCount ? { held, heldCount: progress.heldCount } : {}), ignored, rejected };
}

/**
 * A failure after part of a message was written (a stream's earlier translations, or the first
 * batches of a large one before the broker failed): the error saying so (each entity written is
 * whole, the rest is not written) and what was written, for the answer.
 */
function failedPart(error: FeedError, progress: WriteProgress): { error: FeedError; written?: string[]; writtenCount?: number; held?: string[]; heldCount?: number } {
  if (progress.writtenCount === 0 && progress.heldCount === 0) return { error };
  const done = [
    progress.writtenCount ? `${progress.writtenCount} entities of the message, before the fault, were written` : '',
    progress.heldCount ? `${progress.heldCount} entity parts wait for what their type requires (GET /ingest/waiting)` : '',
  ].filter(Boolean);
  const said = `${error.message}; ${done.join(' and ')}, the rest was not`;
  return {
    error: new FeedError(error.stage, said, error.status),
    ...(progress.writtenCount ? { written: progress.written, writtenCount: progress.writtenCount } : {}),
    ...(progress.heldCount ? { held: progress.held, heldCount: progress.heldCount } : {}),
  };
}

/**
 * A message refused whose body was not kept (a streamed document, a body refused before it was read
 * whole, a polled document over its limit): counted as rejected, and a dead letter with the reason
 * and no body (nothing to replay). Returns the dead letter's id.
 */
export function deadLetterUnkept(
  adapter: Adapter,
  deps: Pick<IngestDeps, 'stats' | 'deadLetters'>,
  message: Omit<IngestMessage, 'body'>,
  contentType: string,
  refusal: { stage: FeedError['stage']; status: number; reason: string },
): number {
  deps.stats.of(adapter.name).rejected++;
  return deps.deadLetters.add({ adapter: adapter.name, ...refusal, contentType, ...message, payload: '', bodyKept: false });
}

/**
 * The reason of a dead letter about one entity, as a message and its replay both file it (a replay
 * refused for the same reason is then the same refusal).
 * @example entityReason('urn:a', 'out of order'); // 'entity urn:a: out of order'
 */
export function entityReason(entityId: string, reason: string): string {
  return reason.startsWith(`entity ${entityId}: `) ? reason : `entity ${entityId}: ${reason}`;
}

/** The dead letter of a whole buffered message, its body kept (replayable). Returns its id. */
function deadLetterKept(adapter: Adapter, deps: Pick<IngestDeps, 'deadLetters'>, msg: IngestMessage, contentType: string, error: FeedError): number {
  return deps.deadLetters.add({
    adapter: adapter.name, stage: error.stage, reason: error.message, status: error.status, contentType, query: msg.query, headers: msg.headers, payload: msg.body, receivedAt: msg.receivedAt,
    ...(error.entityId ? { about: error.entityId } : {}),
  });
}

/** A buffered message refused before its adapter ran (its media type): counted, and a dead letter with its body. */
export function refuseMessage(adapter: Adapter, msg: IngestMessage, deps: IngestDeps, contentType: string, error: FeedError): MessageOutcome {
  const stats = deps.stats.of(adapter.name);
  stats.received++;
  stats.rejected++;
  return { ok: false, error, deadLetter: deadLetterKept(adapter, deps, msg, contentType, error) };
}

/**
 * The stage of a message none of whose entities was written: the one its first refusal's dead letter
 * says (translate for a part the adapter refused, validate for an entity).
 */
export function refusalStage(out: { rejected: Array<{ deadLetter: number }> }, deadLetters: Pick<IngestDeps['deadLetters'], 'get'>): FeedError['stage'] {
  return deadLetters.get(out.rejected[0].deadLetter)?.stage ?? 'validate';
}

/** Runs a buffered message; never throws. */
export async function runMessage(adapter: Adapter, msg: IngestMessage, deps: IngestDeps, contentType: string, existingDeadLetter?: number): Promise<MessageOutcome> {
  const stats = deps.stats.of(adapter.name);
  stats.received++;
  let stage: FeedError['stage'] = 'decode';
  const progress = noProgress();
  try {
    const t = adapter.handle(msg, deps.env);
    stage = 'write';
    return await writeTranslations(adapter, msg, [t], deps, contentType, Infinity, progress);
  } catch (err) {
    const part = failedPart(asFeedError(err, stage), progress);
    const { error } = part;
    stats.rejected++;
    let deadLetter = existingDeadLetter;
    if (deadLetter === undefined) {
      deadLetter = deadLetterKept(adapter, deps, msg, contentType, error);
    } else {
      deps.deadLetters.update(deadLetter, error.stage, error.message, error.status);
    }
    return { ok: false, deadLetter, ...part };
  }
}

/**
 * A stream's translations, whose failures (the document's: malformed, cut short, too large; or the
 * adapter's) are decode errors; the writes between them fail as writes (a broker that fails mid-way
 * is a 503 the sender should send again, not a 422 for the document).
 */
async function* decoding(translations: AsyncIterable<Translation>): AsyncIterable<Translation> {
  try {
    for await (const t of translations) yield t;
  } catch (err) {
    throw asFeedError(err, 'decode');
  }
}

/**
 * Runs a streamed document through `adapter.handleStream` (the adapter must have one) (large publications, in bounded memory);
 * never throws. The body is not kept: a failure's dead letter says so with `unkeptNote`.
 */
export async function runStream(
  adapter: Adapter,
  base: Omit<IngestMessage, 'body'>,
  body: Readable,
  deps: IngestDeps,
  contentType: string,
  unkeptNote: string,
): Promise<MessageOutcome> {
  const stats = deps.stats.of(adapter.name);
  stats.received++;
  let leaveBulk: (() => void) | undefined;
  const progress = noProgress();
  try {
    leaveBulk = deps.bulk?.();
    return await writeTranslations(adapter, { ...base, body: '' }, decoding(adapter.handleStream!(body, base, deps.env)), deps, contentType, STREAM_IDS_LISTED, progress);
  } catch (err) {
    // the document's own faults come as decode errors (decoding); anything else failed writing what was read
    const part = failedPart(asFeedError(err, 'write'), progress);
    const { error } = part;
    const deadLetter = deadLetterUnkept(adapter, deps, base, contentType, { stage: error.stage, status: error.status, reason: `${error.message} (${unkeptNote})` });
    return { ok: false, deadLetter, ...part };
  } finally {
    leaveBulk?.();
  }
}
