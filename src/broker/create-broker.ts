/** Factory of the embedded broker: tenant stores, clock, render cache and the subscription engine. */
import { createContextResolver, type ContextResolver } from '../ngsi-ld/context';
import { createRenderCache } from './render-cache';
import { createTenantRegistry } from './store/tenants';
import { createSubscriptionEngine } from './subscriptions/engine';
import type { Notifier } from './subscriptions/notifier/types';
import type { Broker } from './request';
import type { TenantRegistry } from './store/types';

export interface BrokerOptions {
  dataDir: string;
  sync?: 'NORMAL' | 'FULL';
  now?: () => string;
  /** Bytes of rendered entities kept in memory (default 32 MiB; 0 disables the cache). */
  renderCacheBytes?: number;
  /** Delivers notifications; without one, subscriptions are stored but never notified. */
  notifier?: Notifier;
  /** Resolves the @context of stored subscriptions (default: a resolver without disk cache). */
  contexts?: ContextResolver;
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * @example
 * const broker = createBroker({ dataDir: ':memory:', notifier: createNotifier({}) });
 * await broker.subscriptions.ready;
 */
export function createBroker(opts: BrokerOptions): Broker & { tenants: TenantRegistry; close(): void } {
  const tenants = createTenantRegistry({ dataDir: opts.dataDir, sync: opts.sync, log: opts.log });
  const now = opts.now ?? (() => new Date().toISOString());
  const subscriptions = createSubscriptionEngine({ tenants, contexts: opts.contexts ?? createContextResolver(), notifier: opts.notifier, now, log: opts.log });
  return {
    tenants,
    now,
    renderCache: createRenderCache(opts.renderCacheBytes ?? 32 * 1024 * 1024),
    subscriptions,
    close: () => {
      subscriptions.close();
      tenants.close();
    },
  };
}
