/** What the embedded broker holds of entities' observation times (Query Entities by id, normalized, in-process). */
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { entitiesById } from './entities-by-id';
import { observedTimes, type ObservationReader, type ObservedTimes } from './observations';

/**
 * @example
 * const guard = createObservationGuard(embeddedObservationReader(broker, contexts));
 */
export function embeddedObservationReader(broker: Broker, contexts: ContextResolver, tenant?: string): ObservationReader {
  return async (ids, context, reportedAt) => {
    const out = new Map<string, ObservedTimes>();
    for (const e of await entitiesById(broker, contexts, tenant, ids, context)) if (typeof e.id === 'string') out.set(e.id, observedTimes(e, undefined, reportedAt));
    return out;
  };
}
