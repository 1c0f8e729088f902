/** Implements ETSI GS CIM 009 v1.8 clause 5.6.2 Update Entity Attributes (HTTP binding 6.6.3.2: PATCH /entities/{entityId}/attrs). */
import { ngsiError } from '../../ngsi-ld/errors';
import { entityFragment } from './fragment';
import { updateAttributes as update } from '../mutations';
import { entityIdOf } from '../params';
import type { Operation } from '../request';

export const updateAttributes: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const now = broker.now();
  const f = entityFragment(req.body, req.ctx, { now, pathId: id });
  const store = broker.tenants.forRead(req.tenant);
  const result = await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    const r = update(e, f.attrs, { now, compact: (i) => req.ctx.compact(i) });
    if (r.updated.length) store.update(e);
    return r;
  });
  return result.notUpdated.length ? { status: 207, body: result } : { status: 204 };
};
