/**
 * The ingest write stage for an external broker: the same contract as src/ingest/write.ts
 * createWriter's function, over the NGSI-LD client, REMOTE_BATCH entities per request. `mode: 'merge'` is a batch upsert with
 * `options=update` (as in-process: missing entities are created, attributes not sent are kept).
 * Retries are the client's; a broker still failing after them throws. Also the episodes' state
 * reader (src/ingest/episodes.ts), the observation-times reader (src/ingest/observations.ts) and
 * the completeness reader (src/ingest/join-parts.ts) over the client.
 */
import { statesOf, type EpisodeReader } from '../ingest/episodes';
import type { CompletenessReader } from '../ingest/join-parts';
import { observedTimes, type ObservationReader, type ObservedTimes } from '../ingest/observations';
import { slices, withPartial, type WriteOutcome } from '../ingest/write';
import type { Translation } from '../ingest/types';
import type { BatchOperationResult } from '../ngsi-ld/types';
import type { NgsiLdClient, QueryParams } from './types';

const reason = (e: BatchOperationResult['errors'][number]) => `${e.error.title}: ${e.error.detail}`;

/** Entities per batch request to an external broker: bounded request bodies (a CSV file of 50,000 readings is 50 requests). */
export const REMOTE_BATCH = 1000;

/**
 * @example
 * const client = createNgsiLdClient({ baseUrl: process.env.BROKER_URL!, flavour: 'orion-ld' });
 * const write = createRemoteWriter(client, 'paris');
 * const { written, failed, retries } = await write(translation);
 */
export function createRemoteWriter(client: NgsiLdClient, tenant?: string): (t: Translation) => Promise<WriteOutcome> {
  return async (t) => {
    const out: WriteOutcome = { written: [], failed: [], retries: 0 };
    const o = { context: t.context, tenant, onRetry: () => void out.retries++ };
    for (const entities of t.entities.length ? slices(t.entities, REMOTE_BATCH) : []) {
      let r: BatchOperationResult;
      try {
        r = await client.upsert(entities, { ...o, mode: t.mode === 'merge' ? 'merge' : 'replace' });
      } catch (err) {
        throw withPartial(err, out);
      }
      out.written.push(...r.success);
      out.failed.push(...r.errors.map((e) => ({ entityId: e.entityId, reason: reason(e) })));
    }
    const failed = new Set(out.failed.map((f) => f.entityId));
    for (const r of t.remove ?? []) {
      if (failed.has(r.id)) continue;
      try {
        await client.deleteAttribute(r.id, r.attribute, { context: r.context, tenant, onRetry: o.onRetry });
      } catch (err) {
        throw withPartial(err, out);
      }
    }
    return out;
  };
}

/**
 * The validFrom/validTo of episode entities on an external broker (Query Entities by id, keyValues).
 * @example
 * const episodes = createEpisodeTracker(createRemoteEpisodeReader(client, 'paris'));
 */
export function createRemoteEpisodeReader(client: NgsiLdClient, tenant?: string): EpisodeReader {
  return async (ids, context) => statesOf(await entitiesById(client, ids, { attrs: ['validFrom', 'validTo'], options: 'keyValues', context, tenant }));
}

/** The entities among `ids` that exist (Query Entities by id, 100 at a time); a tenant that does not exist yet holds none. */
async function entitiesById(client: NgsiLdClient, ids: string[], o: Pick<QueryParams, 'attrs' | 'options' | 'context' | 'tenant'>): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < ids.length; i += 100) {
    try {
      out.push(...((await client.query({ ...o, id: ids.slice(i, i + 100), limit: 100 })).entities as Array<Record<string, unknown>>));
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  return out;
}

/**
 * The observation times of entities on an external broker (Query Entities by id, normalized). A read
 * carries one @context, so the entities are read once per context of the translation and the times
 * merged: each attribute then appears under the short name its own context gives it.
 * @example
 * const guard = createObservationGuard(createRemoteObservationReader(client, 'paris'));
 */
export function createRemoteObservationReader(client: NgsiLdClient, tenant?: string): ObservationReader {
  return async (ids, contexts, reportedAt) => {
    const out = new Map<string, ObservedTimes>();
    for (const context of contexts.length ? contexts : [undefined]) {
      for (const e of await entitiesById(client, ids, { context, tenant })) if (typeof e.id === 'string') out.set(e.id, observedTimes(e, out.get(e.id), reportedAt));
    }
    return out;
  };
}

/**
 * Which entities an external broker holds with every one of `attrs` (Query Entities by id, keyValues).
 * A read carries one @context: with several, each is read and an attribute counts under any of them.
 * @example
 * const readComplete = createRemoteCompletenessReader(client);
 * await readComplete([siteId], ['dateObserved'], [TRANSPORTATION_CONTEXT]); // Set {} until the site is observed
 */
export function createRemoteCompletenessReader(client: NgsiLdClient, tenant?: string): CompletenessReader {
  return async (ids, attrs, contexts) => {
    const held = new Map<string, Set<string>>();
    for (const context of contexts.length ? contexts : [undefined]) {
      for (const e of await entitiesById(client, ids, { attrs: [...attrs], options: 'keyValues', context, tenant })) {
        if (typeof e.id !== 'string') continue;
        const names = held.get(e.id) ?? new Set<string>();
        for (const a of attrs) if (e[a] !== undefined) names.add(a);
        held.set(e.id, names);
      }
    }
    return new Set([...held].filter(([, names]) => names.size === attrs.length).map(([id]) => id));
  };
}
