/** Implements ETSI GS CIM 009 v1.8 clause 5.6.7 Batch Entity Creation (HTTP binding 6.14.3.1: POST /entityOperations/create). */
import { ngsiError } from '../../ngsi-ld/errors';
import type { Operation } from '../request';
import { batchItems, runBatch } from './batch';
import { newEntity } from './create-entity';

export const batchCreate: Operation = async (broker, req) => {
  const run = await runBatch(broker, req, batchItems(req.body), (store, item, now) => {
    const e = newEntity(item, req.ctx, now);
    if (!store.insert(e)) throw ngsiError('AlreadyExists', `Entity ${e.id} already exists`);
    return { id: e.id, created: true };
  }, true);
  return run.result.errors.length ? { status: 207, body: run.result } : { status: 201, body: run.result.success };
};
