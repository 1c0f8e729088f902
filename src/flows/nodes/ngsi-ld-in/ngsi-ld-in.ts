/**
 * `ngsi-ld in`: keeps an NGSI-LD subscription on the broker and sends one message per notified entity.
 * The notifications come to `<httpNodeUrl>/ngsi-ld-in/<node id>` (one route on RED.httpNode for all
 * the nodes of this type, each node answering on its id). The subscription has a fixed id per node and
 * endpoint, so a subscription left over by a crash is replaced, not doubled. While the broker cannot be
 * reached the node retries with a bounded backoff; a broker refusal (4xx) is reported and not retried.
 * Closing the node (stop, redeploy) deletes the subscription and its route answers 404.
 */
import crypto from 'node:crypto';
import { backoffDelay, NgsiLdClientError } from '../../../client';
import type { Entity } from '../../../ngsi-ld/types';
import { brokerOf, list, shortError, type BrokerNode } from '../lib/broker';
import { readJson } from '../lib/read-json';
import type { NodeAPI, NodeMessage, RedNode } from '../lib/red';

export interface InConfig {
  id: string;
  broker?: string;
  entityType?: string;
  idPattern?: string;
  watchedAttributes?: string;
  q?: string;
  /** Attributes in the notifications (all if empty). */
  attributes?: string;
  format?: 'normalized' | 'keyValues';
  /** Minimum seconds between two notifications (0: none). */
  throttling?: number | string;
}

/** Largest notification body accepted, bytes. */
const MAX_BODY = 16 * 1024 * 1024;

/** Path of the node's notification route under httpNodeRoot. */
export const notifyPath = (nodeId: string) => `/ngsi-ld-in/${encodeURIComponent(nodeId)}`;
const ROUTE = '/ngsi-ld-in/:nodeId';

/**
 * The subscription a node keeps (fixed id per node and endpoint).
 * @example
 * subscriptionOf({ id: 'a1', entityType: 'Streetlight', watchedAttributes: 'powerState' }, 'http://127.0.0.1:1026/node-red/api/ngsi-ld-in/a1');
 */
export function subscriptionOf(config: InConfig, uri: string): Record<string, unknown> {
  const type = config.entityType?.trim();
  const idPattern = config.idPattern?.trim();
  if (!type) throw new Error('an entity type is required');
  const throttling = Number(config.throttling);
  const hash = crypto.createHash('sha256').update(uri).digest('hex').slice(0, 12);
  const s: Record<string, unknown> = {
    id: `urn:ngsi-ld:Subscription:node-red:${config.id}-${hash}`,
    type: 'Subscription',
    description: `Node-RED ngsi-ld in ${config.id}`,
    entities: [{ type, ...(idPattern ? { idPattern } : {}) }],
    notification: {
      endpoint: { uri, accept: 'application/json' },
      format: config.format === 'keyValues' ? 'keyValues' : 'normalized',
      ...(list(config.attributes) ? { attributes: list(config.attributes) } : {}),
    },
  };
  if (list(config.watchedAttributes)) s.watchedAttributes = list(config.watchedAttributes);
  if (config.q?.trim()) s.q = config.q.trim();
  if (Number.isFinite(throttling) && throttling > 0) s.throttling = throttling;
  return s;
}

/** A broker answer that retrying will not change. */
const refusal = (err: unknown) => err instanceof NgsiLdClientError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;

/** Registers the `ngsi-ld in` type and its notification route. */
export default function register(RED: NodeAPI): void {
  const receivers = new Map<string, (body: unknown) => void>();
  RED.httpNode.post(ROUTE, (req, res) => {
    const receive = receivers.get(req.params.nodeId);
    const answer = (status: number, body?: object) => {
      res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
      res.end(body ? JSON.stringify(body) : undefined);
    };
    if (!receive) return answer(404, { title: 'No ngsi-ld in node with this id is running' });
    readJson(req, MAX_BODY).then(
      (body) => {
        const data = (body as { data?: unknown } | null)?.data;
        if (!Array.isArray(data)) return answer(400, { title: 'Not an NGSI-LD notification (no data array)' });
        answer(204);
        receive(body);
      },
      (err: Error) => answer(400, { title: err.message }),
    );
  });

  function NgsiLdInNode(this: RedNode, config: InConfig) {
    RED.nodes.createNode(this, config);
    const eclor = RED.settings.eclor;
    const broker: BrokerNode | undefined = brokerOf(RED, this, config.broker);
    const retry = eclor?.subscribeRetry ?? { firstMs: 1000, maxMs: 60000 };
    let subscription: Record<string, unknown>;
    try {
      if (!eclor?.httpNodeUrl) throw new Error('RED.settings.eclor.httpNodeUrl is not set: no notification endpoint');
      subscription = subscriptionOf(config, eclor.httpNodeUrl + notifyPath(this.id));
    } catch (err) {
      this.status({ fill: 'red', shape: 'ring', text: (err as Error).message });
      this.error((err as Error).message);
      return;
    }
    if (!broker?.client) return;
    const client = broker.client;
    const subscriptionId = String(subscription.id);
    let closed = false;
    let subscribed = false;
    let timer: NodeJS.Timeout | undefined;
    let inflight: Promise<void> = Promise.resolve();
    let notified = 0;

    const receive = (body: unknown) => {
      const n = body as { id?: string; subscriptionId?: string; notifiedAt?: string; data: Entity[] };
      const notification = { id: n.id, subscriptionId: n.subscriptionId, notifiedAt: n.notifiedAt };
      for (const entity of n.data) {
        const msg: NodeMessage = { payload: entity, topic: entity?.id, notification };
        this.send(msg);
      }
      notified += n.data.length;
      this.status({ fill: 'green', shape: 'dot', text: `subscribed · ${notified} notified` });
    };
    receivers.set(this.id, receive);

    const subscribe = async (attempt: number): Promise<void> => {
      this.status({ fill: 'yellow', shape: 'ring', text: attempt ? `subscribing (attempt ${attempt + 1})…` : 'subscribing…' });
      try {
        // replaces a leftover of a crash or of the previous deploy
        await client.replaceSubscription(subscription, { context: broker.context ? [broker.context] : undefined });
        subscribed = true;
        this.status({ fill: 'green', shape: 'dot', text: 'subscribed' });
      } catch (err) {
        if (closed) return;
        if (refusal(err)) {
          this.status({ fill: 'red', shape: 'ring', text: `refused: ${shortError(err)}` });
          this.error(`subscription refused by the broker (${broker.describe}): ${(err as Error).message}`);
          return;
        }
        const delay = backoffDelay(attempt, retry.firstMs, retry.maxMs, () => 0.5);
        this.status({ fill: 'red', shape: 'ring', text: `${shortError(err)}: retry in ${Math.round(delay / 1000)} s` });
        this.warn(`cannot subscribe on ${broker.describe}: ${(err as Error).message}; retrying in ${delay} ms`);
        timer = setTimeout(() => {
          timer = undefined;
          if (!closed) inflight = subscribe(attempt + 1);
        }, delay);
      }
    };
    inflight = subscribe(0);

    this.on('close', (_removed, done) => {
      closed = true;
      if (timer) clearTimeout(timer);
      if (receivers.get(this.id) === receive) receivers.delete(this.id);
      inflight
        .then(() => (subscribed ? client.unsubscribe(subscriptionId) : false))
        .catch((err: unknown) => this.warn(`could not delete subscription ${subscriptionId}: ${shortError(err)}`))
        .finally(done);
    });
  }
  RED.nodes.registerType('ngsi-ld in', NgsiLdInNode);
}
