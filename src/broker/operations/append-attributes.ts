/** Implements ETSI GS CIM 009 v1.8 clause 5.6.3 Append Entity Attributes (HTTP binding 6.6.3.1: POST /entities/{entityId}/attrs). */
import { ngsiError } from '../../ngsi-ld/errors';
import { entityFragment } from './fragment';
import { appendAttributes as append } from '../mutations';
import { entityIdOf, options } from '../params';
import type { Operation } from '../request';

export const appendAttributes: Operation = async (broker, req) => {
  const id = entityIdOf(req);
  const noOverwrite = options(req.params).has('noOverwrite');
  const now = broker.now();
  const f = entityFragment(req.body, req.ctx, { now, pathId: id });
  const store = broker.tenants.forRead(req.tenant);
  const result = await store.write(() => {
    const e = store.get(id);
    if (!e) throw ngsiError('ResourceNotFound', `Entity ${id} not found`);
    if (f.types) e.types = [...new Set([...e.types, ...f.types])];
    if (f.scope) e.scope = f.scope;
    const r = append(e, f.attrs, { noOverwrite, now, compact: (i) => req.ctx.compact(i) });
    if (r.updated.length || f.types || f.scope) store.update(e);
    return r;
  });
  return result.notUpdated.length ? { status: 207, body: result } : { status: 204 };
};
