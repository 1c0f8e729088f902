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
  /** Embedded Node-RED at /node-red (NODE_RED=on|off, default on). */
  nodeRed: boolean;
  /** The rule flows, one JSON file per tab, loaded at start and written back on deploy (FLOWS_DIR). */
  flowsDir: string;
  /** Editor login (NODE_RED_USER + NODE_RED_PASSWORD, a bcrypt hash or plain text); none: the editor is open. */
  nodeRedUser?: string;
  nodeRedPassword?: string;
  /** Key of the flows' credentials (NODE_RED_CREDENTIAL_SECRET); none: generated once into DATA_DIR/node-red. */
  nodeRedCredentialSecret?: string;
  /** Base URL at which a broker reaches this process for notifications (NOTIFY_BASE_URL); none: http://127.0.0.1:<port>. */
  notifyBaseUrl?: string;
  /**
   * Shift of the rule flows' clock (`global.get('eclor').now()`) from the real time, ms (CLOCK; tests and
   * demos only): `CLOCK=2026-01-15T22:00:00Z` starts it at that instant (then it runs), `CLOCK=+6h` / `-90m` shifts it.
   */
  clockOffsetMs: number;
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
  nodeRed: true,
  flowsDir: './node-red-flows',
  contextFetchTimeoutMs: 5000,
  shutdownGraceMs: 10000,
  clockOffsetMs: 0,
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/**
 * CLOCK → the shift of the flows' clock from `nowMs`: an ISO 8601 instant with a zone (the clock starts there)
 * or a signed offset with a unit (`+6h`, `-90m`, `+30s`, `+1d`, `+500ms`).
 * @example
 * clockOffset('+2h', 0); // 7200000
 */
export function clockOffset(raw: string | undefined, nowMs = Date.now()): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const offset = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw.trim());
  if (offset) return (offset[1] === '-' ? -1 : 1) * Math.round(Number(offset[2]) * UNIT_MS[offset[3]]);
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw.trim()) ? Date.parse(raw.trim()) : NaN;
  if (!Number.isFinite(at)) throw new Error(`CLOCK=${raw}: expected an ISO 8601 time with a zone (2026-01-15T22:00:00Z) or an offset (+6h, -90m)`);
  return at - nowMs;
}

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
  const nodeRed = (env.NODE_RED || 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(nodeRed)) throw new Error(`NODE_RED=${env.NODE_RED}: expected on or off`);
  if (!env.NODE_RED_USER !== !env.NODE_RED_PASSWORD) throw new Error('NODE_RED_USER and NODE_RED_PASSWORD go together: set both or neither');
  if (env.NOTIFY_BASE_URL && !/^https?:\/\/[^\s]+$/.test(env.NOTIFY_BASE_URL)) throw new Error(`NOTIFY_BASE_URL=${env.NOTIFY_BASE_URL}: expected an http(s) URL`);
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
    nodeRed: ['on', 'true', '1'].includes(nodeRed),
    flowsDir: path.resolve(env.FLOWS_DIR || DEFAULTS.flowsDir),
    nodeRedUser: env.NODE_RED_USER || undefined,
    nodeRedPassword: env.NODE_RED_PASSWORD || undefined,
    nodeRedCredentialSecret: env.NODE_RED_CREDENTIAL_SECRET || undefined,
    notifyBaseUrl: env.NOTIFY_BASE_URL ? env.NOTIFY_BASE_URL.replace(/\/+$/, '') : undefined,
    clockOffsetMs: clockOffset(env.CLOCK),
  };
  return { ...cfg, ...overrides };
}
