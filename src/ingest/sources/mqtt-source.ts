/**
 * The MQTT source: subscribes (QoS 1 unless told) to partner topics on an MQTT broker (a ChirpStack or TTS
 * network server, a lighting operator's gateway…) and runs every message through its adapter like a
 * webhook body: payload as UTF-8 text, query = the subscription's query plus `topic`.
 *
 * - Reconnects forever, with a backoff doubling from `reconnectMs` to `maxReconnectMs`, and subscribes
 *   again on every connect (the broker may have lost the session).
 * - A bad message never stops the source: runMessage turns it into a dead letter.
 * - Messages of one subscription are handled in order, subscriptions in parallel; at most
 *   `maxPending` messages wait in memory: beyond that the client stops reading the socket (the
 *   PUBACK is held), so a slow writer slows the broker down instead of piling up promises.
 * - With a fixed `clientId` the session is persistent (clean=false): QoS 1 messages published while
 *   the source is offline are delivered at reconnect, if the broker keeps them.
 * - With an `inbox` (DATA_DIR), a message is kept on disk before it is acknowledged and dropped once
 *   handled: a process killed meanwhile handles it at its next start (inbox.ts), as the broker, which
 *   had its PUBACK, will not send it again.
 * - `update(subscriptions)` changes the subscriptions on a running source (mappings reloaded at run
 *   time): new topic filters are subscribed, filters no longer listed are unsubscribed (when offline,
 *   at the next connect), and a subscription kept (same filter and adapter name) keeps its queue.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { deadLetterUnkept, runMessage, type IngestDeps } from '../run-message';
import type { Adapter, IngestMessage } from '../types';
import type { Inbox, InboxEntry } from './inbox';
import { noLog, splitCredentials, type SourceLog } from './log';

export interface MqttSubscription {
  /** Topic filter; `+` and `#` wildcards and `$share/<group>/…` shared subscriptions are accepted. */
  topic: string;
  adapter: Adapter;
  /** Added to every message's query, e.g. { event: 'up' } for ChirpStack. */
  query?: Record<string, string>;
  /** Requested QoS, default 1. */
  qos?: 0 | 1 | 2;
}

export interface MqttSourceOptions {
  /** mqtt://host:1883, mqtts://…, ws://…, wss://… */
  url: string;
  subscriptions: MqttSubscription[];
  deps: IngestDeps;
  /** A fixed id makes the session persistent (clean=false); default a random 'eclor-ingest-…' with clean=true. */
  clientId?: string;
  /**
   * With `clientId`: a file where the filters subscribed are kept, so that a filter dropped while
   * ECLOR was down (a mapping removed or changed) is unsubscribed at the next start; the broker's
   * persistent session would keep sending its messages otherwise.
   */
  stateFile?: string;
  /** Largest message handled, bytes (a webhook's MAX_BODY); a larger one is a dead letter without its body (413). Default 2 MiB. */
  maxBytes?: number;
  username?: string;
  password?: string;
  log?: SourceLog;
  /** First reconnect delay in ms, doubled after each failed attempt; default 1000. */
  reconnectMs?: number;
  /** Longest reconnect delay in ms; default 30000. */
  maxReconnectMs?: number;
  /** Messages received but not yet handled, across subscriptions, before reading pauses; default 100. */
  maxPending?: number;
  /** Where messages wait between their acknowledgement and their handling (absent: in memory only). */
  inbox?: Inbox;
}

export interface MqttSource {
  /** Disconnects, then waits for the messages already received to be handled. */
  stop(): Promise<void>;
  connected(): boolean;
  /**
   * Replaces the subscriptions: filters not subscribed yet are subscribed, filters gone are
   * unsubscribed; one kept (same topic and adapter name) takes the new adapter and query and keeps
   * the messages it holds. Messages already received on a removed one are still handled.
   */
  update(subscriptions: MqttSubscription[]): void;
}

/** MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` one level, `#` the rest; `$share/<group>/` ignored. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = (filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter).split('/');
  const t = topic.split('/');
  if (t[0].startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** topic filter → requested QoS (the first subscription of a filter decides). */
function filtersOf(subs: MqttSubscription[]): Record<string, { qos: 0 | 1 | 2 }> {
  const filters: Record<string, { qos: 0 | 1 | 2 }> = {};
  for (const s of subs) filters[s.topic] ??= { qos: s.qos ?? 1 };
  return filters;
}

interface Lane {
  sub: MqttSubscription;
  /** Messages to handle, with their inbox entry. */
  queue: Array<{ message: IngestMessage; inboxId?: number }>;
  running: boolean;
}

/** A subscription's key: its filter and adapter (update() keeps a lane of the same key; the inbox files messages under it). */
const laneKey = (s: MqttSubscription): string => `${s.topic}\u0000${s.adapter.name}`;

/** A source's key in the inbox: its broker (without credentials, which may change) and client id. */
export const mqttSourceKey = (url: string, clientId?: string): string => `${splitCredentials(url).url}\u0000${clientId ?? ''}`;

/**
 * Files as a dead letter of its adapter (replayable once that adapter is loaded) an inbox message no
 * subscription will take any more, and drops it from the inbox.
 */
export function fileStranded(deps: Pick<IngestDeps, 'deadLetters'>, inbox: Inbox, e: InboxEntry, why: string): number {
  const adapter = e.lane.split('\u0000')[1] || 'mqtt';
  const topic = e.message.query.topic ?? '';
  const reason = `received on topic '${topic.slice(0, 200)}' before a restart, ${why}; replay it, or post it again to its endpoint`;
  const id = deps.deadLetters.add({ adapter, stage: 'decode', reason, status: 404, contentType: 'application/json', query: e.message.query, headers: {}, payload: e.message.body, receivedAt: e.message.receivedAt });
  inbox.done(e.id);
  return id;
}

/**
 * @example
 * const source = startMqttSource({
 *   url: 'mqtt://127.0.0.1:1883',
 *   subscriptions: [{ topic: 'application/+/device/+/event/up', adapter: chirpstack, query: { event: 'up' } }],
 *   deps: ingest.routes,
 *   log,
 * });
 * // … at shutdown
 * await source.stop();
 */
export function startMqttSource(o: MqttSourceOptions): MqttSource {
  const log = o.log ?? noLog;
  /** The broker as logs name it: without credentials written in its URL. */
  const shownUrl = splitCredentials(o.url).url;
  const firstDelay = o.reconnectMs ?? 1000;
  const maxDelay = o.maxReconnectMs ?? 30000;
  const maxPending = o.maxPending ?? 100;
  let lanes: Lane[] = o.subscriptions.map((sub) => ({ sub, queue: [], running: false }));
  // Filters unsubscribed while offline: a persistent session would keep them at the broker.
  const stale = new Set<string>();
  const idle: Array<() => void> = [];
  let pending = 0;
  let held: (() => void) | undefined;
  let stopping = false;
  let wasConnected = false;

  const options: IClientOptions = {
    clientId: o.clientId ?? `eclor-ingest-${randomBytes(6).toString('hex')}`,
    clean: o.clientId === undefined,
    username: o.username,
    password: o.password,
    reconnectPeriod: firstDelay,
    connectTimeout: 10000,
    // We subscribe ourselves on every 'connect'.
    resubscribe: false,
  };
  const client: MqttClient = connect(o.url, options);

  // the filters of the previous run that are not wanted any more: unsubscribed at the first connect
  const stateFile = o.clientId === undefined ? undefined : o.stateFile;
  const wanted = () => Object.keys(filtersOf(lanes.map((l) => l.sub)));
  const saveState = () => {
    if (!stateFile) return;
    try {
      fs.writeFileSync(stateFile, JSON.stringify({ clientId: options.clientId, filters: [...new Set([...wanted(), ...stale])] }));
    } catch (err) {
      log.warn({ url: shownUrl, file: stateFile, err: (err as Error).message }, 'mqtt source: subscriptions not recorded');
    }
  };
  if (stateFile) {
    try {
      const before = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { filters?: unknown }).filters;
      const now = new Set(wanted());
      if (Array.isArray(before)) for (const f of before) if (typeof f === 'string' && !now.has(f)) stale.add(f);
    } catch {
      // no record yet (first start with this clientId), or unreadable: nothing known to drop
    }
  }

  const subscribe = (subs: MqttSubscription[] = lanes.map((l) => l.sub)) => {
    const filters = filtersOf(subs);
    if (Object.keys(filters).length === 0) return;
    client.subscribe(filters, (err, granted) => {
      if (err) return log.warn({ url: shownUrl, err: err.message }, 'mqtt source: subscribe failed');
      for (const g of granted ?? []) {
        if (g.qos === 128) log.warn({ url: shownUrl, topic: g.topic }, 'mqtt source: subscription refused by the broker');
      }
      log.info({ url: shownUrl, topics: Object.keys(filters) }, 'mqtt source: subscribed');
      saveState();
    });
  };
  const unsubscribe = (topics: string[]) => {
    if (topics.length === 0) return;
    if (!client.connected) {
      topics.forEach((t) => stale.add(t));
      return;
    }
    client.unsubscribe(topics, (err) => {
      if (err) {
        log.warn({ url: shownUrl, topics, err: err.message }, 'mqtt source: unsubscribe failed');
        topics.forEach((t) => stale.add(t)); // tried again at the next connect
      } else log.info({ url: shownUrl, topics }, 'mqtt source: unsubscribed');
      saveState();
    });
  };

  const update = (next: MqttSubscription[]) => {
    const kept = new Map(lanes.map((l) => [laneKey(l.sub), l]));
    const before = filtersOf(lanes.map((l) => l.sub));
    lanes = next.map((sub) => {
      const lane = kept.get(laneKey(sub));
      if (!lane) return { sub, queue: [], running: false };
      lane.sub = sub;
      return lane;
    });
    const after = filtersOf(next);
    unsubscribe(Object.keys(before).filter((t) => !(t in after)));
    for (const t of Object.keys(after)) stale.delete(t);
    const changed = next.filter((s) => before[s.topic]?.qos !== after[s.topic].qos);
    if (client.connected) subscribe(changed);
  };

  client.on('connect', (connack) => {
    wasConnected = true;
    client.options.reconnectPeriod = firstDelay;
    log.info({ url: shownUrl, clientId: options.clientId, sessionPresent: connack.sessionPresent }, 'mqtt source: connected');
    const gone = [...stale];
    stale.clear();
    unsubscribe(gone);
    subscribe();
  });
  client.on('reconnect', () => {
    log.info({ url: shownUrl }, 'mqtt source: reconnecting');
    // Backoff: if this attempt fails, the next one waits twice as long, up to maxDelay; reset on connect.
    client.options.reconnectPeriod = Math.min(maxDelay, (client.options.reconnectPeriod ?? firstDelay) * 2);
  });
  client.on('close', () => {
    if (stopping) return;
    if (wasConnected) log.warn({ url: shownUrl }, 'mqtt source: disconnected');
    wasConnected = false;
  });
  // Without a listener an 'error' would crash the process; mqtt keeps reconnecting after it.
  client.on('error', (err) => log.warn({ url: shownUrl, err: err.message }, 'mqtt source: connection error'));

  const drained = () => {
    pending--;
    if (held && pending < maxPending) {
      const resume = held;
      held = undefined;
      log.info({ url: shownUrl, pending }, 'mqtt source: resumed reading');
      resume();
    }
    if (pending === 0) idle.splice(0).forEach((f) => f());
  };

  const run = async (lane: Lane) => {
    lane.running = true;
    for (let item = lane.queue.shift(); item; item = lane.queue.shift()) {
      const msg = item.message;
      try {
        await runMessage(lane.sub.adapter, msg, o.deps, 'application/json');
        if (item.inboxId !== undefined) o.inbox!.done(item.inboxId);
      } catch (err) {
        // runMessage never throws; a failing dead-letter store (the message stays in the inbox) or inbox is the only way here.
        log.warn({ url: shownUrl, topic: msg.query.topic, err: (err as Error).message }, 'mqtt source: message not handled');
      } finally {
        drained();
      }
    }
    lane.running = false;
  };
  const enqueue = (lane: Lane, message: IngestMessage, inboxId?: number) => {
    lane.queue.push({ message, inboxId });
    pending++;
    if (!lane.running) void run(lane);
  };

  // what the previous run acknowledged and did not handle (killed meanwhile): handled first, once the
  // subscriptions are all there (the mappings' are added by update() right after the start)
  const source = mqttSourceKey(o.url, o.clientId);
  const recover = () => {
    let recovered = 0;
    for (const e of o.inbox?.waiting(source) ?? []) {
      const lane = lanes.find((l) => laneKey(l.sub) === e.lane);
      if (lane) {
        enqueue(lane, e.message, e.id);
        recovered++;
        continue;
      }
      fileStranded(o.deps, o.inbox!, e, 'whose subscription is gone (its mapping was removed or changed meanwhile)');
    }
    if (recovered > 0) log.warn({ url: shownUrl, messages: recovered }, 'mqtt source: handling the messages acknowledged before the last stop and not yet handled');
  };
  if (o.inbox) setImmediate(() => stopping || recover());

  // Called by mqtt for each PUBLISH; the PUBACK (and the reading of the next packet) waits for `done`.
  client.handleMessage = (packet, done) => {
    const topic = packet.topic;
    const lane = lanes.find((l) => topicMatches(l.sub.topic, topic));
    const payload = packet.payload;
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (lane && size > (o.maxBytes ?? 2 * 2 ** 20)) {
      // as a webhook body over MAX_BODY: refused unread, a dead letter without the body
      const reason = `message of ${size} bytes, larger than ${o.maxBytes ?? 2 * 2 ** 20} (MAX_BODY; the body was not kept, ask the sender to send it again)`;
      o.deps.stats.of(lane.sub.adapter.name).received++;
      deadLetterUnkept(lane.sub.adapter, o.deps, { query: { ...lane.sub.query, topic }, headers: {}, receivedAt: new Date().toISOString() }, 'application/json', { stage: 'decode', status: 413, reason });
      log.warn({ url: shownUrl, topic, size }, 'mqtt source: message over MAX_BODY, kept as a dead letter without its body');
      return done();
    }
    const body = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
    if (!lane) {
      // sent before its subscription went (a mapping removed meanwhile): acknowledged, so kept
      const reason = `no subscription matches topic '${topic.slice(0, 200)}' any more (its mapping was removed or changed while the message was on its way); post it again to its endpoint`;
      const deadLetter = o.deps.deadLetters.add({ adapter: 'mqtt', stage: 'decode', reason, status: 404, contentType: 'application/json', query: { topic }, headers: {}, payload: body, receivedAt: new Date().toISOString() });
      log.warn({ url: shownUrl, topic, deadLetter }, 'mqtt source: message on a topic no subscription matches, kept as a dead letter');
      return done();
    }
    const message: IngestMessage = { body, query: { ...lane.sub.query, topic }, headers: {}, receivedAt: new Date().toISOString() };
    // kept on disk before the PUBACK: acknowledged, it must survive a kill
    let inboxId: number | undefined;
    try {
      inboxId = o.inbox?.put(source, laneKey(lane.sub), message);
    } catch (err) {
      log.warn({ url: shownUrl, topic, err: (err as Error).message }, 'mqtt source: message not kept in the inbox (handled from memory only)');
    }
    enqueue(lane, message, inboxId);
    if (pending < maxPending) return done();
    log.warn({ url: shownUrl, pending }, 'mqtt source: writer is slow, reading paused');
    held = () => done();
  };

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    stopping = true;
    held = undefined;
    await client.endAsync(true);
    // with an inbox, the messages not started wait there for the next start: only those being handled are awaited
    // (a slow broker would otherwise hold the shutdown for every queued message)
    let left = 0;
    if (o.inbox) {
      for (const lane of lanes) {
        left += lane.queue.length;
        pending -= lane.queue.length;
        lane.queue.length = 0;
      }
    }
    if (pending > 0) await new Promise<void>((ok) => idle.push(ok));
    log.info({ url: shownUrl, ...(left ? { leftInInbox: left } : {}) }, 'mqtt source: stopped');
  };
  return {
    connected: () => client.connected,
    stop: () => (stopped ??= stop()),
    update,
  };
}
