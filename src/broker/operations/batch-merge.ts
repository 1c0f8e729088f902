/** Implements ETSI GS CIM 009 v1.8 clause 5.6.20 Batch Entity Merge (HTTP binding 6.31.3.1: POST /entityOperations/merge). */
import { ngsiError } from '../../ngsi-ld/errors';
import { isUri } from '../../ngsi-ld/entity/terms';
import type { Operation } from '../request';
import { batchItems, noContentOr207, runBatch } from './batch';
import { mergeInto } from './merge-entity';

export const batchMerge: Operation = async (broker, req) => {
  const run = await runBatch(broker, req, batchItems(req.body), (store, item, now) => {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined;
    if (!isUri(id)) throw ngsiError('BadRequestData', 'Each entity of a batch merge needs an id (URI)');
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    mergeInto(e, item, req.ctx, now);
    store.update(e);
    return { id };
  }, false);
  return noContentOr207(run);
};
