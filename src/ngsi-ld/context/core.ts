/**
 * The NGSI-LD core context (ETSI GS CIM 009 v1.8, clause 5.5.7 and annex B): its URLs, its default
 * vocabulary, and its compiled tables. The terms themselves live in schemas/contexts/ngsi-ld-core-v1.8.json.
 */
import { buildActiveContext } from './active-context';
import { buildLayer, createCompiledContext, type CoreTables } from './compile';
import type { CompiledContext, LocalContext } from './context-types';

export const NGSI_LD_NS = 'https://uri.etsi.org/ngsi-ld/';

/** Expansion of any name no context defines (the core's `@vocab`). */
export const DEFAULT_VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';

const BASE = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context';

/** The core context URL of v1.8, used in Link headers. */
export const CORE_CONTEXT_URL = `${BASE}-v1.8.jsonld`;

/** Every URL form of the core context; all resolve to the built-in v1.8 core, never fetched. */
export const CORE_CONTEXT_URLS: readonly string[] = (() => {
  const https = [CORE_CONTEXT_URL, `${BASE}.jsonld`, ...['1.3', '1.4', '1.5', '1.6', '1.7'].map((v) => `${BASE}-v${v}.jsonld`)];
  return [...https, ...https.map((u) => u.replace(/^https:/, 'http:'))];
})();

/** Compiles the core's local context (the built-in term map) into lookup tables. */
export function createCoreTables(coreLocal: LocalContext): CoreTables {
  const active = buildActiveContext([coreLocal], { defaultVocab: DEFAULT_VOCAB });
  return { ...buildLayer(active.terms), vocab: active.vocab ?? DEFAULT_VOCAB };
}

/** The compiled context of the core alone (key `core`, raw = {@link CORE_CONTEXT_URL}). */
export function createCoreContext(tables: CoreTables): CompiledContext {
  const empty = { terms: new Map(), vocab: undefined };
  return createCompiledContext(tables, empty, { key: 'core', urls: [CORE_CONTEXT_URL], raw: CORE_CONTEXT_URL });
}
