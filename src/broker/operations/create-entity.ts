/** Implements ETSI GS CIM 009 v1.8 clause 5.6.1 Create Entity (HTTP binding 6.4.3.1: POST /entities). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandEntity } from '../../ngsi-ld/entity/expand-entity';
import type { StoredEntity } from '../../ngsi-ld/types';
import { API_BASE } from '../api-base';
import type { Operation } from '../request';

/** Builds a new stored entity from an input body; shared with the batch operations. */
export function newEntity(body: unknown, ctx: Parameters<typeof expandEntity>[1], now: string): StoredEntity {
  const f = expandEntity(body, ctx, { requireId: true, requireType: true, now });
  const e: StoredEntity = { id: f.id!, types: f.types!, createdAt: now, modifiedAt: now, attrs: f.attrs };
  if (f.scope) e.scope = f.scope;
  return e;
}

export const createEntity: Operation = async (broker, req) => {
  const entity = newEntity(req.body, req.ctx, broker.now());
  const store = broker.tenants.forWrite(req.tenant);
  const created = await store.write(() => store.insert(entity));
  if (!created) throw ngsiError('AlreadyExists', `Entity ${entity.id} already exists`);
  return { status: 201, headers: { location: `${API_BASE}/entities/${encodeURIComponent(entity.id)}` } };
};
