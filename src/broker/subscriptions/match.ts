/**
 * Whether a committed change of an entity triggers a subscription (ETSI GS CIM 009 v1.8, clause
 * 5.2.12 and the notification behaviour of clause 5.8.6), and why:
 *   1. the entity matches one of the `entities` selectors (id or idPattern, and type), if any;
 *   2. the change produced an event the `notificationTrigger` list asks for: entityCreated,
 *      entityDeleted, or an attribute created/updated/deleted (entityUpdated standing for the three),
 *      attribute events counting only for `watchedAttributes` when given. A creation creates all the
 *      entity's attributes (so the default triggers notify creations too); a deletion is only an
 *      entityDeleted event;
 *   3. the entity (after the change; before it for a deletion) meets `q` and `geoQ`.
 * Activity and expiry are the engine's business.
 */
import { matchGeo } from '../../ngsi-ld/geo';
import { matchQRows, matchType, rowMap, type RowMap } from '../../ngsi-ld/q';
import type { Geometry, StoredEntity } from '../../ngsi-ld/types';
import { diffAttributes, type AttrEvent } from './diff';
import type { CompiledSubscription, Trigger } from './types';

/** One committed change with what matching derives from it, computed once for every subscription. */
export interface ChangeEvent {
  id: string;
  before?: StoredEntity;
  after?: StoredEntity;
  attrs(): Map<string, AttrEvent>;
  rows(): RowMap;
}

/** Builds a ChangeEvent whose attribute diff and q rows are computed on first use. */
export function changeEvent(id: string, before: StoredEntity | undefined, after: StoredEntity | undefined): ChangeEvent {
  let attrs: Map<string, AttrEvent> | undefined;
  let rows: RowMap | undefined;
  return {
    id,
    before,
    after,
    attrs: () => (attrs ??= diffAttributes(before, after)),
    rows: () => (rows ??= rowMap((after ?? before)!)),
  };
}

const ATTR_TRIGGER: Record<AttrEvent, Trigger> = { created: 'attributeCreated', updated: 'attributeUpdated', deleted: 'attributeDeleted' };

/** Whether the subscription asks for attribute events of this kind. */
export function wantsAttrEvent(s: CompiledSubscription, ev: AttrEvent): boolean {
  return s.triggers.has(ATTR_TRIGGER[ev]) || s.triggers.has('entityUpdated');
}

export function selects(s: CompiledSubscription, e: StoredEntity): boolean {
  if (s.selectors.length === 0) return true;
  const expand = (t: string): string => s.ctx.expand(t);
  return s.selectors.some((sel) => {
    if (sel.id !== undefined ? sel.id !== e.id : sel.pattern !== undefined && !sel.pattern.test(e.id)) return false;
    return matchType(sel.type, e.types, expand);
  });
}

/** q and geoQ on the entity. */
export function meetsFilters(s: CompiledSubscription, e: StoredEntity, rows: () => RowMap): boolean {
  if (s.q && !matchQRows(s.q, rows(), (t) => s.ctx.expand(t))) return false;
  if (s.geo) {
    const g = s.geo;
    const hit = (e.attrs[g.path] ?? []).some((i) => i.type === 'GeoProperty' && matchGeo(g.query, i.value as Geometry));
    if (!hit) return false;
  }
  return true;
}

/** The trigger of `s` this change fires, or undefined. */
export function triggerOf(s: CompiledSubscription, c: ChangeEvent): Trigger | undefined {
  const e = (c.after ?? c.before)!;
  if (!selects(s, e)) return undefined;
  let reason: Trigger | undefined;
  if (!c.after) {
    reason = s.triggers.has('entityDeleted') ? 'entityDeleted' : undefined;
  } else if (!c.before && s.triggers.has('entityCreated')) {
    reason = 'entityCreated';
  } else {
    for (const [name, ev] of c.attrs()) {
      if (s.watched && !s.watched.has(name)) continue;
      if (!wantsAttrEvent(s, ev)) continue;
      reason = ATTR_TRIGGER[ev];
      if (ev === 'updated') break; // the most telling reason when several apply
    }
  }
  if (!reason) return undefined;
  return meetsFilters(s, e, c.rows) ? reason : undefined;
}
