/** Implements ETSI GS CIM 009 v1.8 clause 5.6.8 Batch Entity Upsert (HTTP binding 6.15.3.1: POST /entityOperations/upsert, options=replace|update). */
import { ngsiError } from '../../ngsi-ld/errors';
import { appendAttributes } from '../mutations';
import { options } from '../params';
import type { Operation } from '../request';
import { batchItems, runBatch } from './batch';
import { newEntity } from './create-entity';

export const batchUpsert: Operation = async (broker, req) => {
  const opts = options(req.params);
  if (opts.has('replace') && opts.has('update')) throw ngsiError('BadRequestData', 'options replace and update are mutually exclusive');
  const update = opts.has('update');
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
};
