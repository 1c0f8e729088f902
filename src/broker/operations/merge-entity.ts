/** Implements ETSI GS CIM 009 v1.8 clause 5.6.17 Merge Entity (HTTP binding 6.5.3.4: PATCH /entities/{entityId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandEntity } from '../../ngsi-ld/entity/expand-entity';
import type { StoredEntity } from '../../ngsi-ld/types';
import { mergeAttributes } from '../mutations';
import { entityIdOf } from '../params';
import type { Operation, RequestContext } from '../request';

/** Applies a merge fragment to an entity; shared with batch merge. */
export function mergeInto(e: StoredEntity, body: unknown, ctx: RequestContext['ctx'], now: string, pathId?: string): void {
  const f = expandEntity(body, ctx, { requireId: false, requireType: false, now, allowNull: true });
  if (pathId !== undefined && f.id !== undefined && f.id !== pathId) throw ngsiError('BadRequestData', `The body's id ${f.id} differs from the path's ${pathId}`);
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
