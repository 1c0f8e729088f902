/** Implements ETSI GS CIM 009 v1.8 clause 5.6.9 Batch Entity Update (HTTP binding 6.16.3.1: POST /entityOperations/update, options=noOverwrite). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandEntity } from '../../ngsi-ld/entity/expand-entity';
import { appendAttributes } from '../mutations';
import { options } from '../params';
import type { Operation } from '../request';
import { batchItems, noContentOr207, runBatch } from './batch';

export const batchUpdate: Operation = async (broker, req) => {
  const noOverwrite = options(req.params).has('noOverwrite');
  const run = await runBatch(broker, req, batchItems(req.body), (store, item, now) => {
    const f = expandEntity(item, req.ctx, { requireId: true, requireType: false, now });
    const e = store.get(f.id!);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${f.id} not found`);
    if (f.types) e.types = [...new Set([...e.types, ...f.types])];
    appendAttributes(e, f.attrs, { noOverwrite, now, compact: (i) => i });
    store.update(e);
    return { id: e.id };
  }, false);
  return noContentOr207(run);
};
