/**
 * Multi-tenancy (ETSI GS CIM 009 v1.8, clause 4.14): each tenant is its own SQLite file under
 * `<dataDir>/tenants/`, created by the first write; the default tenant (no NGSILD-Tenant header) is
 * `<dataDir>/default.sqlite`. Tenant names are validated so that they can never form a path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ngsiError } from '../../ngsi-ld/errors';
import { createCheckpointer } from './checkpointer';
import { openTenantDb, type TenantDb } from './tenant-db';
import type { EntityStore, TenantRegistry } from './types';

/** Letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters. */
export const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const DEFAULT = '';

export interface TenantRegistryOptions {
  /** Directory of the databases, or ':memory:' for in-memory databases (tests). */
  dataDir: string;
  sync?: 'NORMAL' | 'FULL';
  /** WAL checkpoints in a worker thread (default true for files; see checkpointer.ts). */
  backgroundCheckpoints?: boolean;
  log?: { warn(obj: object, msg?: string): void };
}

/** Checks a tenant name from a request; BadRequestData when it is not acceptable. */
export function validateTenantName(name: string): void {
  if (!TENANT_NAME.test(name)) {
    throw ngsiError('BadRequestData', `Invalid tenant name '${name.slice(0, 80)}': use 1-64 letters, digits, '_' or '-', starting with a letter or digit`);
  }
}

/**
 * @example
 * const tenants = createTenantRegistry({ dataDir: './data' });
 * tenants.forWrite('commune-a').insert(entity);
 */
export function createTenantRegistry(opts: TenantRegistryOptions): TenantRegistry {
  const memory = opts.dataDir === ':memory:';
  const tenantDir = memory ? '' : path.join(opts.dataDir, 'tenants');
  if (!memory) fs.mkdirSync(tenantDir, { recursive: true });
  const open = new Map<string, TenantDb>();
  // WAL checkpoints run in a worker thread; the commits' own threshold (32 MiB) is only a safety net
  const checkpointer = memory || opts.backgroundCheckpoints === false ? undefined : createCheckpointer({ log: opts.log });

  const fileOf = (name: string): string =>
    memory ? ':memory:' : name === DEFAULT ? path.join(opts.dataDir, 'default.sqlite') : path.join(tenantDir, `${name}.sqlite`);

  function get(name: string | undefined, create: boolean): EntityStore {
    const key = name ?? DEFAULT;
    const cached = open.get(key);
    if (cached) return cached;
    if (key !== DEFAULT) validateTenantName(key);
    const file = fileOf(key);
    if (!create && key !== DEFAULT && (memory || !fs.existsSync(file))) {
      throw ngsiError('NonexistentTenant', `Tenant '${key}' does not exist`);
    }
    const db = openTenantDb(file, { sync: opts.sync, walAutoCheckpoint: checkpointer ? 8192 : undefined });
    checkpointer?.watch(file);
    open.set(key, db);
    return db;
  }

  get(undefined, true);
  return {
    forRead: (name) => get(name, false),
    forWrite: (name) => get(name, true),
    tenants() {
      const names = new Set([...open.keys()].filter((k) => k !== DEFAULT));
      if (!memory) for (const f of fs.readdirSync(tenantDir)) if (f.endsWith('.sqlite')) names.add(f.slice(0, -'.sqlite'.length));
      return [...names].sort();
    },
    close() {
      checkpointer?.close();
      for (const db of open.values()) db.close();
      open.clear();
    },
  };
}
