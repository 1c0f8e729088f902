/**
 * Replay of a dead letter (POST /ingest/dead-letters/{id}/replay): a message that failed to decode or
 * translate runs through its adapter again (the adapter or the territory file may have been fixed);
 * an entity the broker refused, or that failed its schema, is checked again (its clock, the
 * late-message guard of an ordered adapter, its schema) and written again on its own, its fallback
 * attributes (`@fallback`) only where the broker holds none. A replay that runs leaves no dead letter
 * behind but for what still fails: an entity's dead letter is updated with the new reason, and what a
 * replayed message could not write is in dead letters of its own (`rejected`), so the message's is
 * removed, unless a part of it is refused again for the letter's own reason (then the letter stays);
 * a refusal a letter filed before holds is counted there, at the message's arrival.
 */
import type { Entity } from '../ngsi-ld/types';
import type { DeadLetter, NewDeadLetter } from './dead-letters';
import { withoutHeldFallbacks } from './fallbacks';
import { joinParts } from './join-parts';
import { clockFault } from './observations';
import { asFeedError, entityReason, runMessage, type IngestDeps, type MessageOutcome } from './run-message';
import { FeedError, type Adapter, type Translation } from './types';

/**
 * When the payload a dead letter holds arrived: its last arrival when it came again (the same message,
 * or, about one entity, its latest payload), else its first. A replay is judged against it (the clock
 * check), as the message was.
 */
const arrivalOf = (d: DeadLetter): string => d.lastReceivedAt ?? d.receivedAt;

/** The id of the entity a dead letter of the validate stage holds. */
const entityOf = (d: DeadLetter): string => String((JSON.parse(d.payload) as { id?: unknown }).id);

/**
 * One refused entity written again, after the same checks as in a message. It is merged: the entity
 * may be one part of those its message or others write (a lamp's report, a site's measurements), and
 * a replace would delete the rest.
 */
async function replayEntity(d: DeadLetter, adapter: Adapter, deps: IngestDeps): Promise<MessageOutcome> {
  const receivedAt = arrivalOf(d);
  const { '@context': context, '@fallback': fallback, ...entity } = JSON.parse(d.payload) as Entity & { '@context': string[]; '@fallback'?: string[] };
  const id = String(entity.id);
  // the attributes written only where the broker holds none (a registry place, a lamp's default ok)
  let t: Translation = { entities: [entity as Entity], context, mode: 'merge', ...(fallback?.length ? { fallback: fallback.map((attribute) => ({ id, attribute })) } : {}) };
  const guard = adapter.ordered ? deps.observations : undefined;
  let screened = false;
  try {
    const wrongClock = clockFault(entity as Entity, receivedAt);
    if (wrongClock) throw new FeedError('validate', wrongClock, 422);
    if (guard) {
      const s = await guard.screen(t, adapter.reportedAt);
      // still older than what the broker holds: writing it would take the entity back in time
      if (s.outOfOrder.length) throw new FeedError('validate', s.outOfOrder[0].reason, 409);
      t = { ...s.translation, ...(t.fallback ? { fallback: t.fallback } : {}) };
      screened = true;
    }
    const why = adapter.validateEntities && deps.validate ? deps.validate(entity as Entity) : undefined;
    if (why) throw new FeedError('validate', why, 422);
    // what the broker holds is read, then written, under the lock a message takes (run-message.ts)
    const join = adapter.requires && deps.parts && deps.readComplete;
    const release = deps.exclusive && (join || t.fallback) ? await deps.exclusive(join ? `adapter ${adapter.name}` : `entity ${id}`) : undefined;
    try {
      // a part whose entity is not complete yet waits, as in a message
      const joined = join ? await joinParts(t, adapter.requires!, deps.parts!, deps.readComplete!, adapter.name, receivedAt) : undefined;
      if (joined?.held.length) {
        guard?.forget(joined.held);
        deps.stats.of(adapter.name).held += joined.held.length;
        return { ok: true, written: [], writtenCount: 0, held: joined.held, heldCount: joined.held.length, rejected: [] };
      }
      if (joined) t = joined.translation;
      if (t.fallback && deps.readComplete) t = await withoutHeldFallbacks(t, deps.readComplete);
      const res = await deps.write(t);
      if (res.failed.length) throw new FeedError('validate', res.failed[0].reason, 422);
      if (joined?.completed.length) deps.parts!.delete(joined.completed);
      return { ok: true, written: res.written, writtenCount: res.written.length, rejected: [] };
    } finally {
      release?.();
    }
  } catch (err) {
    guard?.forget([id]);
    return { ok: false, error: asFeedError(err, 'write'), deadLetter: d.id };
  } finally {
    if (screened) guard?.settle([id]);
  }
}

/**
 * The dead-letter filing of a replay of `d`: a refusal a letter already holds is not counted there
 * yet (`heldBefore`: counted once the replay's outcome says `d` goes), and the letters the replay
 * files anew (`filedAnew`) are told apart from those that were there, which a failed replay keeps.
 */
function filingOf(d: DeadLetter, deps: IngestDeps): { replaying: IngestDeps; filedAnew: Set<number>; heldBefore: NewDeadLetter[] } {
  const filedAnew = new Set<number>();
  const heldBefore: NewDeadLetter[] = [];
  const add = (n: NewDeadLetter): number => {
    const { id, anew } = deps.deadLetters.fileForReplay(n);
    if (anew) filedAnew.add(id);
    else if (id !== d.id) heldBefore.push(n);
    return id;
  };
  return { replaying: { ...deps, deadLetters: { ...deps.deadLetters, add } }, filedAnew, heldBefore };
}

export async function replay(d: DeadLetter, adapter: Adapter, deps: IngestDeps): Promise<MessageOutcome> {
  if (d.stage === 'validate' && d.payload.startsWith('{"@context"')) {
    // counted as a message of its own, as a replayed message is
    const stats = deps.stats.of(adapter.name);
    stats.received++;
    const outcome = await replayEntity(d, adapter, deps);
    if (outcome.ok) {
      stats.accepted++;
      stats.written += outcome.writtenCount;
      deps.deadLetters.delete(d.id);
    } else {
      stats.rejected++;
      deps.deadLetters.update(d.id, outcome.error.stage, entityReason(d.about ?? entityOf(d), outcome.error.message), outcome.error.status);
    }
    return outcome;
  }
  const msg = { body: d.payload, query: d.query, headers: d.headers, receivedAt: arrivalOf(d) };
  const { replaying, filedAnew, heldBefore } = filingOf(d, deps);
  const outcome = await runMessage(adapter, msg, replaying, d.contentType, d.id);
  if (!outcome.ok) return outcome;
  // the letter stands for a refusal the replay made again (a record of the message refused anew):
  // it stays, with its replay counted, whatever else was written
  const again = outcome.rejected.some((r) => r.deadLetter === d.id) ? deps.deadLetters.get(d.id) : undefined;
  if (again) deps.deadLetters.update(d.id, again.stage, again.reason, again.status);
  if (outcome.writtenCount === 0 && !outcome.heldCount && outcome.rejected.length > 0) {
    // nothing written: the dead letter stays, with its replay counted, and the ones this replay filed
    // anew (the same message refused again, or parts the message wrote the first time, now late) go.
    // A letter about one entity takes the refusal as the message path filed it (a part's reason is
    // its own), so that the part sent again counts on it; a whole message's names the entity refused.
    const first = outcome.rejected[0];
    const filed = deps.deadLetters.get(first.deadLetter);
    for (const r of outcome.rejected) if (filedAnew.has(r.deadLetter)) deps.deadLetters.delete(r.deadLetter);
    if (again) return { ok: false, error: new FeedError(again.stage, `nothing written: ${again.reason}`, again.status), deadLetter: d.id };
    const stage = filed?.stage ?? 'validate';
    const status = outcome.rejected.every((r) => r.outOfOrder) ? 409 : 422;
    const reason = d.about !== undefined && filed ? filed.reason : first.entityId ? entityReason(first.entityId, first.reason) : first.reason;
    deps.deadLetters.update(d.id, stage, reason, status);
    return { ok: false, error: new FeedError(stage, `nothing written: ${reason}`, status), deadLetter: d.id };
  }
  if (!again) {
    // the message replayed now lives in the letters that hold its refusals: counted there, with every
    // arrival the letter replayed had counted (its repeats, its first and last arrivals)
    // (once per refusal: a letter holding two parts of the message counts each of its arrivals twice)
    const heirs = [...filedAnew, ...heldBefore.map((n) => deps.deadLetters.add(n))];
    if (d.repeats > 0) for (const id of heirs) deps.deadLetters.inherit(id, d);
    deps.deadLetters.delete(d.id);
  }
  return outcome;
}
