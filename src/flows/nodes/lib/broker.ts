/**
 * What the NGSI-LD nodes share: finding their `ngsi-ld-broker` config node, per-message tenant and
 * @context, error text.
 */
import { NgsiLdClientError, type NgsiLdClient } from '../../../client';
import type { NodeAPI, NodeMessage, RedNode } from './red';

/** The `ngsi-ld-broker` config node as the other nodes see it. */
export interface BrokerNode extends RedNode {
  /** Undefined when the config node could not build one (no URL). */
  client?: NgsiLdClient;
  /** Its @context URL, if set. */
  context?: string;
  /** e.g. 'embedded http://127.0.0.1:1026 tenant paris'. */
  describe: string;
}

/**
 * The node's broker client, or undefined after showing a red status (no broker selected, or broken).
 * @example
 * const client = brokerClient(RED, this, config.broker)?.client;
 */
export function brokerOf(RED: NodeAPI, node: RedNode, id: string | undefined): BrokerNode | undefined {
  const broker = id ? (RED.nodes.getNode(id) as BrokerNode | null) : null;
  if (!broker?.client) {
    node.status({ fill: 'red', shape: 'ring', text: broker ? 'broker not usable' : 'no broker selected' });
    node.error(broker ? `ngsi-ld-broker ${id} is not usable (see its error)` : 'no ngsi-ld-broker configured');
    return undefined;
  }
  return broker;
}

/**
 * Per-message tenant (`msg.tenant`) and @context (`msg.context`, else the broker's) of a read.
 * @example
 * await client.get(id, { ...readScope(broker, msg), attrs });
 */
export function readScope(broker: BrokerNode, msg: NodeMessage): { tenant?: string; context?: string } {
  const ctx = Array.isArray(msg.context) ? msg.context[0] : msg.context;
  return { tenant: typeof msg.tenant === 'string' ? msg.tenant : undefined, context: typeof ctx === 'string' ? ctx : broker.context };
}

/**
 * Same for a write (several @context URLs allowed).
 * @example
 * await client.upsert(entities, writeScope(broker, msg));
 */
export function writeScope(broker: BrokerNode, msg: NodeMessage): { tenant?: string; context?: string[] } {
  const ctx = msg.context ?? broker.context;
  const list = (Array.isArray(ctx) ? ctx : [ctx]).filter((c): c is string => typeof c === 'string' && c !== '');
  return { tenant: typeof msg.tenant === 'string' ? msg.tenant : undefined, context: list.length ? list : undefined };
}

/** Short text of an error for a node status (the broker's ProblemDetails title when there is one). */
export function shortError(err: unknown): string {
  if (err instanceof NgsiLdClientError) return err.problem ? `${err.status} ${err.problem.title}` : (err.code ?? err.message);
  return err instanceof Error ? err.message : String(err);
}

/** Comma-separated list → array (empty entries dropped). */
export function list(text: unknown): string[] | undefined {
  if (Array.isArray(text)) return text.map(String).filter(Boolean);
  if (typeof text !== 'string') return undefined;
  const l = text.split(',').map((s) => s.trim()).filter(Boolean);
  return l.length ? l : undefined;
}
