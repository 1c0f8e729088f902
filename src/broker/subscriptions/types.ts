/**
 * NGSI-LD subscriptions (ETSI GS CIM 009 v1.8, clause 5.2.12 Subscription, 5.2.14 NotificationParams,
 * 5.2.15 Endpoint): the stored document, its compiled (matchable) form and the counters.
 */
import type { CompiledContext } from '../../ngsi-ld/context';
import type { Format } from '../../ngsi-ld/entity/compact-entity';
import type { GeoQuery } from '../../ngsi-ld/geo';
import type { QExpr, TypeExpr } from '../../ngsi-ld/q';
import type { KeyValue } from './notifier/types';

/** The notification triggers of clause 5.2.12. */
export const TRIGGERS = ['entityCreated', 'entityUpdated', 'entityDeleted', 'attributeCreated', 'attributeUpdated', 'attributeDeleted'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Without `notificationTrigger` (clause 5.2.12). */
export const DEFAULT_TRIGGERS: readonly Trigger[] = ['attributeCreated', 'attributeUpdated'];

export const ENDPOINT_SCHEMES = ['http', 'https', 'mqtt', 'mqtts'] as const;
export const NOTIFY_ACCEPT = ['application/json', 'application/ld+json', 'application/geo+json'] as const;
export type NotifyAccept = (typeof NOTIFY_ACCEPT)[number];

/** One entity selector as written (terms of the subscription's @context). */
export interface SelectorDoc {
  type: string;
  id?: string;
  idPattern?: string;
}

export interface EndpointDoc {
  uri: string;
  accept: NotifyAccept;
  receiverInfo?: KeyValue[];
  notifierInfo?: KeyValue[];
}

export interface NotificationDoc {
  attributes?: string[];
  format: Format;
  showChanges: boolean;
  sysAttrs: boolean;
  endpoint: EndpointDoc;
}

export interface GeoQDoc {
  georel: string;
  geometry: string;
  coordinates: unknown;
  geoproperty?: string;
}

/**
 * A subscription as stored (table `subscriptions`, column `doc`): the members as accepted, defaults
 * filled in, names as written; `context` is the @context they are to be read with.
 */
export interface SubscriptionDoc {
  id: string;
  type: 'Subscription';
  subscriptionName?: string;
  description?: string;
  entities?: SelectorDoc[];
  watchedAttributes?: string[];
  notificationTrigger: Trigger[];
  timeInterval?: number;
  q?: string;
  geoQ?: GeoQDoc;
  lang?: string;
  isActive: boolean;
  notification: NotificationDoc;
  expiresAt?: string;
  throttling?: number;
  jsonldContext?: string;
  createdAt: string;
  modifiedAt: string;
  context: unknown;
}

/** Notification counters (clause 5.2.14), kept in memory and persisted in batches. */
export interface Counters {
  timesSent: number;
  timesFailed: number;
  lastNotification?: string;
  lastSuccess?: string;
  lastFailure?: string;
}

export interface CompiledSelector {
  id?: string;
  pattern?: RegExp;
  type: TypeExpr;
  /** Expanded names of the type expression: a matching entity has at least one. */
  typeNames: string[];
}

/** A subscription ready for matching. */
export interface CompiledSubscription {
  doc: SubscriptionDoc;
  tenant?: string;
  /** Reads the subscription's terms. */
  ctx: CompiledContext;
  /** Compacts notifications (jsonldContext when given, else `ctx`). */
  notifyCtx: CompiledContext;
  selectors: CompiledSelector[];
  watched?: Set<string>;
  triggers: Set<Trigger>;
  q?: QExpr;
  geo?: { query: GeoQuery; path: string };
  /** Expanded notification.attributes. */
  attrs?: Set<string>;
  expiresAtMs?: number;
  counters: Counters;
}

export type SubscriptionStatus = 'active' | 'paused' | 'expired';
