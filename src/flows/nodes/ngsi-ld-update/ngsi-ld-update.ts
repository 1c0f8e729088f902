/**
 * `ngsi-ld update`: writes the entity or entities of `msg.payload` to the broker. Modes: upsert
 * (create or replace), upsert-merge (create, or merge into the existing entity), merge (existing
 * entities only), attrs (PATCH /entities/{id}/attrs: existing attributes only). Any entity the broker
 * refuses makes the node report an error with the message (a Catch node gets it) and send nothing;
 * `msg.result` holds `{ success, errors }`.
 */
import type { BatchOperationResult, Entity } from '../../../ngsi-ld/types';
import { NgsiLdClientError, type NgsiLdClient } from '../../../client';
import { brokerOf, shortError, writeScope } from '../lib/broker';
import type { NodeAPI, NodeMessage, RedNode } from '../lib/red';

export type UpdateMode = 'upsert' | 'upsert-merge' | 'merge' | 'attrs';

export interface UpdateConfig {
  id: string;
  broker?: string;
  mode?: UpdateMode;
}

/** Entities per batch request. */
const CHUNK = 500;

/**
 * The entities of a message: `msg.payload` (one entity or an array); an entity without id takes
 * `msg.topic`. Throws on anything else.
 * @example
 * entitiesOf({ topic: 'urn:ngsi-ld:Streetlight:x:1', payload: { powerState: { type: 'Property', value: 'off' } } }, 'attrs');
 */
export function entitiesOf(msg: NodeMessage, mode: UpdateMode): Entity[] {
  const items = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
  if (items.length === 0) throw new Error('msg.payload is an empty array: nothing to write');
  return items.map((raw, i) => {
    const at = Array.isArray(msg.payload) ? `msg.payload[${i}]` : 'msg.payload';
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${at} is not an entity object`);
    const e = { ...(raw as Record<string, unknown>) };
    if (e.id === undefined && typeof msg.topic === 'string' && items.length === 1) e.id = msg.topic;
    if (typeof e.id !== 'string' || e.id === '') throw new Error(`${at} has no id (nor msg.topic)`);
    if (mode !== 'attrs' && typeof e.type !== 'string') throw new Error(`${at} (${e.id}) has no type`);
    return e as unknown as Entity;
  });
}

async function write(client: NgsiLdClient, mode: UpdateMode, entities: Entity[], scope: ReturnType<typeof writeScope>): Promise<BatchOperationResult> {
  const result: BatchOperationResult = { success: [], errors: [] };
  if (mode === 'attrs') {
    for (const e of entities) {
      const { id, type: _type, '@context': _ctx, ...attrs } = e as Entity & { '@context'?: unknown };
      try {
        const notUpdated = await client.updateAttributes(id, attrs, scope);
        if (notUpdated.length === 0) result.success.push(id);
        else result.errors.push({ entityId: id, error: { type: 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound', title: 'Attributes not updated', status: 207, detail: `not updated: ${notUpdated.join(', ')}` } });
      } catch (err) {
        if (!(err instanceof NgsiLdClientError) || !err.problem || (err.status ?? 500) >= 500) throw err;
        result.errors.push({ entityId: id, error: err.problem });
      }
    }
    return result;
  }
  for (let i = 0; i < entities.length; i += CHUNK) {
    const chunk = entities.slice(i, i + CHUNK);
    const r =
      mode === 'merge' ? await client.merge(chunk, scope)
      : await client.upsert(chunk, { ...scope, mode: mode === 'upsert-merge' ? 'merge' : 'replace' });
    result.success.push(...r.success);
    result.errors.push(...r.errors);
  }
  return result;
}

/** Registers the `ngsi-ld update` type. */
export default function register(RED: NodeAPI): void {
  function NgsiLdUpdateNode(this: RedNode, config: UpdateConfig) {
    RED.nodes.createNode(this, config);
    const broker = brokerOf(RED, this, config.broker);
    const mode: UpdateMode = config.mode ?? 'upsert';
    this.on('input', (msg, send, done) => {
      if (!broker?.client) return done(new Error('no usable ngsi-ld-broker'));
      let entities: Entity[];
      try {
        entities = entitiesOf(msg, mode);
      } catch (err) {
        return done(err as Error);
      }
      this.status({ fill: 'blue', shape: 'dot', text: 'writing…' });
      write(broker.client, mode, entities, writeScope(broker, msg)).then(
        (result) => {
          msg.result = result;
          if (result.errors.length === 0) {
            this.status({ fill: 'green', shape: 'dot', text: `${result.success.length} written` });
            send(msg);
            return done();
          }
          const first = result.errors.slice(0, 3).map((e) => `${e.entityId}: ${e.error.title}${e.error.detail ? ` (${e.error.detail})` : ''}`);
          this.status({ fill: 'red', shape: 'ring', text: `${result.errors.length} of ${entities.length} refused` });
          done(new Error(`${result.errors.length} of ${entities.length} entities refused by the broker: ${first.join('; ')}${result.errors.length > 3 ? '; …' : ''}`));
        },
        (err: unknown) => {
          this.status({ fill: 'red', shape: 'ring', text: shortError(err) });
          done(err as Error);
        },
      );
    });
  }
  RED.nodes.registerType('ngsi-ld update', NgsiLdUpdateNode);
}
