/** The episodes' state read from the embedded broker (Query Entities by id, keyValues, in-process). */
import type { Broker } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { entitiesById } from './entities-by-id';
import { statesOf, type EpisodeReader } from './episodes';

/**
 * @example
 * const episodes = createEpisodeTracker(embeddedEpisodeReader(broker, contexts));
 */
export function embeddedEpisodeReader(broker: Broker, contexts: ContextResolver, tenant?: string): EpisodeReader {
  return async (ids, context) => statesOf(await entitiesById(broker, contexts, tenant, ids, [context], { attrs: 'validFrom,validTo', options: 'keyValues' }));
}
