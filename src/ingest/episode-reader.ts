/** The episodes' state read from the embedded broker (Query Entities by id, keyValues, in-process). */
import { queryEntities } from '../broker/operations/query-entities';
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { isNgsiError } from '../ngsi-ld/errors';
import { statesOf, type EpisodeReader, type EpisodeState } from './episodes';

const PAGE = 500;

/**
 * @example
 * const episodes = createEpisodeTracker(embeddedEpisodeReader(broker, contexts));
 */
export function embeddedEpisodeReader(broker: Broker, contexts: ContextResolver, tenant?: string): EpisodeReader {
  return async (ids, context) => {
    const ctx = await contexts.resolve([context]);
    const out = new Map<string, EpisodeState>();
    for (let i = 0; i < ids.length; i += PAGE) {
      const part = ids.slice(i, i + PAGE);
      try {
        const res = await queryEntities(broker, {
          tenant, ctx, responseContext: undefined, accept: 'application/json', body: undefined,
          params: { id: part.join(','), attrs: 'validFrom,validTo', options: 'keyValues', limit: String(PAGE) },
        });
        const entities = (res.json !== undefined ? JSON.parse(res.json) : res.body) as Array<Record<string, unknown>>;
        for (const [id, s] of statesOf(entities)) out.set(id, s);
      } catch (err) {
        if (!(isNgsiError(err) && err.status === 404)) throw err; // a tenant with no entity yet: none exists
      }
    }
    return out;
  };
}
