/** The body of an operation on `/entities/{entityId}…`, expanded: its id, when given, must be the path's. */
import { ngsiError } from '../../ngsi-ld/errors';
import { expandEntity, type ExpandedFragment } from '../../ngsi-ld/entity/expand-entity';
import type { RequestContext } from '../request';

export function entityFragment(
  body: unknown,
  ctx: RequestContext['ctx'],
  o: { now: string; pathId?: string; requireType?: boolean; allowNull?: boolean },
): ExpandedFragment {
  const f = expandEntity(body, ctx, { requireId: false, requireType: !!o.requireType, now: o.now, allowNull: o.allowNull });
  if (o.pathId !== undefined && f.id !== undefined && f.id !== o.pathId) {
    throw ngsiError('BadRequestData', `The body's id ${f.id} differs from the path's ${o.pathId}`);
  }
  return f;
}
