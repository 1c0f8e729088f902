/** Implements ETSI GS CIM 009 v1.8 clause 5.6.4 Partial Attribute Update (HTTP binding 6.7.3.1: PATCH /entities/{entityId}/attrs/{attrId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandAttribute } from '../../ngsi-ld/entity/expand-attribute';
import { mergeInstance } from '../mutations';
import { attrIdOf, entityIdOf } from '../params';
import type { Operation } from '../request';

export const partialAttributeUpdate: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const name = attrIdOf(req);
  const now = broker.now();
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw ngsiError('BadRequestData', 'The attribute fragment must be a JSON object');
  const [patch] = expandAttribute(req.attrId!, req.body, req.ctx, { now, partial: true, allowNull: true });
  const store = broker.tenants.forRead(req.tenant);
  await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    const list = e.attrs[name];
    const at = list ? list.findIndex((i) => i.datasetId === patch.datasetId) : -1;
    if (at < 0) throw ngsiError('ResourceNotFound', `Attribute ${req.attrId} not found in entity ${id}`);
    list[at] = mergeInstance(list[at], patch);
    e.modifiedAt = now;
    store.update(e);
  });
  return { status: 204 };
};
