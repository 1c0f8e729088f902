/**
 * The ingest write stage for an external broker: the same contract as src/ingest/write.ts
 * createWriter's function, over the NGSI-LD client. `mode: 'merge'` is a batch upsert with
 * `options=update` (as in-process: missing entities are created, attributes not sent are kept).
 * Retries are the client's; a broker still failing after them throws. Also the episodes' state
 * reader over the client (src/ingest/episodes.ts).
 */
import { statesOf, type EpisodeReader, type EpisodeState } from '../ingest/episodes';
import type { WriteOutcome } from '../ingest/write';
import type { Translation } from '../ingest/types';
import type { BatchOperationResult } from '../ngsi-ld/types';
import type { NgsiLdClient } from './types';

const reason = (e: BatchOperationResult['errors'][number]) => `${e.error.title}: ${e.error.detail}`;

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
    if (t.entities.length) {
      const r = await client.upsert(t.entities, { ...o, mode: t.mode === 'merge' ? 'merge' : 'replace' });
      out.written.push(...r.success);
      out.failed.push(...r.errors.map((e) => ({ entityId: e.entityId, reason: reason(e) })));
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
  return async (ids, context) => {
    const out = new Map<string, EpisodeState>();
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      try {
        const r = await client.query({ id: part, attrs: ['validFrom', 'validTo'], options: 'keyValues', context, tenant, limit: 100 });
        for (const [id, s] of statesOf(r.entities as Array<Record<string, unknown>>)) out.set(id, s);
      } catch (err) {
        // a tenant that does not exist yet holds no entity
        if ((err as { status?: number }).status !== 404) throw err;
      }
    }
    return out;
  };
}
