/**
 * MQTT binding of notifications (ETSI GS CIM 009, MQTT binding annex): one client per broker
 * (scheme, host, port, credentials, protocol version), shared by every topic on it.
 *
 * - Clients reconnect forever, every `reconnectMs`. While a client is disconnected `ready()` says
 *   so: the endpoint queue keeps its deliveries (bounded) and is woken once the client is back.
 * - QoS 1 and 2: the PUBACK/PUBCOMP is the success; QoS 0: the packet written to the socket.
 * - A client with nothing to do for `idleMs` is closed; the next delivery opens a new one.
 * - Down and up are logged once per transition, never per message.
 */
import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { reasonOf, type AttemptResult } from './attempt';
import type { MqttBroker } from './endpoint-target';
import type { NotifierOptions } from './types';

export interface MqttDeliveryOptions {
  /** Deadline of one publish (and of the MQTT connect), ms. */
  timeoutMs: number;
  /** Delay between reconnection attempts, ms. */
  reconnectMs: number;
  /** A client without publications for this long is closed, ms. */
  idleMs: number;
  log?: NotifierOptions['log'];
}

export interface MqttDelivery {
  /** True if `broker`'s client is connected; otherwise connects if needed and calls `wake` once it is. */
  ready(broker: MqttBroker, wake: () => void): boolean;
  /** The client lost its broker (or never reached it) and is not connected again yet. */
  isDown(broker: MqttBroker): boolean;
  /** One publication; never rejects. */
  publish(broker: MqttBroker, topic: string, payload: string, qos: 0 | 1 | 2): Promise<AttemptResult>;
  /** Fails publications in flight ('notifier closed') and ends every client. */
  close(): Promise<void>;
}

interface Connection {
  client: MqttClient;
  label: string;
  wakes: Set<() => void>;
  down: boolean;
  lastError?: string;
  pending: number;
  idle?: NodeJS.Timeout;
}

/**
 * @example
 * const m = createMqttDelivery({ timeoutMs: 5000, reconnectMs: 1000, idleMs: 300000 });
 * const broker = { key: 'b', url: 'mqtt://127.0.0.1:1883', protocolVersion: 4 as const };
 * if (m.ready(broker, () => console.log('connected'))) await m.publish(broker, 'eclor/notify', '{}', 1);
 * await m.close();
 */
export function createMqttDelivery(o: MqttDeliveryOptions): MqttDelivery {
  const connections = new Map<string, Connection>();
  const inFlight = new Set<(r: AttemptResult) => void>();
  let closed = false;

  const retire = (key: string, c: Connection) => {
    clearTimeout(c.idle);
    if (connections.get(key) === c) connections.delete(key);
    c.client.end(true);
  };

  const armIdle = (key: string, c: Connection) => {
    clearTimeout(c.idle);
    c.idle = setTimeout(() => {
      if (c.pending === 0 && c.wakes.size === 0) {
        o.log?.debug?.({ broker: c.label }, 'notifier: idle MQTT client closed');
        retire(key, c);
      } else armIdle(key, c);
    }, o.idleMs);
  };

  const open = (broker: MqttBroker): Connection => {
    const existing = connections.get(broker.key);
    if (existing) return existing;
    const client = connect(broker.url, {
      clientId: `eclor-notifier-${randomBytes(6).toString('hex')}`,
      clean: true,
      username: broker.username,
      password: broker.password,
      protocolVersion: broker.protocolVersion,
      reconnectPeriod: o.reconnectMs,
      connectTimeout: o.timeoutMs,
      // QoS 0 while disconnected fails the attempt instead of piling up in mqtt's own unbounded queue
      queueQoSZero: false,
      resubscribe: false,
    });
    const label = broker.username ? broker.url.replace('//', `//${encodeURIComponent(broker.username)}@`) : broker.url;
    const c: Connection = { client, label, wakes: new Set(), down: false, pending: 0 };
    client.on('connect', () => {
      if (c.down) o.log?.info?.({ broker: label }, 'notifier: MQTT broker reachable again');
      c.down = false;
      const wakes = [...c.wakes];
      c.wakes.clear();
      for (const wake of wakes) wake();
    });
    client.on('close', () => {
      if (closed || c.down || connections.get(broker.key) !== c) return;
      c.down = true;
      o.log?.warn({ broker: label, error: c.lastError ?? 'connection closed' }, 'notifier: MQTT broker unreachable, reconnecting');
    });
    // mqtt keeps reconnecting after an error; without a listener it would crash the process
    client.on('error', (err) => void (c.lastError = reasonOf(err)));
    connections.set(broker.key, c);
    armIdle(broker.key, c);
    return c;
  };

  const publish = (broker: MqttBroker, topic: string, payload: string, qos: 0 | 1 | 2) =>
    new Promise<AttemptResult>((resolve) => {
      if (closed) return resolve({ ok: false, retry: false, error: 'notifier closed' });
      const c = open(broker);
      c.pending++;
      let settled = false;
      const finish = (r: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        inFlight.delete(finish);
        c.pending--;
        if (!closed && connections.get(broker.key) === c) armIdle(broker.key, c);
        resolve(r);
      };
      inFlight.add(finish);
      const deadline = setTimeout(() => finish({ ok: false, retry: true, error: 'timeout' }), o.timeoutMs);
      const properties = broker.protocolVersion === 5 ? { contentType: 'application/json' } : undefined;
      try {
        c.client.publish(topic, payload, { qos, properties }, (err) =>
          finish(err ? { ok: false, retry: true, error: reasonOf(err) } : { ok: true, retry: false }),
        );
      } catch (err) {
        finish({ ok: false, retry: true, error: reasonOf(err) });
      }
    });

  return {
    ready(broker, wake) {
      if (closed) return true; // publish() answers 'notifier closed'
      const c = open(broker);
      if (c.client.connected) return true;
      c.wakes.add(wake);
      return false;
    },
    isDown: (broker) => connections.get(broker.key)?.down ?? false,
    publish,
    async close() {
      closed = true;
      for (const finish of [...inFlight]) finish({ ok: false, retry: false, error: 'notifier closed' });
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(
        all.map((c) => {
          clearTimeout(c.idle);
          c.wakes.clear();
          return c.client.endAsync(true).catch(() => undefined);
        }),
      );
    },
  };
}
