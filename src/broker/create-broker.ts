/** Factory of the embedded broker: tenant stores + clock. */
import { createTenantRegistry } from './store/tenants';
import type { Broker } from './request';
import type { TenantRegistry } from './store/types';

export interface BrokerOptions {
  dataDir: string;
  sync?: 'NORMAL' | 'FULL';
  now?: () => string;
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
    close: () => tenants.close(),
  };
}
