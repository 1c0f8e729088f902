/** Implements ETSI GS CIM 009 v1.8 clause 5.6.18 Replace Entity (HTTP binding 6.5.3.3: PUT /entities/{entityId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { entityFragment } from './fragment';
import { entityIdOf } from '../params';
import type { Operation } from '../request';

export const replaceEntity: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const now = broker.now();
  const f = entityFragment(req.body, req.ctx, { now, pathId: id, requireType: true });
  const store = broker.tenants.forRead(req.tenant);
  await store.write(() => {
    const old = store.get(id);
    if (!old) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    store.update({ id, types: f.types!, scope: f.scope, createdAt: old.createdAt, modifiedAt: now, attrs: f.attrs });
  });
  return { status: 204 };
};
