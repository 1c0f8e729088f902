/** Factory of the embedded broker: tenant stores + clock. */
import { createRenderCache } from './render-cache';
import { createTenantRegistry } from './store/tenants';
import type { Broker } from './request';
import type { TenantRegistry } from './store/types';

export interface BrokerOptions {
  dataDir: string;
  sync?: 'NORMAL' | 'FULL';
  now?: () => string;
  /** Bytes of rendered entities kept in memory (default 32 MiB; 0 disables the cache). */
  renderCacheBytes?: number;
}

/**
 * @example
 * const broker = createBroker({ dataDir: ':memory:' });
 */
export function createBroker(opts: BrokerOptions): Broker & { tenants: TenantRegistry; close(): void } {
  const tenants = createTenantRegistry({ dataDir: opts.dataDir, sync: opts.sync });
  return {
    tenants,
    now: opts.now ?? (() => new Date().toISOString()),
    renderCache: createRenderCache(opts.renderCacheBytes ?? 32 * 1024 * 1024),
    close: () => tenants.close(),
  };
}
