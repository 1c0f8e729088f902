/**
 * The notifier (ETSI GS CIM 009 v1.8, clause 5.3 notifications; HTTP and MQTT bindings): the
 * subscription engine hands it Notifications, it delivers them without ever making the write that
 * triggered them wait.
 *
 * Every endpoint (HTTP origin + path, or MQTT broker + topic + credentials) gets its own bounded
 * queue, concurrency, retries and down/probe state (endpoint-queue.ts); the bindings are
 * http-delivery.ts (kept-alive agents per origin) and mqtt-delivery.ts (one reconnecting client per
 * broker). MQTT messages follow the binding: `{ "metadata": { …headers, …receiverInfo }, "body": notification }`.
 */
import { reasonOf, type AttemptResult } from './attempt';
import { createEndpointQueue, type EndpointChannel, type EndpointQueue } from './endpoint-queue';
import { parseTarget, type DeliveryTarget } from './endpoint-target';
import { createHttpDelivery, type HttpDelivery } from './http-delivery';
import { createMqttDelivery, type MqttDelivery } from './mqtt-delivery';
import type { DeliveryOutcome, NotificationDelivery, Notifier, NotifierOptions, NotifierStats } from './types';

/** Knobs beyond the contract, with defaults that suit production; tests shorten them. */
export interface NotifierTuning {
  /** Consecutive failed attempts that mark an endpoint down (default 3). */
  downAfterFailures?: number;
  /** Delay between MQTT reconnection attempts, ms (default 1000). */
  mqttReconnectMs?: number;
  /** MQTT clients without publications for this long are closed, ms (default 300000). */
  mqttIdleMs?: number;
}

/** A delivery with its parsed target and, once built, its payload. */
interface Item {
  delivery: NotificationDelivery;
  target: DeliveryTarget;
  payload?: string;
}

/**
 * HTTP headers of a delivery: its headers (Content-Type defaulting to application/json), then the
 * endpoint's receiverInfo. For MQTT they are the message's `metadata`.
 * @example
 * headersOf({ headers: { Link: '<…>' }, endpoint: { uri: 'http://rx/n', receiverInfo: [{ key: 'X-Api-Key', value: 'k' }] } } as NotificationDelivery)
 * // { Link: '<…>', 'Content-Type': 'application/json', 'X-Api-Key': 'k' }
 */
export function headersOf(d: NotificationDelivery): Record<string, string> {
  const headers: Record<string, string> = { ...d.headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  for (const kv of d.endpoint.receiverInfo ?? []) headers[kv.key] = kv.value;
  return headers;
}

/**
 * The message published for a delivery over MQTT (NGSI-LD MQTT binding).
 * @example
 * mqttMessage({ headers: { 'Content-Type': 'application/json' }, endpoint: { uri: 'mqtt://mq/t' }, body: { id: 'n1' } } as NotificationDelivery)
 * // '{"metadata":{"Content-Type":"application/json"},"body":{"id":"n1"}}'
 */
export function mqttMessage(d: NotificationDelivery): string {
  return JSON.stringify({ metadata: headersOf(d), body: d.body });
}

function httpChannel(http: HttpDelivery): EndpointChannel<Item> {
  return {
    attempt(item): Promise<AttemptResult> {
      if (item.target.kind !== 'http') throw new Error('not an HTTP target');
      item.payload ??= JSON.stringify(item.delivery.body);
      return http.post(item.target.url, headersOf(item.delivery), item.payload);
    },
    ready: () => true,
  };
}

function mqttChannel(mqtt: MqttDelivery, first: DeliveryTarget): EndpointChannel<Item> {
  if (first.kind !== 'mqtt') throw new Error('not an MQTT target');
  const broker = first.broker;
  return {
    attempt(item): Promise<AttemptResult> {
      if (item.target.kind !== 'mqtt') throw new Error('not an MQTT target');
      item.payload ??= mqttMessage(item.delivery);
      return mqtt.publish(item.target.broker, item.target.topic, item.payload, item.target.qos);
    },
    ready: (wake) => mqtt.ready(broker, wake),
    down: () => mqtt.isDown(broker),
  };
}

/**
 * @example
 * const notifier = createNotifier({ timeoutMs: 5000, retries: 5, log });
 * notifier.send(
 *   {
 *     subscriptionId: 'urn:ngsi-ld:Subscription:leaks',
 *     orderKey: 'urn:ngsi-ld:WaterMeter:acme:42',
 *     endpoint: { uri: 'http://alerts.example:8080/notify', receiverInfo: [{ key: 'X-Api-Key', value: 'k' }] },
 *     headers: { 'Content-Type': 'application/json' },
 *     body: { id: 'urn:ngsi-ld:Notification:1', type: 'Notification', subscriptionId: '…', notifiedAt: '…', data: [] },
 *   },
 *   (outcome) => outcome.ok || log.warn(outcome, 'notification lost'),
 * );
 * // … at shutdown
 * await notifier.close(2000);
 */
export function createNotifier(opts: NotifierOptions & NotifierTuning = {}): Notifier {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const settings = {
    retries: opts.retries ?? 5,
    backoffMs: opts.backoffMs ?? 200,
    maxBackoffMs: opts.maxBackoffMs ?? 30000,
    maxQueue: opts.maxQueuePerEndpoint ?? 10000,
    concurrency: Math.max(1, opts.concurrencyPerEndpoint ?? 8),
    downAfter: Math.max(1, opts.downAfterFailures ?? 3),
    log: opts.log,
  };
  const http = createHttpDelivery({ timeoutMs });
  const mqtt = createMqttDelivery({ timeoutMs, reconnectMs: opts.mqttReconnectMs ?? 1000, idleMs: opts.mqttIdleMs ?? 300000, log: opts.log });
  const endpoints = new Map<string, { label: string; queue: EndpointQueue<Item> }>();
  /** Deliveries refused before reaching a queue: bad endpoint, notifier closed. */
  let refused = 0;
  let state: 'open' | 'closing' | 'closed' = 'open';
  let idleCheck: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const allIdle = () => [...endpoints.values()].every((e) => e.queue.idle());

  const refuse = (error: string, done?: (o: DeliveryOutcome) => void) => {
    refused++;
    if (!done) return;
    const outcome: DeliveryOutcome = { ok: false, at: new Date().toISOString(), attempts: 0, error };
    queueMicrotask(() => {
      try {
        done(outcome);
      } catch (err) {
        opts.log?.warn({ err: reasonOf(err) }, 'notifier: delivery callback threw');
      }
    });
  };

  const endpointOf = (target: DeliveryTarget) => {
    let e = endpoints.get(target.key);
    if (!e) {
      const channel = target.kind === 'http' ? httpChannel(http) : mqttChannel(mqtt, target);
      const queue = createEndpointQueue<Item>({ ...settings, label: target.label, channel, onIdle: () => idleCheck?.() });
      e = { label: target.label, queue };
      endpoints.set(target.key, e);
    }
    return e;
  };

  function send(d: NotificationDelivery, done?: (o: DeliveryOutcome) => void): void {
    try {
      if (state !== 'open') return refuse('notifier closed', done);
      let target: DeliveryTarget;
      try {
        target = parseTarget(d.endpoint);
      } catch (err) {
        return refuse(reasonOf(err), done);
      }
      endpointOf(target).queue.push({ delivery: d, target }, d.orderKey, done);
    } catch (err) {
      // d itself malformed (no endpoint…): still one answer, never a throw
      refuse(reasonOf(err), done);
    }
  }

  function stats(): NotifierStats {
    const total: NotifierStats = { queued: 0, inFlight: 0, sent: 0, failed: refused, dropped: 0, endpoints: {} };
    for (const { label, queue } of endpoints.values()) {
      const s = queue.stats();
      const e = (total.endpoints[label] ??= { queued: 0, inFlight: 0, sent: 0, failed: 0, dropped: 0, down: false });
      for (const k of ['queued', 'inFlight', 'sent', 'failed', 'dropped'] as const) {
        e[k] += s[k];
        total[k] += s[k];
      }
      e.down ||= s.down;
    }
    return total;
  }

  async function shutdown(graceMs: number): Promise<void> {
    state = 'closing';
    if (!allIdle()) {
      await new Promise<void>((ok) => {
        const timer = setTimeout(ok, Math.max(0, graceMs));
        idleCheck = () => {
          if (!allIdle()) return;
          clearTimeout(timer);
          ok();
        };
      });
      idleCheck = undefined;
    }
    state = 'closed';
    for (const { queue } of endpoints.values()) queue.close('notifier closed');
    http.close();
    await mqtt.close();
  }

  return {
    send,
    stats,
    close: (graceMs = 2000) => (closing ??= shutdown(graceMs)),
  };
}
