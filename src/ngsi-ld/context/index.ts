/**
 * @context handling for the NGSI-LD broker: built-in contexts (core v1.8, Smart Data Models), term
 * expansion/compaction through precompiled Map lookups (as Orion-LD does, no JSON-LD library), and the
 * resolver with its memory and disk caches.
 *
 * @example
 * import { createContextResolver } from './ngsi-ld/context';
 * const contexts = createContextResolver({ cacheDir: 'data/contexts', log });
 * const ctx = await contexts.resolve(body['@context']);
 * const stored = ctx.expand('Streetlight');
 */
export { createContextResolver } from './resolver';
export { CORE_CONTEXT_URL, CORE_CONTEXT_URLS, DEFAULT_VOCAB, NGSI_LD_NS } from './core';
export { MAX_CONTEXT_DEPTH } from './collect';
export { loadBuiltinContexts, CORE_TERM_MAP } from './builtin';
export type {
  CompiledContext,
  ContextResolver,
  ContextResolverOptions,
  TermDefinition,
  TermMapEntry,
  TermMapFile,
} from './context-types';
