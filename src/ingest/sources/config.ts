/**
 * The `sources` section of the territory file: the MQTT brokers to subscribe to and the documents to
 * poll, each naming the adapter its messages go to. Parsed and checked before anything starts; an
 * error names the path of the bad entry (`sources.poll[1].everyMs: …`). See README.md beside.
 *
 * Secrets stay out of the file: `${NAME}` in a url, username, password or header value is replaced
 * by the environment variable NAME (an unset variable is an error).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readTerritoryFile } from '../../territory-file';
import type { IngestDeps } from '../run-message';
import { FeedError, MAPPING_ADAPTER_PREFIX, type Adapter } from '../types';
import { noLog, type SourceLog } from './log';
import { followMappingTopics, type MappingTopicsRegistry } from './mapping-topics';
import { openInbox } from './inbox';
import { fileStranded, mqttSourceKey, startMqttSource, type MqttSource } from './mqtt-source';
import { startPollSource, type PollSource } from './poll-source';
import { topicFilterProblem } from './topic-filter';

export interface MqttSubscriptionConfig {
  topic: string;
  /** Adapter name, e.g. 'water/chirpstack'. */
  adapter: string;
  query?: Record<string, string>;
}

export interface MqttSourceConfig {
  url: string;
  subscriptions: MqttSubscriptionConfig[];
  clientId?: string;
  username?: string;
  password?: string;
  reconnectMs?: number;
  maxReconnectMs?: number;
  maxPending?: number;
}

export interface PollSourceConfig {
  url: string;
  everyMs: number;
  adapter: string;
  timeoutMs?: number;
  soapAction?: string;
  soapBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  maxBytes?: number;
}

export interface SourcesConfig {
  mqtt: MqttSourceConfig[];
  poll: PollSourceConfig[];
}

type Env = Record<string, string | undefined>;

class Reader {
  constructor(readonly where: string, readonly env: Env) {}

  fail(path: string, msg: string): never {
    throw new Error(`${this.where}: ${path}: ${msg}`);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    return v as Record<string, unknown>;
  }

  only(o: Record<string, unknown>, path: string, keys: string[]) {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(`${path}.${k}`, `unknown key (expected one of ${keys.join(', ')})`);
  }

  str(v: unknown, path: string, opt: { optional?: boolean; expand?: boolean } = {}): string | undefined {
    if (v === undefined && opt.optional) return undefined;
    if (typeof v !== 'string' || v === '') this.fail(path, 'must be a non-empty string');
    if (!opt.expand) return v;
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => this.env[name] ?? this.fail(path, `environment variable ${name} is not set`));
  }

  int(v: unknown, path: string, min: number, optional = true): number | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(path, `must be an integer ≥ ${min}`);
    return v;
  }

  url(v: unknown, path: string, protocols: string[]): string {
    const s = this.str(v, path, { expand: true })!;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return this.fail(path, `'${s}' is not a URL`);
    }
    if (!protocols.includes(u.protocol)) this.fail(path, `must be a ${protocols.map((p) => p.replace(':', '')).join(' / ')} URL`);
    return s;
  }

  strings(v: unknown, path: string, expand = false): Record<string, string> | undefined {
    if (v === undefined) return undefined;
    const o = this.object(v, path);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, typeof x === 'string' ? this.str(x, `${path}.${k}`, { expand })! : this.fail(`${path}.${k}`, 'must be a string')]));
  }

  list(v: unknown, path: string): unknown[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(path, 'must be an array');
    return v;
  }
}

/** `first`: the broker the declarative mappings' topics are subscribed on, which may list none of its own. */
function mqttSource(r: Reader, v: unknown, path: string, first: boolean): MqttSourceConfig {
  const o = r.object(v, path);
  r.only(o, path, ['url', 'subscriptions', 'clientId', 'username', 'password', 'reconnectMs', 'maxReconnectMs', 'maxPending']);
  const subs = o.subscriptions === undefined && first ? [] : r.list(o.subscriptions, `${path}.subscriptions`);
  if (subs.length === 0 && !first) r.fail(`${path}.subscriptions`, 'must list at least one subscription (only the first broker, where the mappings subscribe, may list none)');
  return {
    url: r.url(o.url, `${path}.url`, ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:']),
    subscriptions: subs.map((s, i) => {
      const p = `${path}.subscriptions[${i}]`;
      const so = r.object(s, p);
      r.only(so, p, ['topic', 'adapter', 'query']);
      const topic = r.str(so.topic, `${p}.topic`)!;
      const bad = topicFilterProblem(topic);
      if (bad) r.fail(`${p}.topic`, `is not an MQTT topic filter: ${bad}`);
      return { topic, adapter: r.str(so.adapter, `${p}.adapter`)!, query: r.strings(so.query, `${p}.query`) };
    }),
    clientId: r.str(o.clientId, `${path}.clientId`, { optional: true }),
    username: r.str(o.username, `${path}.username`, { optional: true, expand: true }),
    password: r.str(o.password, `${path}.password`, { optional: true, expand: true }),
    reconnectMs: r.int(o.reconnectMs, `${path}.reconnectMs`, 100),
    maxReconnectMs: r.int(o.maxReconnectMs, `${path}.maxReconnectMs`, 100),
    maxPending: r.int(o.maxPending, `${path}.maxPending`, 1),
  };
}

function pollSource(r: Reader, v: unknown, path: string): PollSourceConfig {
  const o = r.object(v, path);
  r.only(o, path, ['url', 'everyMs', 'adapter', 'timeoutMs', 'soapAction', 'soapBody', 'headers', 'query', 'maxBytes']);
  return {
    url: r.url(o.url, `${path}.url`, ['http:', 'https:']),
    everyMs: r.int(o.everyMs, `${path}.everyMs`, 1000, false)!,
    adapter: r.str(o.adapter, `${path}.adapter`)!,
    timeoutMs: r.int(o.timeoutMs, `${path}.timeoutMs`, 100),
    soapAction: r.str(o.soapAction, `${path}.soapAction`, { optional: true }),
    soapBody: r.str(o.soapBody, `${path}.soapBody`, { optional: true }),
    headers: r.strings(o.headers, `${path}.headers`, true),
    query: r.strings(o.query, `${path}.query`),
    maxBytes: r.int(o.maxBytes, `${path}.maxBytes`, 1),
  };
}

/**
 * Reads the `sources` section of a parsed territory document (absent → no sources).
 * @example
 * const config = parseSources(JSON.parse(fs.readFileSync(file, 'utf8')), file);
 */
export function parseSources(doc: unknown, where = 'territory file', env: Env = process.env): SourcesConfig {
  const r = new Reader(where, env);
  const sources = (doc as { sources?: unknown } | null | undefined)?.sources;
  if (sources === undefined) return { mqtt: [], poll: [] };
  const s = r.object(sources, 'sources');
  r.only(s, 'sources', ['mqtt', 'poll']);
  const mqtt = s.mqtt === undefined ? [] : Array.isArray(s.mqtt) ? s.mqtt.map((m, i) => mqttSource(r, m, `sources.mqtt[${i}]`, i === 0)) : [mqttSource(r, s.mqtt, 'sources.mqtt', true)];
  return { mqtt, poll: r.list(s.poll, 'sources.poll').map((p, i) => pollSource(r, p, `sources.poll[${i}]`)) };
}

/** Reads the sources of a territory file; no file → no sources. */
export function loadSources(file: string | undefined, env: Env = process.env): SourcesConfig {
  if (!file) return { mqtt: [], poll: [] };
  return parseSources(readTerritoryFile(file), file, env);
}


/**
 * The adapter of mapping `name` as it is when each message comes (not as it was at start): a mapping
 * edited later is used in its new version, one removed (or not loaded yet) refuses its messages as
 * dead letters naming it, as `POST /ingest/mapping/<name>` answers 404.
 */
function mappingByName(mappings: Pick<MappingTopicsRegistry, 'get'>, name: string): Adapter {
  const now = (): Adapter | undefined => mappings.get(name);
  return {
    name: MAPPING_ADAPTER_PREFIX + name,
    path: `/ingest/mapping/${name}`,
    get contentTypes() {
      return now()?.contentTypes ?? ['application/json'];
    },
    get ordered() {
      return now()?.ordered ?? true;
    },
    get validateEntities() {
      return now()?.validateEntities;
    },
    handle(message, env) {
      const a = now();
      if (!a) throw new FeedError('translate', `no mapping '${name}' is loaded (MAPPINGS_DIR); the message is kept until it is`, 422);
      return a.handle(message, env);
    },
  };
}

export interface RunningSources {
  mqtt: MqttSource[];
  poll: PollSource[];
  stop(): Promise<void>;
}

/**
 * Starts every configured source; an unknown adapter name throws before anything starts. With
 * `mappings`, the MQTT mappings are subscribed on the first MQTT broker and follow the registry's
 * reloads (mapping-topics.ts).
 * @example
 * const sources = startSources(loadSources(config.territoryFile), ADAPTERS, ingest.routes, log, mappings);
 * // … at shutdown
 * await sources.stop();
 */
export function startSources(config: SourcesConfig, adapters: Adapter[], deps: IngestDeps & { maxBody?: number }, log: SourceLog = noLog, mappings?: MappingTopicsRegistry, stateDir?: string): RunningSources {
  const byName = new Map(adapters.map((a) => [a.name, a]));
  const adapterOf = (name: string, path: string): Adapter => {
    if (mappings && name.startsWith(MAPPING_ADAPTER_PREFIX)) return mappingByName(mappings, name.slice(MAPPING_ADAPTER_PREFIX.length));
    const a = byName.get(name);
    if (!a) throw new Error(`${path}: unknown adapter '${name}' (known: ${[...byName.keys()].join(', ')}, or mapping/<name>)`);
    return a;
  };
  const mqttPlans = config.mqtt.map((m, i) => ({ ...m, subscriptions: m.subscriptions.map((s, j) => ({ ...s, adapter: adapterOf(s.adapter, `sources.mqtt[${i}].subscriptions[${j}].adapter`) })) }));
  const pollPlans = config.poll.map((p, i) => ({ ...p, adapter: adapterOf(p.adapter, `sources.poll[${i}].adapter`) }));
  // a persistent session's filters are recorded (DATA_DIR), so that one dropped while ECLOR was down is unsubscribed
  const stateFile = (m: { url: string; clientId?: string }) =>
    stateDir && m.clientId ? path.join(stateDir, `mqtt-session-${createHash('sha256').update(`${m.url}\u0000${m.clientId}`).digest('hex').slice(0, 16)}.json`) : undefined;
  // messages acknowledged to an MQTT broker wait on disk until handled (DATA_DIR/ingest.sqlite): a kill loses none
  let inbox = stateDir ? openInbox(path.join(stateDir, 'ingest.sqlite')) : undefined;
  const mqtt = mqttPlans.map((m) => startMqttSource({ ...m, deps, log, stateFile: stateFile(m), maxBytes: deps.maxBody, inbox }));
  // what a source no longer in the file (another broker or client id, or no MQTT any more) left: dead letters of their adapters
  const stranded = inbox?.others(mqttPlans.map((m) => mqttSourceKey(m.url, m.clientId))) ?? [];
  for (const e of stranded) fileStranded(deps, inbox!, e, 'from an MQTT source no longer in the territory file (its broker or clientId changed, or it was removed)');
  if (stranded.length) log.warn({ messages: stranded.length }, 'mqtt: messages acknowledged by a source no longer configured, kept as dead letters');
  if (mqttPlans.length === 0) {
    inbox?.close();
    inbox = undefined;
  }
  const pollState = (p: { url: string; soapBody?: string }) =>
    stateDir ? path.join(stateDir, `poll-${createHash('sha256').update(`${p.url}\u0000${p.soapBody ?? ''}`).digest('hex').slice(0, 16)}.json`) : undefined;
  const poll = pollPlans.map((p) => startPollSource({ ...p, deps, log, stateFile: pollState(p) }));
  const unfollow = mappings ? followMappingTopics(mqtt[0], mqttPlans[0]?.subscriptions ?? [], mappings, log) : undefined;
  return {
    mqtt,
    poll,
    async stop() {
      unfollow?.();
      await Promise.all([...mqtt, ...poll].map((s) => s.stop()));
      inbox?.close();
    },
  };
}
