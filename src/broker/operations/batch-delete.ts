/** Implements ETSI GS CIM 009 v1.8 clause 5.6.10 Batch Entity Delete (HTTP binding 6.17.3.1: POST /entityOperations/delete). */
import { ngsiError } from '../../ngsi-ld/errors';
import { isUri } from '../../ngsi-ld/entity/terms';
import type { Operation } from '../request';
import { batchItems, noContentOr207, runBatch } from './batch';

export const batchDelete: Operation = async (broker, req) => {
  const run = await runBatch(broker, req, batchItems(req.body), (store, item) => {
    if (!isUri(item)) throw ngsiError('BadRequestData', `${JSON.stringify(item)?.slice(0, 120)} is not an entity id (URI)`);
    if (!store.delete(item)) throw ngsiError('ResourceNotFound', `Entity ${item} not found`);
    return { id: item };
  }, false);
  return noContentOr207(run);
};
