/** Implements ETSI GS CIM 009 v1.8 clause 5.7.2 Query Entities (HTTP binding 6.4.3.2: GET /entities). */
import { list } from '../params';
import { API_BASE } from '../api-base';
import type { Operation } from '../request';
import { geoFromParams, runQuery } from './run-query';

export const queryEntities: Operation = (broker, req) => {
  const p = req.params;
  return runQuery(broker, req, {
    selectors: [{ type: p.type, id: list(p.id), idPattern: p.idPattern }],
    attrs: list(p.attrs),
    q: p.q,
    geo: geoFromParams(p),
  }, `${API_BASE}/entities`);
};
