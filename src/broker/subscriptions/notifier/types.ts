/**
 * The notifier's contract (ETSI GS CIM 009 v1.8, clause 5.3 and annex on MQTT bindings): the
 * subscription engine builds a Notification and hands it over here; the notifier delivers it over
 * HTTP(S) or MQTT(S), asynchronously, with a bounded queue per endpoint, timeouts and retries.
 * The caller never waits on delivery: `send` returns at once and `done` reports the final outcome.
 */

/** `receiverInfo` / `notifierInfo` entries of an Endpoint (clause 5.2.22 KeyValuePair). */
export interface KeyValue {
  key: string;
  value: string;
}

/** Where and how to deliver (clause 5.2.15 Endpoint). */
export interface DeliveryEndpoint {
  /** http://, https://, mqtt:// or mqtts:// URI. For MQTT the path is the topic. */
  uri: string;
  /** 'application/json' (default) or 'application/ld+json'. */
  accept?: string;
  /** Extra headers (HTTP) or metadata entries (MQTT) to send with every notification. */
  receiverInfo?: KeyValue[];
  /** Binding options, e.g. `MQTT-QoS` (0, 1, 2) and `MQTT-Version` ('mqtt3.1.1', 'mqtt5.0'). */
  notifierInfo?: KeyValue[];
}

/** One notification to deliver. */
export interface NotificationDelivery {
  subscriptionId: string;
  tenant?: string;
  /**
   * Ordering key (usually the entity id): deliveries to the same endpoint with the same key arrive in
   * the order `send` was called, retries included. Deliveries with other keys may overtake them.
   */
  orderKey?: string;
  endpoint: DeliveryEndpoint;
  /**
   * HTTP headers to send (Content-Type, Link, NGSILD-Tenant…), receiverInfo not yet included.
   * For MQTT they (and receiverInfo) become the `metadata` member of the published message.
   */
  headers: Record<string, string>;
  /** The Notification (clause 5.3.1), already compacted: serialized as JSON by the notifier. */
  body: unknown;
}

/** The final outcome of one delivery. */
export interface DeliveryOutcome {
  ok: boolean;
  /** ISO 8601 time of the last attempt's end. */
  at: string;
  attempts: number;
  /** HTTP status of the last attempt, when there was an answer. */
  status?: number;
  /** Why it failed: 'HTTP 503', 'timeout', 'ECONNREFUSED', 'queue full', 'notifier closed'… */
  error?: string;
}

export interface NotifierStats {
  queued: number;
  inFlight: number;
  sent: number;
  failed: number;
  dropped: number;
  /** Per endpoint (origin + path, or MQTT broker + topic). */
  endpoints: Record<string, { queued: number; inFlight: number; sent: number; failed: number; dropped: number; down: boolean }>;
}

export interface NotifierOptions {
  /** Deadline of one HTTP attempt / MQTT publish, ms (default 5000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff, ms, doubled at each retry with ±50 % jitter (default 200), capped at maxBackoffMs (default 30000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Deliveries waiting per endpoint before the oldest are dropped (default 10000). */
  maxQueuePerEndpoint?: number;
  /** Concurrent requests per endpoint (default 8); ordering per orderKey holds regardless. */
  concurrencyPerEndpoint?: number;
  log?: { warn(obj: object, msg?: string): void; info?(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
}

export interface Notifier {
  /** Queues a delivery; never throws, never blocks. `done` is called exactly once. */
  send(d: NotificationDelivery, done?: (o: DeliveryOutcome) => void): void;
  stats(): NotifierStats;
  /** Waits up to `graceMs` (default 2000) for queued deliveries, then fails the rest ('notifier closed') and closes connections. */
  close(graceMs?: number): Promise<void>;
}
