/** What the embedded broker holds of entities' observation times (Query Entities by id, normalized, in-process). */
import { queryEntities } from '../broker/operations/query-entities';
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { isNgsiError } from '../ngsi-ld/errors';
import { observedTimes, type ObservationReader, type ObservedTimes } from './observations';

const PAGE = 500;

/**
 * @example
 * const guard = createObservationGuard(embeddedObservationReader(broker, contexts));
 */
export function embeddedObservationReader(broker: Broker, contexts: ContextResolver, tenant?: string): ObservationReader {
  return async (ids, context) => {
    const ctx = await contexts.resolve(context.length ? context : undefined);
    const out = new Map<string, ObservedTimes>();
    for (let i = 0; i < ids.length; i += PAGE) {
      const part = ids.slice(i, i + PAGE);
      try {
        const res = await queryEntities(broker, {
          tenant, ctx, responseContext: undefined, accept: 'application/json', body: undefined,
          params: { id: part.join(','), limit: String(PAGE) },
        });
        const entities = (res.json !== undefined ? JSON.parse(res.json) : res.body) as Array<Record<string, unknown>>;
        for (const e of entities) if (typeof e.id === 'string') out.set(e.id, observedTimes(e));
      } catch (err) {
        if (!(isNgsiError(err) && err.status === 404)) throw err; // a tenant with no entity yet: none exists
      }
    }
    return out;
  };
}
