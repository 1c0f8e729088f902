/**
 * Compiled contexts: the core (protected) and the user active context joined into Map lookups.
 *
 * Expansion: keyword → itself; core term → core IRI; user term → its IRI; `prefix:suffix` through a
 * prefix term (core first); other absolute IRIs unchanged; else `@vocab` (user's, or the core's
 * default-context) + term.
 *
 * Compaction, first hit wins, each candidate checked with `expand(candidate) === iri`:
 * 1. core term for the IRI;
 * 2. user term for the IRI (terms shadowed by a core term are skipped). When several user terms map to
 *    the same IRI the LAST-DEFINED one wins (a later context entry overrides an earlier one). JSON-LD's
 *    own term selection would pick the shortest, then lexicographically least, term; last-defined is
 *    deterministic too and matches what a client that adds a context expects;
 * 3. the IRI minus the `@vocab` in force (e.g. `…/default-context/foo` → `foo`); JSON-LD also tries the
 *    vocabulary before compact IRIs, otherwise `ngsi-ld:default-context/foo` would come out;
 * 4. a compact IRI `prefix:suffix` using the longest matching namespace of a prefix term;
 * 5. the full IRI.
 */
import type { ActiveContext, CompiledContext, TermDefinition } from './context-types';
import { expandIri, GEN_DELIMS } from './iri';

/** Lookup tables of one layer (core or user). */
export interface LayerTables {
  readonly terms: ReadonlyMap<string, TermDefinition>;
  /** IRI → term. */
  readonly inverse: ReadonlyMap<string, string>;
  /** Namespace IRI of a prefix term → term. */
  readonly prefixes: ReadonlyMap<string, string>;
}

/** The core layer plus its `@vocab`. */
export interface CoreTables extends LayerTables {
  readonly vocab: string;
}

/** Metadata of a compiled context (see {@link CompiledContext}). */
export interface ContextMeta {
  key: string;
  urls: string[] | undefined;
  raw: unknown;
}

/** Builds the inverse and prefix tables of a layer, skipping the terms in `shadowedBy`. */
export function buildLayer(
  terms: ReadonlyMap<string, TermDefinition>,
  shadowedBy?: ReadonlyMap<string, TermDefinition>,
): LayerTables {
  const inverse = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const [term, def] of terms) {
    if (shadowedBy?.has(term)) continue;
    inverse.set(def.id, term); // Map order is definition order: the last definition wins
    if (def.prefix) prefixes.set(def.id, term);
  }
  return { terms, inverse, prefixes };
}

/**
 * Joins the core and a user active context into a {@link CompiledContext}.
 *
 * @example
 * const ctx = createCompiledContext(core, active, { key: 'k', urls: undefined, raw: {} });
 * ctx.compact(ctx.expand('Streetlight')) // 'Streetlight'
 */
export function createCompiledContext(core: CoreTables, user: ActiveContext, meta: ContextMeta): CompiledContext {
  const layer = buildLayer(user.terms, core.terms);
  const vocab = user.vocab ?? core.vocab;
  const lookup = (t: string): TermDefinition | undefined => core.terms.get(t) ?? user.terms.get(t);
  const expand = (term: string): string => expandIri(term, lookup, vocab);

  const compactIri = (iri: string): string | undefined => {
    for (let i = iri.length - 2; i > 0; i--) {
      if (!GEN_DELIMS.has(iri[i])) continue;
      const ns = iri.slice(0, i + 1);
      const suffix = iri.slice(i + 1);
      for (const p of [core.prefixes.get(ns), layer.prefixes.get(ns)]) {
        if (p === undefined) continue;
        const candidate = `${p}:${suffix}`;
        if (expand(candidate) === iri) return candidate;
      }
    }
    return undefined;
  };

  const compact = (iri: string): string => {
    const term = core.inverse.get(iri) ?? layer.inverse.get(iri);
    if (term !== undefined) return term;
    if (iri.length > vocab.length && iri.startsWith(vocab)) {
      const rest = iri.slice(vocab.length);
      if (expand(rest) === iri) return rest;
    }
    return compactIri(iri) ?? iri;
  };

  return {
    key: meta.key,
    urls: meta.urls,
    raw: meta.raw,
    expand,
    compact,
    termDefinition: lookup,
  };
}
