/** Which entities the embedded broker holds with given attributes (in-process, by id): the reader of the join stage and of fallbacks. */
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { isNgsiError } from '../ngsi-ld/errors';
import type { CompletenessReader } from './join-parts';

/**
 * Each entity is read from the store by id: a site table of 100,000 entities asks for 100,000
 * (Query Entities by id grew slower with the store, tens of seconds for such a table).
 * @example
 * const readComplete = embeddedCompletenessReader(broker, contexts);
 * await readComplete(['urn:ngsi-ld:TrafficFlowObserved:demo:S1:1'], ['dateObserved'], [TRANSPORTATION_CONTEXT]); // Set {} until observed
 */
export function embeddedCompletenessReader(broker: Broker, contexts: ContextResolver, tenant?: string): CompletenessReader {
  return async (ids, attrs, context) => {
    const ctx = await contexts.resolve(context.length ? context : undefined);
    const names = attrs.map((a) => ctx.expand(a));
    let store;
    try {
      store = broker.tenants.forRead(tenant);
    } catch (err) {
      if (isNgsiError(err) && err.status === 404) return new Set(); // a tenant with no entity yet
      throw err;
    }
    const out = new Set<string>();
    for (const id of ids) {
      const e = store.get(id);
      if (e && names.every((n) => (e.attrs[n]?.length ?? 0) > 0)) out.add(id);
    }
    return out;
  };
}
