/**
 * The typed request an operation receives from the HTTP pipeline (src/http/pipeline.ts): headers are
 * already checked and the @context resolved; operations never look at raw HTTP.
 */
import type { TermMapper } from '../ngsi-ld/entity/terms';
import type { TenantRegistry } from './store/types';

export type MediaType = 'application/json' | 'application/ld+json' | 'application/geo+json';

export interface RequestContext {
  /** NGSILD-Tenant, undefined for the default tenant. */
  tenant?: string;
  /** The request's @context (core context included). */
  ctx: TermMapper;
  /** Query parameters (names already checked against the route table). */
  params: Record<string, string>;
  entityId?: string;
  attrId?: string;
  body: unknown;
  /** Representation asked by Accept. */
  accept: MediaType;
}

export interface OperationResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What operations share: the tenant stores and the clock. */
export interface Broker {
  tenants: TenantRegistry;
  now(): string;
}

export type Operation = (broker: Broker, req: RequestContext) => OperationResult | Promise<OperationResult>;
