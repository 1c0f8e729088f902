/**
 * Typed, validated configuration: environment variables (and later the territory file) with the
 * defaults in one place. Invalid values stop the start with a clear message.
 */
import path from 'node:path';

export interface Config {
  /** TCP port of the one HTTP server (default 1026, as Orion-LD). */
  port: number;
  /** Address to bind (default 0.0.0.0). */
  host: string;
  /** Directory of the tenant databases and the @context cache; ':memory:' keeps everything in memory. */
  dataDir: string;
  /** Largest accepted request body in bytes (default 2 MiB). */
  maxBody: number;
  /** pino log level. */
  logLevel: string;
  /** SQLite `synchronous` mode: NORMAL survives a process crash (kill -9); FULL also a power loss. */
  sqliteSync: 'NORMAL' | 'FULL';
  /** Timeout of a remote @context fetch, ms. */
  contextFetchTimeoutMs: number;
  /** Grace period for in-flight requests at shutdown, ms. */
  shutdownGraceMs: number;
  /** The territory file (device registry, territory name); none: territory 'eclor', no devices. */
  territoryFile?: string;
  /** Directory of the declarative adapters (mapping YAML files), reloaded on change. */
  mappingsDir: string;
  /** An external NGSI-LD broker (e.g. Orion-LD) the feeds write to; none: the embedded broker. */
  brokerUrl?: string;
  /** Its known differences: 'orion-ld' (core context v1.6, no batch merge before 1.x) or 'standard'. */
  brokerFlavour: 'standard' | 'orion-ld';
}

export const DEFAULTS: Config = {
  port: 1026,
  host: '0.0.0.0',
  dataDir: './data',
  maxBody: 2 * 1024 * 1024,
  logLevel: 'info',
  sqliteSync: 'NORMAL',
  brokerFlavour: 'standard',
  mappingsDir: './mappings',
  contextFetchTimeoutMs: 5000,
  shutdownGraceMs: 10000,
};

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: expected an integer in ${min}..${max}`);
  return n;
}

/**
 * Reads the configuration from the environment.
 * @example
 * const config = loadConfig({ PORT: '8080', DATA_DIR: '/var/lib/eclor' });
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const sync = (env.SQLITE_SYNC ?? DEFAULTS.sqliteSync).toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new Error(`SQLITE_SYNC=${sync}: expected NORMAL or FULL`);
  const dataDir = env.DATA_DIR || DEFAULTS.dataDir;
  const flavour = env.BROKER_FLAVOUR || DEFAULTS.brokerFlavour;
  if (flavour !== 'standard' && flavour !== 'orion-ld') throw new Error(`BROKER_FLAVOUR=${flavour}: expected standard or orion-ld`);
  if (env.BROKER_URL && !/^https?:\/\/[^\s]+$/.test(env.BROKER_URL)) throw new Error(`BROKER_URL=${env.BROKER_URL}: expected an http(s) URL`);
  const cfg: Config = {
    port: int(env, 'PORT', DEFAULTS.port, 0, 65535),
    host: env.HOST || DEFAULTS.host,
    dataDir: dataDir === ':memory:' ? dataDir : path.resolve(dataDir),
    maxBody: int(env, 'MAX_BODY', DEFAULTS.maxBody, 1024, 1024 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || DEFAULTS.logLevel,
    sqliteSync: sync,
    contextFetchTimeoutMs: int(env, 'CONTEXT_FETCH_TIMEOUT_MS', DEFAULTS.contextFetchTimeoutMs, 100, 120000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', DEFAULTS.shutdownGraceMs, 0, 600000),
    territoryFile: env.TERRITORY_FILE ? path.resolve(env.TERRITORY_FILE) : undefined,
    mappingsDir: path.resolve(env.MAPPINGS_DIR || DEFAULTS.mappingsDir),
    brokerUrl: env.BROKER_URL || undefined,
    brokerFlavour: flavour,
  };
  return { ...cfg, ...overrides };
}
