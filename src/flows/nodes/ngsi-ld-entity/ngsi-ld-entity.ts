/**
 * `ngsi-ld entity`: retrieves one entity (GET /ngsi-ld/v1/entities/{id}) on each input message; the id
 * is the node's, else `msg.topic`. An absent entity gives `msg.payload = null`.
 */
import { brokerOf, list, readScope, shortError } from '../lib/broker';
import type { NodeAPI, RedNode } from '../lib/red';

export interface EntityConfig {
  id: string;
  broker?: string;
  entityId?: string;
  attrs?: string;
  format?: 'normalized' | 'keyValues';
}

/** Registers the `ngsi-ld entity` type. */
export default function register(RED: NodeAPI): void {
  function NgsiLdEntityNode(this: RedNode, config: EntityConfig) {
    RED.nodes.createNode(this, config);
    const broker = brokerOf(RED, this, config.broker);
    this.on('input', (msg, send, done) => {
      if (!broker?.client) return done(new Error('no usable ngsi-ld-broker'));
      const id = config.entityId?.trim() || msg.topic;
      if (typeof id !== 'string' || id === '') return done(new Error('no entity id: set one on the node or send it as msg.topic'));
      this.status({ fill: 'blue', shape: 'dot', text: 'reading…' });
      broker.client.get(id, { ...readScope(broker, msg), attrs: list(config.attrs), options: config.format === 'keyValues' ? 'keyValues' : undefined }).then(
        (entity) => {
          this.status(entity ? { fill: 'green', shape: 'dot', text: 'found' } : { fill: 'yellow', shape: 'ring', text: 'not found' });
          send({ ...msg, topic: id, payload: entity ?? null });
          done();
        },
        (err: unknown) => {
          this.status({ fill: 'red', shape: 'ring', text: shortError(err) });
          done(err as Error);
        },
      );
    });
  }
  RED.nodes.registerType('ngsi-ld entity', NgsiLdEntityNode);
}
