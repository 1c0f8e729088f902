/**
 * A stored subscription → its matchable form: names expanded with its @context, q parsed, geoQ parsed,
 * idPattern compiled (ETSI GS CIM 009 v1.8, clause 5.2.12). Also the term re-mapping used when a
 * subscription is shown or updated under another @context.
 */
import type { CompiledContext } from '../../ngsi-ld/context';
import type { TermMapper } from '../../ngsi-ld/entity/terms';
import { parseGeoQuery } from '../../ngsi-ld/geo';
import { compileRegex, parseQ, parseTypeExpr, type TypeExpr } from '../../ngsi-ld/q';
import type { SubscriptionFragment } from './parse-subscription';
import type { CompiledSelector, CompiledSubscription, Counters, SubscriptionDoc } from './types';

function typeNames(t: TypeExpr, out: Set<string>, expand: (s: string) => string): Set<string> {
  if (t.kind === 'type') out.add(expand(t.name));
  else for (const i of t.items) typeNames(i, out, expand);
  return out;
}

export interface CompileInput {
  doc: SubscriptionDoc;
  ctx: CompiledContext;
  notifyCtx?: CompiledContext;
  tenant?: string;
  counters?: Counters;
}

export function compileSubscription(i: CompileInput): CompiledSubscription {
  const { doc, ctx } = i;
  const expand = (t: string): string => ctx.expand(t);
  const selectors: CompiledSelector[] = (doc.entities ?? []).map((s) => {
    const type = parseTypeExpr(s.type);
    const sel: CompiledSelector = { type, typeNames: [...typeNames(type, new Set(), expand)] };
    if (s.id !== undefined) sel.id = s.id;
    else if (s.idPattern !== undefined) sel.pattern = compileRegex(s.idPattern) ?? undefined;
    return sel;
  });
  const out: CompiledSubscription = {
    doc,
    tenant: i.tenant,
    ctx,
    notifyCtx: i.notifyCtx ?? ctx,
    selectors,
    triggers: new Set(doc.notificationTrigger),
    counters: i.counters ?? { timesSent: 0, timesFailed: 0 },
  };
  if (doc.watchedAttributes) out.watched = new Set(doc.watchedAttributes.map(expand));
  if (doc.notification.attributes) out.attrs = new Set(doc.notification.attributes.map(expand));
  if (doc.q !== undefined) out.q = parseQ(doc.q);
  if (doc.geoQ) {
    const query = parseGeoQuery(doc.geoQ)!;
    out.geo = { query, path: expand(query.geoproperty) };
  }
  if (doc.expiresAt) out.expiresAtMs = Date.parse(doc.expiresAt);
  return out;
}

/** Re-writes the names of a type expression (`A,(B;C)`) with `fn`, operators kept. */
export function mapTypeExpr(expr: string, fn: (name: string) => string): string {
  return expr.replace(/[^,;|()\s]+/g, (name) => fn(name));
}

/**
 * The names of a fragment written under `from`, re-written as terms of `to` (the subscription's
 * @context): `to.compact(from.expand(name))`, a full IRI when `to` has no term for it. `q` stays as
 * written: it is read with the subscription's @context.
 */
export function remapFragment(f: SubscriptionFragment, from: TermMapper, to: TermMapper): SubscriptionFragment {
  const map = (n: string): string => to.compact(from.expand(n));
  const out: SubscriptionFragment = { ...f };
  if (f.entities) out.entities = f.entities.map((s) => ({ ...s, type: mapTypeExpr(s.type, map) }));
  if (f.watchedAttributes) out.watchedAttributes = f.watchedAttributes.map(map);
  if (f.geoQ?.geoproperty) out.geoQ = { ...f.geoQ, geoproperty: map(f.geoQ.geoproperty) };
  if (f.notification?.attributes) out.notification = { ...f.notification, attributes: f.notification.attributes.map(map) };
  return out;
}
