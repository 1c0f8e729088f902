/** Implements ETSI GS CIM 009 v1.8 clause 5.6.8 Batch Entity Upsert (HTTP binding 6.15.3.1: POST /entityOperations/upsert, options=replace|update). */
import { ngsiError } from '../../ngsi-ld/errors';
import { appendAttributes } from '../mutations';
import { options } from '../params';
import type { Operation, OperationResult, RequestContext } from '../request';
import { batchItems, runBatch, type BatchBroker } from './batch';
import { newEntity } from './create-entity';

/** The checks a batch upsert makes before it writes anything (a request that fails them writes nothing). */
export function checkUpsert(req: RequestContext): void {
  upsertOptions(req);
  batchItems(req.body);
}

function upsertOptions(req: RequestContext): { update: boolean } {
  const opts = options(req.params);
  if (opts.has('replace') && opts.has('update')) throw ngsiError('BadRequestData', 'options replace and update are mutually exclusive');
  return { update: opts.has('update') };
}

/** The batch upsert on any tenant stores (the embedded broker's, or the ingest write thread's). */
export async function upsertEntities(broker: BatchBroker, req: RequestContext): Promise<OperationResult> {
  const { update } = upsertOptions(req);
  const run = await runBatch(broker, req, batchItems(req.body), (store, item, now) => {
    const next = newEntity(item, req.ctx, now);
    const old = store.get(next.id);
    if (!old) {
      store.insert(next);
      return { id: next.id, created: true };
    }
    if (update) {
      old.types = [...new Set([...old.types, ...next.types])];
      if (next.scope) old.scope = next.scope;
      appendAttributes(old, next.attrs, { noOverwrite: false, now, compact: (i) => i });
      old.modifiedAt = now;
      store.update(old);
    } else {
      store.update({ ...next, createdAt: old.createdAt });
    }
    return { id: next.id };
  }, true);
  if (run.result.errors.length) return { status: 207, body: run.result };
  return run.created.length ? { status: 201, body: run.created } : { status: 204 };
}

export const batchUpsert: Operation = upsertEntities;
