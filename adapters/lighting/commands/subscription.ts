/**
 * The NGSI-LD subscription the lighting commands live on, through the client (so it works the same
 * against the embedded broker and Orion-LD): `illuminanceLevel` of Streetlight and StreetlightGroup,
 * notified in normalized format to the webhook. Its id is stable per territory: at start it is
 * put in place by the client's replaceSubscription (re-created when it already exists, so a changed
 * notification URL takes effect); while the broker is unreachable (network error, 5xx, 429) the
 * creation is retried with backoff until it works or the controller stops.
 */
import { backoffDelay, NgsiLdClientError, type NgsiLdClient } from '../../../src/client';

/** What the notifications carry: the level and what is needed to address the lamps. */
export const NOTIFIED_ATTRIBUTES = ['illuminanceLevel', 'talqAddress', 'talqGateway', 'refStreetlight'];

/**
 * The stable id of a territory's lighting subscription.
 * @example
 * lightingSubscriptionId('eclor'); // 'urn:ngsi-ld:Subscription:eclor:lighting-commands'
 */
export function lightingSubscriptionId(territory: string): string {
  return `urn:ngsi-ld:Subscription:${territory}:lighting-commands`;
}

/**
 * The subscription body.
 * @example
 * lightingSubscription('eclor', 'http://127.0.0.1:1026/ingest/lighting/talq/notifications').watchedAttributes; // ['illuminanceLevel']
 */
export function lightingSubscription(territory: string, notifyUrl: string): Record<string, unknown> {
  return {
    id: lightingSubscriptionId(territory),
    type: 'Subscription',
    description: 'ECLOR lighting commands: a target illuminanceLevel becomes a TALQ targetLightCommand (adapters/lighting/README.md)',
    entities: [{ type: 'Streetlight' }, { type: 'StreetlightGroup' }],
    watchedAttributes: ['illuminanceLevel'],
    notification: { attributes: NOTIFIED_ATTRIBUTES, format: 'normalized', endpoint: { uri: notifyUrl, accept: 'application/json' } },
  };
}

export interface EnsureOptions {
  client: NgsiLdClient;
  subscription: Record<string, unknown>;
  context: string;
  /** Checked before each attempt; true ends the loop. */
  stopped: () => boolean;
  log?: { warn(obj: object, msg?: string): void; info?(obj: object, msg?: string): void };
  /** First wait, ms (default 1000), doubled up to maxDelayMs (default 30000). */
  delayMs?: number;
  maxDelayMs?: number;
  /** Bound of the loop (default 10000 attempts: days at the longest wait). */
  maxAttempts?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
}

const unreachable = (err: unknown) => err instanceof NgsiLdClientError && (err.status === undefined || err.status >= 500 || err.status === 429);

/**
 * Creates (or re-creates) the subscription; resolves true once it exists, false when stopped first.
 * Throws when the broker refuses it (4xx other than 409: a bad subscription, not a passing outage).
 * @example
 * await ensureSubscription({ client, subscription: lightingSubscription('eclor', url), context: STREETLIGHTING_CONTEXT, stopped: () => false });
 */
export async function ensureSubscription(o: EnsureOptions): Promise<boolean> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms).unref()));
  const id = String(o.subscription.id);
  for (let attempt = 1; attempt <= (o.maxAttempts ?? 10000); attempt++) {
    if (o.stopped()) return false;
    try {
      await o.client.replaceSubscription(o.subscription, { context: [o.context] });
      o.log?.info?.({ subscription: id }, 'lighting commands: subscription in place');
      return true;
    } catch (err) {
      if (!unreachable(err)) throw err;
      const delay = backoffDelay(attempt - 1, o.delayMs ?? 1000, o.maxDelayMs ?? 30000, () => 0.5);
      o.log?.warn({ subscription: id, attempt, delayMs: delay, err: (err as Error).message }, 'lighting commands: broker unreachable, subscription retried');
      await sleep(delay);
    }
  }
  return false;
}
