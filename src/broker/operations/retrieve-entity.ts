/** Implements ETSI GS CIM 009 v1.8 clause 5.7.1 Retrieve Entity (HTTP binding 6.5.3.1: GET /entities/{entityId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandTypes } from '../../ngsi-ld/entity/expand-entity';
import { entityIdOf, list, renderOptions } from '../params';
import { renderOne } from '../render';
import type { StoredEntity } from '../../ngsi-ld/types';
import type { Operation } from '../request';

export const retrieveEntity: Operation = (broker, req) => {
  const id = entityIdOf(req);
  const o = renderOptions(req);
  const row = broker.tenants.forRead(req.tenant).getRow(id);
  if (!row) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
  const types = list(req.params.type);
  if (types?.length) {
    const stored = (JSON.parse(row.doc) as StoredEntity).types;
    if (!expandTypes(types, req.ctx).some((t) => stored.includes(t))) throw ngsiError('ResourceNotFound', `Entity ${id} of the requested type not found`);
  }
  return { status: 200, json: renderOne(broker, row, req, o) };
};
