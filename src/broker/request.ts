/**
 * The typed request an operation receives from the HTTP pipeline (src/http/pipeline.ts): headers are
 * already checked and the @context resolved; operations never look at raw HTTP.
 */
import type { CompiledContext } from '../ngsi-ld/context';
import type { RenderCache } from './render-cache';
import type { SubscriptionEngine } from './subscriptions/engine';
import type { TenantRegistry } from './store/types';

export type MediaType = 'application/json' | 'application/ld+json' | 'application/geo+json';

export interface RequestContext {
  /** NGSILD-Tenant, undefined for the default tenant. */
  tenant?: string;
  /** The request's @context (core context included). */
  ctx: CompiledContext;
  /** The @context value that `application/ld+json` responses carry. */
  responseContext: unknown;
  /** Query parameters (names already checked against the route table). */
  params: Record<string, string>;
  entityId?: string;
  attrId?: string;
  subscriptionId?: string;
  body: unknown;
  /** Representation asked by Accept. */
  accept: MediaType;
}

export interface OperationResult {
  status: number;
  body?: unknown;
  /** The body already serialized (entity responses, from the render cache). */
  json?: string;
  headers?: Record<string, string>;
}

/** What operations share: the tenant stores, the clock, the render cache and the subscriptions. */
export interface Broker {
  tenants: TenantRegistry;
  now(): string;
  renderCache: RenderCache;
  subscriptions: SubscriptionEngine;
}

export type Operation = (broker: Broker, req: RequestContext) => OperationResult | Promise<OperationResult>;
