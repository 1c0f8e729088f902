/**
 * A subscription as returned by Retrieve/Query Subscriptions (ETSI GS CIM 009 v1.8, clauses 5.8.3,
 * 5.8.4): names compacted with the request's @context (as entities are), the computed `status`, and
 * the notification counters.
 */
import type { TermMapper } from '../../ngsi-ld/entity/terms';
import { mapTypeExpr } from './compile';
import type { CompiledSubscription, SubscriptionStatus } from './types';

/** active, paused (isActive false) or expired (expiresAt passed): clause 5.2.12 `status`. */
export function statusOf(s: CompiledSubscription, nowMs: number): SubscriptionStatus {
  if (s.expiresAtMs !== undefined && s.expiresAtMs <= nowMs) return 'expired';
  return s.doc.isActive ? 'active' : 'paused';
}

/** The JSON of a subscription for a response; `reqCtx` is the request's @context. */
export function presentSubscription(s: CompiledSubscription, reqCtx: TermMapper, nowMs: number): Record<string, unknown> {
  const { context, createdAt, modifiedAt, notification, ...doc } = s.doc;
  void createdAt;
  void modifiedAt;
  const map = (n: string): string => reqCtx.compact(s.ctx.expand(n));
  const out: Record<string, unknown> = { ...doc };
  if (doc.entities) out.entities = doc.entities.map((e) => ({ ...e, type: mapTypeExpr(e.type, map) }));
  if (doc.watchedAttributes) out.watchedAttributes = doc.watchedAttributes.map(map);
  if (doc.geoQ?.geoproperty) out.geoQ = { ...doc.geoQ, geoproperty: map(doc.geoQ.geoproperty) };
  const c = s.counters;
  const n: Record<string, unknown> = { ...notification };
  if (notification.attributes) n.attributes = notification.attributes.map(map);
  n.timesSent = c.timesSent;
  n.timesFailed = c.timesFailed;
  if (c.lastNotification) {
    n.lastNotification = c.lastNotification;
    n.status = c.lastFailure && (!c.lastSuccess || c.lastFailure > c.lastSuccess) ? 'failed' : 'ok';
  }
  if (c.lastSuccess) n.lastSuccess = c.lastSuccess;
  if (c.lastFailure) n.lastFailure = c.lastFailure;
  out.notification = n;
  const linkable = typeof context === 'string' ? context : s.ctx.urls?.length === 1 ? s.ctx.urls[0] : undefined;
  if (!doc.jsonldContext && linkable) out.jsonldContext = linkable;
  out.status = statusOf(s, nowMs);
  return out;
}
