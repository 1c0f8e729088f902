/**
 * Builds a Notification (ETSI GS CIM 009 v1.8, clause 5.3.1; HTTP binding 6.3.x) for a subscription:
 * `data` rendered by the entity renderer (compact-entity.ts) with the subscription's format,
 * attributes, sysAttrs and lang, compacted with its @context; `showChanges` adds the previous value of
 * changed attributes (previousValue, previousObject, previousLanguageMap…); deleted attributes appear
 * with the value `urn:ngsi-ld:null` and `deletedAt`, deleted entities as id, type and `deletedAt`.
 * Headers: `application/json` + Link to the @context, or `application/ld+json` with `@context` in the
 * body; NGSILD-Tenant outside the default tenant.
 */
import { randomUUID } from 'node:crypto';
import { CORE_CONTEXT_URL, type CompiledContext } from '../../ngsi-ld/context';
import { compactEntity, renderAttribute, type RenderOptions } from '../../ngsi-ld/entity/compact-entity';
import { NGSI_LD_NULL } from '../../ngsi-ld/entity/terms';
import { VALUE_MEMBER, type AttributeType, type Entity, type Geometry, type StoredAttribute, type StoredEntity } from '../../ngsi-ld/types';
import type { NotificationDelivery } from './notifier/types';
import { sameJson } from './diff';
import { wantsAttrEvent } from './match';
import type { CompiledSubscription, Trigger } from './types';

/** One entity of a notification: its state after the change (none: deleted) and before it. */
export interface NotifyItem {
  id: string;
  before?: StoredEntity;
  after?: StoredEntity;
}

const PREVIOUS: Record<AttributeType, string> = {
  Property: 'previousValue',
  GeoProperty: 'previousValue',
  Relationship: 'previousObject',
  LanguageProperty: 'previousLanguageMap',
  ListProperty: 'previousValueList',
  ListRelationship: 'previousObjectList',
  JsonProperty: 'previousJson',
  VocabProperty: 'previousVocab',
};

const NULL_VALUE: Partial<Record<AttributeType, unknown>> = {
  LanguageProperty: { '@none': NGSI_LD_NULL },
  ListProperty: [NGSI_LD_NULL],
  ListRelationship: [{ object: NGSI_LD_NULL }],
};

const linkOf = (url: string): string => `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

/** The @context notifications are compacted with, and how the receiver learns it. */
export function notifyContext(s: CompiledSubscription, core: CompiledContext): { ctx: CompiledContext; link: string; body: unknown } {
  const c = s.notifyCtx;
  const body = s.doc.jsonldContext ?? s.doc.context ?? CORE_CONTEXT_URL;
  if (c.key === core.key) return { ctx: c, link: CORE_CONTEXT_URL, body };
  if (c.urls?.length === 1) return { ctx: c, link: c.urls[0], body };
  // an inline or multi-URL @context cannot travel in one Link: JSON receivers get full IRIs instead
  return s.doc.notification.endpoint.accept === 'application/ld+json' ? { ctx: c, link: CORE_CONTEXT_URL, body } : { ctx: core, link: CORE_CONTEXT_URL, body };
}

function previousMember(inst: StoredAttribute, ctx: CompiledContext): [string, unknown] {
  const v = inst[VALUE_MEMBER[inst.type]];
  if (inst.type === 'VocabProperty') return [PREVIOUS.VocabProperty, Array.isArray(v) ? v.map((x) => ctx.compact(x as string)) : ctx.compact(v as string)];
  return [PREVIOUS[inst.type], v];
}

/** An attribute rendered as an object (or array of objects) so that previous* members can be added. */
function withPrevious(now: StoredAttribute[], old: StoredAttribute[], ctx: CompiledContext, o: RenderOptions): unknown {
  const rendered = now.map((inst) => {
    const r = renderAttribute([inst], ctx, { ...o, format: 'normalized' }) as Record<string, unknown>;
    if (o.format === 'concise') delete r.type;
    const prev = old.find((p) => p.datasetId === inst.datasetId);
    if (prev && !sameJson(prev, inst)) {
      const [k, v] = previousMember(prev, ctx);
      r[k] = v;
    }
    return r;
  });
  return rendered.length === 1 ? rendered[0] : rendered;
}

function deletedAttribute(old: StoredAttribute[], ctx: CompiledContext, o: RenderOptions, showChanges: boolean, now: string): unknown {
  if (o.format === 'keyValues') return NGSI_LD_NULL;
  const rendered = old.map((inst) => {
    const r: Record<string, unknown> = { type: inst.type, [VALUE_MEMBER[inst.type]]: NULL_VALUE[inst.type] ?? NGSI_LD_NULL };
    if (inst.datasetId !== undefined) r.datasetId = inst.datasetId;
    r.deletedAt = now;
    if (showChanges) {
      const [k, v] = previousMember(inst, ctx);
      r[k] = v;
    }
    if (o.format === 'concise') delete r.type;
    return r;
  });
  return rendered.length === 1 ? rendered[0] : rendered;
}

/** One entity of `data`. */
export function renderItem(s: CompiledSubscription, item: NotifyItem, ctx: CompiledContext, now: string): Entity {
  const n = s.doc.notification;
  if (!item.after) {
    const types = item.before ? item.before.types.map((t) => ctx.compact(t)) : [];
    return { id: item.id, type: types.length === 1 ? types[0] : types, deletedAt: now };
  }
  const o: RenderOptions = { format: n.format, sysAttrs: n.sysAttrs, attrs: s.attrs, lang: s.doc.lang ? s.doc.lang.split(',').map((l) => l.trim()) : undefined };
  const out = compactEntity(item.after, ctx, o);
  const before = item.before?.attrs;
  if (!before) return out;
  const shown = (name: string): boolean => !s.attrs || s.attrs.has(name);
  if (n.showChanges) {
    for (const [name, list] of Object.entries(item.after.attrs)) {
      const old = before[name];
      const changed = old && list.some((inst) => old.some((p) => p.datasetId === inst.datasetId && !sameJson(p, inst)));
      if (changed && shown(name)) out[ctx.compact(name)] = withPrevious(list, old, ctx, o);
    }
  }
  if (wantsAttrEvent(s, 'deleted')) {
    for (const [name, old] of Object.entries(before)) {
      if (!item.after.attrs[name] && shown(name) && (!s.watched || s.watched.has(name))) out[ctx.compact(name)] = deletedAttribute(old, ctx, o, n.showChanges, now);
    }
  }
  return out;
}

function toFeature(e: Entity, geoName: string): unknown {
  const { id, [geoName]: geo, ...properties } = e;
  const value = (geo as { value?: unknown } | undefined)?.value ?? geo;
  const geometry = value && typeof value === 'object' && 'coordinates' in (value as object) ? (value as Geometry) : null;
  if (geo !== undefined) properties[geoName] = geo;
  return { id, type: 'Feature', geometry, properties };
}

export interface NotificationInput {
  items: NotifyItem[];
  reason?: Trigger;
  now: string;
  core: CompiledContext;
  orderKey?: string;
}

/** The delivery of one notification to the subscription's endpoint. */
export function buildNotification(s: CompiledSubscription, i: NotificationInput): NotificationDelivery {
  const ep = s.doc.notification.endpoint;
  const { ctx, link, body: ctxBody } = notifyContext(s, i.core);
  const entities = i.items.map((item) => renderItem(s, item, ctx, i.now));
  const data = ep.accept === 'application/geo+json' ? { type: 'FeatureCollection', features: entities.map((e) => toFeature(e, 'location')) } : entities;
  const body: Record<string, unknown> = {};
  if (ep.accept === 'application/ld+json') body['@context'] = ctxBody;
  Object.assign(body, { id: `urn:ngsi-ld:Notification:${randomUUID()}`, type: 'Notification', subscriptionId: s.doc.id, notifiedAt: i.now, data });
  if (i.reason) body.triggerReason = i.reason;
  const headers: Record<string, string> = { 'Content-Type': ep.accept };
  if (ep.accept !== 'application/ld+json') headers.Link = linkOf(link);
  if (s.tenant !== undefined) headers['NGSILD-Tenant'] = s.tenant;
  const d: NotificationDelivery = { subscriptionId: s.doc.id, orderKey: i.orderKey, endpoint: { uri: ep.uri, accept: ep.accept }, headers, body };
  if (s.tenant !== undefined) d.tenant = s.tenant;
  if (ep.receiverInfo) d.endpoint.receiverInfo = ep.receiverInfo;
  if (ep.notifierInfo) d.endpoint.notifierInfo = ep.notifierInfo;
  return d;
}
