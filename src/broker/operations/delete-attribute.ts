/** Implements ETSI GS CIM 009 v1.8 clause 5.6.5 Delete Entity Attribute (HTTP binding 6.7.3.2: DELETE /entities/{entityId}/attrs/{attrId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { deleteAttribute as remove } from '../mutations';
import { attrIdOf, datasetIdParam, entityIdOf } from '../params';
import type { Operation } from '../request';

export const deleteAttribute: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const name = attrIdOf(req);
  const datasetId = datasetIdParam(req.params);
  const da = req.params.deleteAll;
  if (da !== undefined && da !== 'true' && da !== 'false') throw ngsiError('BadRequestData', 'deleteAll must be true or false');
  const store = broker.tenants.forRead(req.tenant);
  await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    if (!remove(e, name, { datasetId, deleteAll: da === 'true', now: broker.now() })) {
      throw ngsiError('ResourceNotFound', `Attribute ${req.attrId}${datasetId ? ` (datasetId ${datasetId})` : ''} not found in entity ${id}`);
    }
    store.update(e);
  });
  return { status: 204 };
};
