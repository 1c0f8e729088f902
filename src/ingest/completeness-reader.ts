/** Whether the embedded broker holds entities complete (Query Entities by id, keyValues, in-process): the join stage's reader. */
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { entitiesById } from './entities-by-id';
import type { CompletenessReader } from './join-parts';

/** The ids of entities read that hold every one of `attrs`. */
export function completeIds(entities: Array<Record<string, unknown>>, attrs: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const e of entities) if (typeof e.id === 'string' && attrs.every((a) => e[a] !== undefined)) out.add(e.id);
  return out;
}

/**
 * @example
 * const readComplete = embeddedCompletenessReader(broker, contexts);
 * await readComplete(['urn:ngsi-ld:TrafficFlowObserved:demo:S1:1'], ['dateObserved'], [TRANSPORTATION_CONTEXT]); // Set {} until observed
 */
export function embeddedCompletenessReader(broker: Broker, contexts: ContextResolver, tenant?: string): CompletenessReader {
  return async (ids, attrs, context) => completeIds(await entitiesById(broker, contexts, tenant, ids, context, { attrs: attrs.join(','), options: 'keyValues' }), attrs);
}
