/** Implements ETSI GS CIM 009 v1.8 clause 5.6.19 Replace Attribute (HTTP binding 6.7.3.3: PUT /entities/{entityId}/attrs/{attrId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandAttribute } from '../../ngsi-ld/entity/expand-attribute';
import { attrIdOf, entityIdOf } from '../params';
import type { Operation } from '../request';

export const replaceAttribute: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const name = attrIdOf(req);
  const now = broker.now();
  const instances = expandAttribute(req.attrId!, req.body, req.ctx, { now });
  const store = broker.tenants.forRead(req.tenant);
  await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    const list = e.attrs[name];
    if (!list) throw ngsiError('ResourceNotFound', `Attribute ${req.attrId} not found in entity ${id}`);
    for (const inst of instances) {
      const at = list.findIndex((i) => i.datasetId === inst.datasetId);
      if (at < 0) throw ngsiError('ResourceNotFound', `Attribute ${req.attrId} has no instance with datasetId ${String(inst.datasetId)}`);
      list[at] = { ...inst, createdAt: list[at].createdAt };
    }
    e.modifiedAt = now;
    store.update(e);
  });
  return { status: 204 };
};
