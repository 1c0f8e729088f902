/** Entities of the embedded broker by id, for the runtime's own state readers (episodes, observation times). */
import { queryEntities } from '../broker/operations/query-entities';
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { isNgsiError } from '../ngsi-ld/errors';

const PAGE = 500;

/**
 * The entities among `ids` that exist (Query Entities by id in pages of 500, in-process), with their
 * names under `context`; `params` adds query parameters (attrs, options). A tenant with no entity yet
 * holds none.
 * @example
 * const found = await entitiesById(broker, contexts, undefined, ids, [ALERT], { attrs: 'validFrom,validTo', options: 'keyValues' });
 */
export async function entitiesById(
  broker: Broker,
  contexts: ContextResolver,
  tenant: string | undefined,
  ids: string[],
  context: string[],
  params: Record<string, string> = {},
): Promise<Array<Record<string, unknown>>> {
  const ctx = await contexts.resolve(context.length ? context : undefined);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < ids.length; i += PAGE) {
    const part = ids.slice(i, i + PAGE);
    try {
      const res = await queryEntities(broker, {
        tenant, ctx, responseContext: undefined, accept: 'application/json', body: undefined,
        params: { ...params, id: part.join(','), limit: String(PAGE) },
      });
      out.push(...((res.json !== undefined ? JSON.parse(res.json) : res.body) as Array<Record<string, unknown>>));
    } catch (err) {
      if (!(isNgsiError(err) && err.status === 404)) throw err; // a tenant with no entity yet: none exists
    }
  }
  return out;
}
