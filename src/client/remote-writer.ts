/**
 * The ingest write stage for an external broker: the same contract as src/ingest/write.ts
 * createWriter's function, over the NGSI-LD client. `mode: 'merge'` is a batch upsert with
 * `options=update` (as in-process: missing entities are created, attributes not sent are kept);
 * `updateOnly` is a batch update whose 404s (absent entities, absent tenant) are skipped.
 * Retries are the client's; a broker still failing after them throws.
 */
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
    if (t.updateOnly?.length) {
      const r = await client.update(t.updateOnly, o);
      out.written.push(...r.success);
      for (const e of r.errors) if (e.error.status !== 404) out.failed.push({ entityId: e.entityId, reason: reason(e) });
    }
    if (t.entities.length) {
      const r = await client.upsert(t.entities, { ...o, mode: t.mode === 'merge' ? 'merge' : 'replace' });
      out.written.push(...r.success);
      out.failed.push(...r.errors.map((e) => ({ entityId: e.entityId, reason: reason(e) })));
    }
    return out;
  };
}
