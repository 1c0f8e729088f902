/**
 * Periodic notifications (ETSI GS CIM 009 v1.8, clause 5.2.12 `timeInterval`): every interval, the
 * entities matching the subscription's selectors, q and geoQ, read from the store in one bounded query.
 */
import { searchBox, matchGeo } from '../../ngsi-ld/geo';
import { parseTypeExpr, qToSql, typeToSql } from '../../ngsi-ld/q';
import type { StoredEntity } from '../../ngsi-ld/types';
import type { EntityStore, QueryPlan, Selector } from '../store/types';
import type { CompiledSubscription } from './types';

/** At most this many entities in one periodic notification. */
export const PERIODIC_MAX_ENTITIES = 1000;

export function periodicPlan(s: CompiledSubscription): QueryPlan {
  const expand = (t: string): string => s.ctx.expand(t);
  const selectors: Selector[] = (s.doc.entities ?? []).map((e) => {
    const sel: Selector = { type: typeToSql(parseTypeExpr(e.type), expand, 'e', s.q !== undefined) };
    if (e.id !== undefined) sel.ids = [e.id];
    else if (e.idPattern !== undefined) sel.idPattern = e.idPattern;
    return sel;
  });
  const plan: QueryPlan = { selectors, limit: PERIODIC_MAX_ENTITIES, offset: 0, count: false };
  if (s.q) plan.q = qToSql(s.q, expand);
  if (s.geo) {
    const g = s.geo;
    plan.geo = { path: g.path, box: searchBox(g.query), match: (geom) => matchGeo(g.query, geom) };
  }
  return plan;
}

/** The entities a periodic notification carries now. */
export function periodicEntities(s: CompiledSubscription, store: EntityStore): StoredEntity[] {
  return store.query(periodicPlan(s)).rows.map((r) => JSON.parse(r.doc) as StoredEntity);
}
