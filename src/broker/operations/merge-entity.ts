/** Implements ETSI GS CIM 009 v1.8 clause 5.6.17 Merge Entity (HTTP binding 6.5.3.4: PATCH /entities/{entityId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { entityFragment } from './fragment';
import type { StoredEntity } from '../../ngsi-ld/types';
import { mergeAttributes } from '../mutations';
import { entityIdOf } from '../params';
import type { Operation, RequestContext } from '../request';

/** Applies a merge fragment to an entity; shared with batch merge. */
export function mergeInto(e: StoredEntity, body: unknown, ctx: RequestContext['ctx'], now: string, pathId?: string): void {
  const f = entityFragment(body, ctx, { now, pathId, allowNull: true });
  if (f.types) e.types = [...new Set([...e.types, ...f.types])];
  if (f.scope) e.scope = f.scope;
  mergeAttributes(e, f.attrs, now);
}

export const mergeEntity: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const store = broker.tenants.forRead(req.tenant);
  await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    mergeInto(e, req.body, req.ctx, broker.now(), id);
    store.update(e);
  });
  return { status: 204 };
};
