/** Implements ETSI GS CIM 009 v1.8 clause 5.6.6 Delete Entity (HTTP binding 6.5.3.2: DELETE /entities/{entityId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { entityIdOf } from '../params';
import type { Operation } from '../request';

export const deleteEntity: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const store = broker.tenants.forRead(req.tenant);
  if (!(await store.write(() => store.delete(id)))) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
  return { status: 204 };
};
