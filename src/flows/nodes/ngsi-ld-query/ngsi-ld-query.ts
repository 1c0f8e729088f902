/**
 * `ngsi-ld query`: Query Entities (GET /ngsi-ld/v1/entities) on each input message — type, idPattern,
 * q, attrs and a geo-query from the node's configuration, each overridable by `msg.query` — all pages,
 * bounded by `max`. Sends the entities as one array (`msg.payload`), or one message per entity.
 */
import type { QueryParams } from '../../../client';
import { brokerOf, list, readScope, shortError } from '../lib/broker';
import type { NodeAPI, NodeMessage, RedNode } from '../lib/red';

export interface QueryConfig {
  id: string;
  broker?: string;
  entityType?: string;
  idPattern?: string;
  q?: string;
  attrs?: string;
  georel?: string;
  geometry?: string;
  /** JSON text of the coordinates, e.g. `[2.35, 48.85]`. */
  coordinates?: string;
  geoproperty?: string;
  format?: 'normalized' | 'keyValues';
  /** Most entities returned (default 1000). */
  max?: number | string;
  output?: 'array' | 'split';
}

/** Fields of `msg.query` that override the configuration. */
const OVERRIDES = ['type', 'id', 'idPattern', 'q', 'attrs', 'georel', 'geometry', 'coordinates', 'geoproperty'] as const;

/**
 * The query of one message: the configuration, then `msg.query` on top. Throws on bad coordinates.
 * @example
 * queryOf({ id: 'n', entityType: 'Streetlight', q: 'powerState=="on"' }, { query: { q: 'powerState=="off"' } });
 */
export function queryOf(config: QueryConfig, msg: NodeMessage): QueryParams {
  let coordinates: QueryParams['coordinates'];
  if (config.coordinates?.trim()) {
    try {
      coordinates = JSON.parse(config.coordinates) as unknown[];
    } catch {
      throw new Error(`coordinates ${config.coordinates} are not JSON, e.g. [2.35, 48.85]`);
    }
  }
  const q: QueryParams = {
    type: config.entityType?.trim() || undefined,
    idPattern: config.idPattern?.trim() || undefined,
    q: config.q?.trim() || undefined,
    attrs: list(config.attrs),
    georel: config.georel?.trim() || undefined,
    geometry: config.geometry?.trim() || undefined,
    coordinates,
    geoproperty: config.geoproperty?.trim() || undefined,
    options: config.format === 'keyValues' ? 'keyValues' : undefined,
  };
  const o = msg.query;
  if (o && typeof o === 'object') {
    const over = o as Record<string, unknown>;
    for (const k of OVERRIDES) if (over[k] !== undefined) (q as Record<string, unknown>)[k] = k === 'attrs' ? list(over[k]) : over[k];
  }
  if (!q.type && !q.id && !q.idPattern && !q.q && !q.georel) throw new Error('empty query: set an entity type, ids, idPattern, q or a geo-query (node or msg.query)');
  return q;
}

/** Registers the `ngsi-ld query` type. */
export default function register(RED: NodeAPI): void {
  function NgsiLdQueryNode(this: RedNode, config: QueryConfig) {
    RED.nodes.createNode(this, config);
    const broker = brokerOf(RED, this, config.broker);
    const max = Math.max(1, Math.min(Number(config.max) || 1000, 100000));
    this.on('input', (msg, send, done) => {
      if (!broker?.client) return done(new Error('no usable ngsi-ld-broker'));
      let params: QueryParams;
      try {
        params = { ...queryOf(config, msg), ...readScope(broker, msg) };
      } catch (err) {
        return done(err as Error);
      }
      this.status({ fill: 'blue', shape: 'dot', text: 'querying…' });
      broker.client.queryAll(params, { max, pageSize: Math.min(max, 100) }).then(
        ({ entities, truncated }) => {
          this.status({ fill: 'green', shape: 'dot', text: `${entities.length}${truncated ? '+ (truncated)' : ''} entities` });
          if (config.output === 'split') {
            entities.forEach((e, index) => {
              const m = RED.util.cloneMessage(msg);
              send({ ...m, payload: e, topic: e.id, truncated, parts: { id: msg._msgid, type: 'array', index, count: entities.length } });
            });
          } else {
            send({ ...msg, payload: entities, truncated });
          }
          done();
        },
        (err: unknown) => {
          this.status({ fill: 'red', shape: 'ring', text: shortError(err) });
          done(err as Error);
        },
      );
    });
  }
  RED.nodes.registerType('ngsi-ld query', NgsiLdQueryNode);
}
