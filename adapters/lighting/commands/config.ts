/**
 * The `lighting` section of the territory file: which TALQ gateway takes the commands of which lamp,
 * and how commands are sent. Checked at start; an error names the path of the bad member
 * (`lighting.gateways[1].url: …`). Absent section (or no gateway): no lighting commands.
 *
 * ```json
 * "lighting": {
 *   "cmsAddress": "0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c",
 *   "gateways": [
 *     { "url": "https://gw-nord.example/talq", "clientAddress": "6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40",
 *       "headers": { "Authorization": "Bearer ${GW_NORD_TOKEN}" } },
 *     { "url": "http://gw-sud.example:8080", "addressPrefixes": ["a1", "a2"], "functionId": "lampActuator1" }
 *   ],
 *   "commands": { "timeoutMs": 5000, "giveUpMs": 600000, "maxConcurrent": 8, "rampSeconds": 2 }
 * }
 * ```
 * `${NAME}` in a url or header value is replaced by the environment variable NAME (unset: an error).
 */
import { readTerritoryFile } from '../../../src/territory-file';

export interface GatewayConfig {
  /** Base URL of the gateway's TALQ API; commands go to `{url}/devices/{address}/{functionId}/targetLightCommand`. */
  url: string;
  /** The gateway's TALQ address (the `clientAddress` of its log reports): lamps whose `talqGateway` is it. */
  clientAddress?: string;
  /** Lamps whose TALQ device address starts with one of these. */
  addressPrefixes?: string[];
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** LampActuator function id for lamps whose entity has no `talqAddress` yet. */
  functionId?: string;
}

export interface CommandSettings {
  /** Deadline of one PATCH, ms (default 5000). */
  timeoutMs: number;
  /** First retry delay, ms, doubled at each retry with ±50 % jitter (default 500). */
  backoffMs: number;
  /** Longest retry delay, ms (default 30000). */
  maxBackoffMs: number;
  /** Give up (outcome `failed`) when not acknowledged after this long, ms (default 600000: 10 min). */
  giveUpMs: number;
  /** Lamps commanded in parallel at most (default 8). */
  maxConcurrent: number;
  /** TALQ `rampToLevelTime`, seconds (absent: the gateway's default). */
  rampSeconds?: number;
  /** Override duration: TALQ `expiration` = send time + this, minutes (absent: until the next command). */
  overrideMinutes?: number;
}

export interface LightingConfig {
  /** ECLOR's TALQ address as CMS: the `clientAddress` query parameter of every request to a gateway. */
  cmsAddress: string;
  /** The `talq-api-version` header (default 2.7.1). */
  talqApiVersion: string;
  /** First match wins: clientAddress, then addressPrefixes; a gateway with neither takes every lamp. */
  gateways: GatewayConfig[];
  commands: CommandSettings;
}

export const COMMAND_DEFAULTS: CommandSettings = { timeoutMs: 5000, backoffMs: 500, maxBackoffMs: 30000, giveUpMs: 600000, maxConcurrent: 8 };

type Env = Record<string, string | undefined>;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function fail(where: string, path: string, msg: string): never {
  throw new Error(`${where}: ${path}: ${msg}`);
}

function objectAt(where: string, v: unknown, path: string, keys: string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, path, 'must be an object');
  for (const k of Object.keys(v)) if (!keys.includes(k)) fail(where, `${path}.${k}`, `unknown key (expected one of ${keys.join(', ')})`);
  return v as Record<string, unknown>;
}

function text(where: string, v: unknown, path: string, env?: Env): string {
  if (typeof v !== 'string' || v === '') fail(where, path, 'must be a non-empty string');
  return env ? v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => env[n] ?? fail(where, path, `environment variable ${n} is not set`)) : v;
}

function int(where: string, v: unknown, path: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(where, path, `must be an integer in ${min}..${max}`);
  return v;
}

function gateway(where: string, v: unknown, path: string, env: Env): GatewayConfig {
  const o = objectAt(where, v, path, ['url', 'clientAddress', 'addressPrefixes', 'headers', 'functionId']);
  const url = text(where, o.url, `${path}.url`, env);
  if (!/^https?:\/\/[^\s]+$/.test(url)) fail(where, `${path}.url`, 'must be an http(s) URL');
  const g: GatewayConfig = { url: url.replace(/\/+$/, '') };
  if (o.clientAddress !== undefined) g.clientAddress = text(where, o.clientAddress, `${path}.clientAddress`);
  if (o.addressPrefixes !== undefined) {
    if (!Array.isArray(o.addressPrefixes) || o.addressPrefixes.length === 0) fail(where, `${path}.addressPrefixes`, 'must be a non-empty array');
    g.addressPrefixes = o.addressPrefixes.map((p, i) => text(where, p, `${path}.addressPrefixes[${i}]`));
  }
  if (o.headers !== undefined) {
    const h = objectAt(where, o.headers, `${path}.headers`, Object.keys(o.headers as object));
    g.headers = Object.fromEntries(Object.entries(h).map(([k, x]) => [k, text(where, x, `${path}.headers.${k}`, env)]));
  }
  if (o.functionId !== undefined) g.functionId = text(where, o.functionId, `${path}.functionId`);
  return g;
}

/**
 * Reads the `lighting` section of a parsed territory document; undefined when there is no gateway.
 * @example
 * const lighting = parseLighting(JSON.parse(fs.readFileSync(file, 'utf8')), file);
 * lighting?.gateways[0].url; // 'https://gw-nord.example/talq'
 */
export function parseLighting(doc: unknown, where = 'territory file', env: Env = process.env): LightingConfig | undefined {
  const raw = (doc as { lighting?: unknown } | null | undefined)?.lighting;
  if (raw === undefined) return undefined;
  const o = objectAt(where, raw, 'lighting', ['cmsAddress', 'talqApiVersion', 'gateways', 'commands']);
  if (o.gateways !== undefined && !Array.isArray(o.gateways)) fail(where, 'lighting.gateways', 'must be an array');
  const gateways = ((o.gateways as unknown[] | undefined) ?? []).map((g, i) => gateway(where, g, `lighting.gateways[${i}]`, env));
  if (gateways.length === 0) return undefined;
  const cmsAddress = text(where, o.cmsAddress, 'lighting.cmsAddress');
  if (!UUID.test(cmsAddress)) fail(where, 'lighting.cmsAddress', 'must be a UUID (the TALQ address of ECLOR as CMS)');
  const c = objectAt(where, o.commands ?? {}, 'lighting.commands', ['timeoutMs', 'backoffMs', 'maxBackoffMs', 'giveUpMs', 'maxConcurrent', 'rampSeconds', 'overrideMinutes']);
  const commands: CommandSettings = {
    timeoutMs: int(where, c.timeoutMs, 'lighting.commands.timeoutMs', 100, 120000) ?? COMMAND_DEFAULTS.timeoutMs,
    backoffMs: int(where, c.backoffMs, 'lighting.commands.backoffMs', 1, 600000) ?? COMMAND_DEFAULTS.backoffMs,
    maxBackoffMs: int(where, c.maxBackoffMs, 'lighting.commands.maxBackoffMs', 1, 3600000) ?? COMMAND_DEFAULTS.maxBackoffMs,
    giveUpMs: int(where, c.giveUpMs, 'lighting.commands.giveUpMs', 100, 7 * 86400000) ?? COMMAND_DEFAULTS.giveUpMs,
    maxConcurrent: int(where, c.maxConcurrent, 'lighting.commands.maxConcurrent', 1, 1000) ?? COMMAND_DEFAULTS.maxConcurrent,
    rampSeconds: int(where, c.rampSeconds, 'lighting.commands.rampSeconds', 0, 86400),
    overrideMinutes: int(where, c.overrideMinutes, 'lighting.commands.overrideMinutes', 1, 525600),
  };
  const talqApiVersion = o.talqApiVersion === undefined ? '2.7.1' : text(where, o.talqApiVersion, 'lighting.talqApiVersion');
  if (!/^2\.\d+(\.\d+)?$/.test(talqApiVersion)) fail(where, 'lighting.talqApiVersion', 'must be a TALQ 2.x version, e.g. 2.7.1');
  return { cmsAddress, talqApiVersion, gateways, commands };
}

/**
 * Reads the `lighting` section of a territory file; no file, no section or no gateway → undefined.
 * @example
 * const lighting = loadLighting(config.territoryFile);
 * if (lighting) startLightingCommands({ client, lighting, territory, notifyUrl, log });
 */
export function loadLighting(file: string | undefined, env: Env = process.env): LightingConfig | undefined {
  if (!file) return undefined;
  return parseLighting(readTerritoryFile(file), file, env);
}

/**
 * The gateway of a lamp: the first whose clientAddress is the lamp's gateway, else whose address
 * prefix matches its device address, else the first catch-all one.
 * @example
 * gatewayFor(lighting.gateways, { device: 'a1-…', gateway: undefined })?.url;
 */
export function gatewayFor(gateways: GatewayConfig[], lamp: { device: string; gateway?: string }): GatewayConfig | undefined {
  const gw = lamp.gateway?.toLowerCase();
  return (
    gateways.find((g) => g.clientAddress !== undefined && g.clientAddress.toLowerCase() === gw) ??
    gateways.find((g) => g.addressPrefixes?.some((p) => lamp.device.startsWith(p))) ??
    gateways.find((g) => g.clientAddress === undefined && g.addressPrefixes === undefined)
  );
}
