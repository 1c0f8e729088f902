/**
 * A compiled mapping as an ingest Adapter (src/ingest/types.ts): POST /ingest/mapping/<name>, JSON.
 */
import { FeedError, MAPPING_ADAPTER_PREFIX, type Adapter } from '../../src/ingest/types';
import { translateMapping } from './translate';
import type { CompiledMapping } from './types';

/**
 * @example
 * const adapter = mappingAdapter(loadMappingFile('adapters/mapping/examples/waste-bin.yaml'));
 * adapter.path // '/ingest/mapping/waste-bin'
 */
export function mappingAdapter(m: CompiledMapping): Adapter {
  return {
    name: MAPPING_ADAPTER_PREFIX + m.name,
    path: m.path,
    contentTypes: ['application/json'],
    // a sensor's late message never puts its entity back to an older reading (src/ingest/observations.ts)
    ordered: true,
    handle(message, env) {
      let payload: unknown;
      try {
        payload = JSON.parse(message.body.replace(/^\uFEFF/, '')) as unknown; // a UTF-8 byte order mark is not content
      } catch {
        throw new FeedError('decode', `mapping ${m.name}: body is not valid JSON`, 400);
      }
      return translateMapping(m, payload, env, { receivedAt: message.receivedAt });
    },
  };
}
