/**
 * Validation of subscription bodies (ETSI GS CIM 009 v1.8, clause 5.2.12 Subscription, 5.2.14
 * NotificationParams, 5.2.15 Endpoint; create 5.8.1, update 5.8.2). Pure: body in, stored document
 * out; every error is a BadRequestData naming the member. Names stay as written; the caller keeps the
 * @context that reads them.
 */
import { ngsiError } from '../../ngsi-ld/errors';
import { isDateTime, isUri, isValidName } from '../../ngsi-ld/entity/terms';
import { parseGeoQuery } from '../../ngsi-ld/geo';
import { compileRegex, parseQ, parseTypeExpr } from '../../ngsi-ld/q';
import type { KeyValue } from './notifier/types';
import {
  DEFAULT_TRIGGERS, ENDPOINT_SCHEMES, NOTIFY_ACCEPT, TRIGGERS,
  type EndpointDoc, type GeoQDoc, type NotificationDoc, type NotifyAccept, type SelectorDoc, type SubscriptionDoc, type Trigger,
} from './types';

type Obj = Record<string, unknown>;
export type SubscriptionFragment = Partial<Omit<SubscriptionDoc, 'notification'>> & { notification?: Partial<NotificationDoc> };

function bad(detail: string): never {
  throw ngsiError('BadRequestData', detail);
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v)?.slice(0, 80) ?? String(v);

/** Members the broker fills in itself: accepted on input (a retrieved subscription can be sent back) and ignored. */
const READ_ONLY = new Set(['@context', 'status', 'createdAt', 'modifiedAt']);
const NOTIFICATION_READ_ONLY = new Set(['status', 'timesSent', 'timesFailed', 'lastNotification', 'lastSuccess', 'lastFailure']);
const UNSUPPORTED = new Set(['scopeQ', 'csf', 'temporalQ', 'localOnly', 'datasetId', 'nullify', 'expandValues', 'join', 'joinLevel', 'contextSourceInfo']);

function str(v: unknown, name: string, max = 2048): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) bad(`${name} must be a non-empty string of at most ${max} characters`);
  return v as string;
}

function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') bad(`${name} must be true or false, got ${show(v)}`);
  return v as boolean;
}

function positive(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(`${name} must be a number of seconds greater than 0, got ${show(v)}`);
  return v as number;
}

function names(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.length === 0) bad(`${name} must be a non-empty array of attribute names`);
  const list = v as unknown[];
  for (const a of list) if (typeof a !== 'string' || !isValidName(a)) bad(`${name}: invalid attribute name ${show(a)}`);
  return [...new Set(list as string[])];
}

function onlyMembers(o: Obj, allowed: readonly string[], name: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(`${name}: unknown member '${k.slice(0, 60)}' (allowed: ${allowed.join(', ')})`);
}

function selector(v: unknown, i: number): SelectorDoc {
  const name = `entities[${i}]`;
  if (!isObj(v)) bad(`${name} must be an object with type and optionally id or idPattern`);
  const o = v as Obj;
  onlyMembers(o, ['type', 'id', 'idPattern'], name);
  const type = str(o.type, `${name}.type`, 4096);
  parseTypeExpr(type);
  const sel: SelectorDoc = { type };
  if (o.id !== undefined) {
    if (!isUri(o.id)) bad(`${name}.id must be a URI, got ${show(o.id)}`);
    sel.id = o.id as string;
  }
  if (o.idPattern !== undefined) {
    const p = str(o.idPattern, `${name}.idPattern`);
    if (!compileRegex(p)) bad(`${name}.idPattern ${show(p)} is not a valid regular expression`);
    sel.idPattern = p;
  }
  return sel;
}

function keyValues(v: unknown, name: string): KeyValue[] {
  if (!Array.isArray(v)) bad(`${name} must be an array of {key, value}`);
  return (v as unknown[]).map((kv, i) => {
    if (!isObj(kv) || typeof kv.key !== 'string' || kv.key === '' || typeof kv.value !== 'string') bad(`${name}[${i}] must be {"key": "<non-empty string>", "value": "<string>"}`);
    const o = kv as Obj;
    return { key: o.key as string, value: o.value as string };
  });
}

/** An endpoint URI: absolute, with one of the schemes the notifier speaks. */
function endpointUri(v: unknown): string {
  const uri = str(v, 'notification.endpoint.uri');
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    bad(`notification.endpoint.uri ${show(uri)} is not an absolute URI`);
  }
  const scheme = url!.protocol.slice(0, -1);
  if (!(ENDPOINT_SCHEMES as readonly string[]).includes(scheme)) bad(`notification.endpoint.uri: scheme '${scheme}' is not supported (use ${ENDPOINT_SCHEMES.join(', ')})`);
  if (!url!.hostname) bad(`notification.endpoint.uri ${show(uri)} has no host`);
  return uri;
}

function endpoint(v: unknown): EndpointDoc {
  if (!isObj(v)) bad('notification.endpoint must be an object with at least uri');
  const o = v as Obj;
  onlyMembers(o, ['uri', 'accept', 'receiverInfo', 'notifierInfo', 'timeout', 'cooldown'], 'notification.endpoint');
  const ep: EndpointDoc = { uri: endpointUri(o.uri), accept: 'application/json' };
  if (o.accept !== undefined) {
    if (!(NOTIFY_ACCEPT as readonly unknown[]).includes(o.accept)) bad(`notification.endpoint.accept must be one of ${NOTIFY_ACCEPT.join(', ')}, got ${show(o.accept)}`);
    ep.accept = o.accept as NotifyAccept;
  }
  if (o.receiverInfo !== undefined) ep.receiverInfo = keyValues(o.receiverInfo, 'notification.endpoint.receiverInfo');
  if (o.notifierInfo !== undefined) ep.notifierInfo = keyValues(o.notifierInfo, 'notification.endpoint.notifierInfo');
  return ep;
}

function notification(v: unknown): Partial<NotificationDoc> {
  if (!isObj(v)) bad('notification must be an object with an endpoint');
  const o = v as Obj;
  onlyMembers(o, ['attributes', 'format', 'showChanges', 'sysAttrs', 'endpoint', ...NOTIFICATION_READ_ONLY], 'notification');
  const n: Partial<NotificationDoc> = {};
  if (o.attributes !== undefined) n.attributes = names(o.attributes, 'notification.attributes');
  if (o.format !== undefined) {
    if (o.format !== 'normalized' && o.format !== 'concise' && o.format !== 'keyValues') bad(`notification.format must be normalized, concise or keyValues, got ${show(o.format)}`);
    n.format = o.format as NotificationDoc['format'];
  }
  if (o.showChanges !== undefined) n.showChanges = bool(o.showChanges, 'notification.showChanges');
  if (o.sysAttrs !== undefined) n.sysAttrs = bool(o.sysAttrs, 'notification.sysAttrs');
  if (o.endpoint !== undefined) n.endpoint = endpoint(o.endpoint);
  return n;
}

function triggers(v: unknown): Trigger[] {
  if (!Array.isArray(v) || v.length === 0) bad(`notificationTrigger must be a non-empty array of ${TRIGGERS.join(', ')}`);
  for (const t of v as unknown[]) if (!(TRIGGERS as readonly unknown[]).includes(t)) bad(`notificationTrigger: unknown trigger ${show(t)} (expected ${TRIGGERS.join(', ')})`);
  return [...new Set(v as Trigger[])];
}

function geoQ(v: unknown): GeoQDoc {
  if (!isObj(v)) bad('geoQ must be an object with georel, geometry and coordinates');
  const o = v as Obj;
  onlyMembers(o, ['georel', 'geometry', 'coordinates', 'geoproperty'], 'geoQ');
  if (o.georel === undefined || o.geometry === undefined || o.coordinates === undefined) bad('geoQ needs georel, geometry and coordinates');
  if (o.geoproperty !== undefined && (typeof o.geoproperty !== 'string' || !isValidName(o.geoproperty))) bad(`geoQ.geoproperty: invalid attribute name ${show(o.geoproperty)}`);
  parseGeoQuery({ georel: o.georel as string, geometry: o.geometry as string, coordinates: o.coordinates, geoproperty: o.geoproperty as string | undefined });
  const g: GeoQDoc = { georel: o.georel as string, geometry: o.geometry as string, coordinates: o.coordinates };
  if (o.geoproperty !== undefined) g.geoproperty = o.geoproperty as string;
  return g;
}

/** Validates each member present in `body`; nothing about how they combine. */
export function parseMembers(body: unknown, now: string): SubscriptionFragment {
  if (!isObj(body)) bad('A subscription must be a JSON object');
  const o = body as Obj;
  const f: SubscriptionFragment = {};
  for (const [k, v] of Object.entries(o)) {
    if (READ_ONLY.has(k)) continue;
    if (UNSUPPORTED.has(k)) bad(`Subscription member '${k}' is not supported by this broker`);
    switch (k) {
      case 'id':
        if (!isUri(v)) bad(`id must be a URI, got ${show(v)}`);
        f.id = v as string;
        break;
      case 'type':
        if (v !== 'Subscription') bad(`type must be "Subscription", got ${show(v)}`);
        f.type = 'Subscription';
        break;
      case 'subscriptionName':
      case 'description':
        f[k] = str(v, k, 4096);
        break;
      case 'entities':
        if (!Array.isArray(v) || v.length === 0) bad('entities must be a non-empty array of entity selectors');
        f.entities = (v as unknown[]).map(selector);
        break;
      case 'watchedAttributes':
        f.watchedAttributes = names(v, 'watchedAttributes');
        break;
      case 'notificationTrigger':
        f.notificationTrigger = triggers(v);
        break;
      case 'timeInterval':
      case 'throttling':
        f[k] = positive(v, k);
        break;
      case 'q':
        parseQ(str(v, 'q', 1 << 16));
        f.q = v as string;
        break;
      case 'geoQ':
        f.geoQ = geoQ(v);
        break;
      case 'lang':
        f.lang = str(v, 'lang', 256);
        break;
      case 'isActive':
        f.isActive = bool(v, 'isActive');
        break;
      case 'notification':
        f.notification = notification(v);
        break;
      case 'expiresAt':
        if (!isDateTime(v)) bad(`expiresAt must be an ISO 8601 date-time, got ${show(v)}`);
        if (Date.parse(v as string) <= Date.parse(now)) bad(`expiresAt ${v as string} is not in the future`);
        f.expiresAt = v as string;
        break;
      case 'jsonldContext':
        if (!isUri(v) || !/^https?:\/\//.test(v)) bad(`jsonldContext must be an http(s) URI, got ${show(v)}`);
        f.jsonldContext = v as string;
        break;
      default:
        bad(`Unknown subscription member '${k.slice(0, 60)}'`);
    }
  }
  return f;
}

/** The rules across members (clause 5.2.12), checked on the whole subscription. */
export function checkSubscription(d: SubscriptionDoc): SubscriptionDoc {
  if (!d.entities && !d.watchedAttributes) bad('A subscription needs entities or watchedAttributes (or both)');
  if (d.timeInterval !== undefined && d.watchedAttributes) bad('timeInterval and watchedAttributes are mutually exclusive');
  if (d.timeInterval !== undefined && d.throttling !== undefined) bad('timeInterval and throttling are mutually exclusive');
  if (d.notification.showChanges && d.notification.format === 'keyValues') bad('notification.showChanges cannot be true with format keyValues');
  if (d.notification.endpoint.accept === 'application/geo+json' && d.notification.format === 'concise') bad('notification.format concise cannot be delivered as application/geo+json');
  return d;
}

/** A new subscription from a create body (clause 5.8.1); `newId` supplies the id when absent. */
export function newSubscription(body: unknown, o: { now: string; context: unknown; newId: () => string }): SubscriptionDoc {
  const f = parseMembers(body, o.now);
  if (f.type === undefined) bad('type must be "Subscription"');
  if (!f.notification) bad('notification is mandatory');
  if (!f.notification.endpoint) bad('notification.endpoint is mandatory');
  const { notification: n, ...rest } = f;
  const doc: SubscriptionDoc = {
    ...rest,
    id: f.id ?? o.newId(),
    type: 'Subscription',
    notificationTrigger: f.notificationTrigger ?? [...DEFAULT_TRIGGERS],
    isActive: f.isActive ?? true,
    notification: { format: 'normalized', showChanges: false, sysAttrs: false, ...n, endpoint: n.endpoint! },
    createdAt: o.now,
    modifiedAt: o.now,
    context: o.context,
  };
  return checkSubscription(doc);
}

/**
 * Applies an update fragment (clause 5.8.2): given members replace the stored ones; inside
 * `notification`, given members replace theirs (so a new endpoint replaces the whole endpoint).
 */
export function patchSubscription(doc: SubscriptionDoc, fragment: SubscriptionFragment, now: string): SubscriptionDoc {
  if (fragment.id !== undefined && fragment.id !== doc.id) bad(`The fragment's id ${fragment.id} differs from the subscription's ${doc.id}`);
  const { notification: n, ...rest } = fragment;
  const out: SubscriptionDoc = { ...doc, ...rest, id: doc.id, type: 'Subscription', notification: { ...doc.notification, ...n }, modifiedAt: now };
  return checkSubscription(out);
}
