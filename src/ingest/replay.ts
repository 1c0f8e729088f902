/**
 * Replay of a dead letter (POST /ingest/dead-letters/{id}/replay): a message that failed to decode or
 * translate runs through its adapter again (the adapter or the territory file may have been fixed);
 * an entity the broker refused is written again on its own. Success removes the dead letter.
 */
import type { Entity } from '../ngsi-ld/types';
import type { DeadLetter } from './dead-letters';
import { asFeedError, runMessage, type IngestDeps, type MessageOutcome } from './run-message';
import type { Adapter } from './types';

export async function replay(d: DeadLetter, adapter: Adapter, deps: IngestDeps): Promise<MessageOutcome> {
  const msg = { body: d.payload, query: d.query, headers: d.headers, receivedAt: d.receivedAt };
  let outcome: MessageOutcome;
  if (d.stage === 'validate' && d.payload.startsWith('{"@context"')) {
    const { '@context': context, ...entity } = JSON.parse(d.payload) as Entity & { '@context': string[] };
    try {
      const res = await deps.write({ entities: [entity as Entity], context });
      outcome = res.failed.length
        ? { ok: false, error: asFeedError(new Error(res.failed[0].reason), 'validate'), deadLetter: d.id }
        : { ok: true, written: res.written, writtenCount: res.written.length, rejected: [] };
    } catch (err) {
      outcome = { ok: false, error: asFeedError(err, 'write'), deadLetter: d.id };
    }
    if (!outcome.ok) deps.deadLetters.update(d.id, outcome.error.stage, outcome.error.message, outcome.error.status);
  } else {
    outcome = await runMessage(adapter, msg, deps, d.contentType, d.id);
  }
  if (outcome.ok && outcome.rejected.length === 0) deps.deadLetters.delete(d.id);
  return outcome;
}
