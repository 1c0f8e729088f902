/**
 * Context processing: turns an ordered list of local context objects into the user's active context
 * (term → expanded definition, `@vocab`), after JSON-LD 1.1 "Context Processing" / "Create Term
 * Definition", simplified for NGSI-LD:
 * - entries apply in order; a later definition of a term replaces an earlier one; `null` resets;
 * - inside one object, definitions may reference each other in any order (cycles are errors);
 * - the protected (core) terms are visible while processing, so `"ngsi-ld:foo"` and `"@type": "DateTime"`
 *   work without redefining the prefix, and a core term always means the core's IRI;
 * - a term mapped to `null` becomes undefined again (its names later fall back to `@vocab`);
 * - `@base`, `@language`, `@direction`, `@version`, `@protected`, `@propagate` and scoped contexts are
 *   accepted and ignored; `@import` is handled by the collector.
 */
import type { ActiveContext, LocalContext, TermDefinition } from './context-types';
import { endsWithGenDelim, expandIri, expandUndefined, isAbsoluteIri, KEYWORDS, type TermLookup } from './iri';
import { badContext, describe, isPlainObject } from './json';

export interface ProcessOptions {
  /** Terms that always win (the NGSI-LD core). */
  protectedTerms?: ReadonlyMap<string, TermDefinition>;
  /** `@vocab` in force when the user context sets none (the core's default-context). */
  defaultVocab: string;
}

/**
 * Processes local contexts in order (`null` clears everything defined so far).
 *
 * @example
 * const active = buildActiveContext([{ ex: 'http://example.org/', Foo: 'ex:Foo' }], { defaultVocab });
 * active.terms.get('Foo')?.id // 'http://example.org/Foo'
 */
export function buildActiveContext(locals: ReadonlyArray<LocalContext | null>, options: ProcessOptions): ActiveContext {
  const terms = new Map<string, TermDefinition>();
  let vocab: string | undefined;
  for (const local of locals) {
    if (local === null) {
      terms.clear();
      vocab = undefined;
    } else {
      vocab = processLocal(local, terms, vocab, options);
    }
  }
  return { terms, vocab };
}

/** Applies one local context to `terms` (mutated); returns the new `@vocab`. */
function processLocal(
  local: LocalContext,
  terms: Map<string, TermDefinition>,
  previousVocab: string | undefined,
  options: ProcessOptions,
): string | undefined {
  const protectedTerms = options.protectedTerms;
  const pending = new Map<string, TermDefinition | null>();
  const inProgress = new Set<string>();
  const own = (t: string): boolean => Object.prototype.hasOwnProperty.call(local, t) && t.charCodeAt(0) !== 64;
  const lookup: TermLookup = (t) => {
    const p = protectedTerms?.get(t);
    if (p !== undefined) return p;
    if (own(t)) {
      define(t);
      return pending.get(t) ?? undefined;
    }
    return terms.get(t);
  };

  let vocab = previousVocab;
  const vocabOf = (): string => vocab ?? options.defaultVocab;
  if (Object.prototype.hasOwnProperty.call(local, '@vocab')) {
    const v = local['@vocab'];
    if (v === null) vocab = undefined;
    else if (typeof v === 'string') {
      const iri = expandIri(v, lookup, vocabOf());
      if (!isAbsoluteIri(iri)) throw badContext(`@vocab must be an absolute IRI, got "${v}"`);
      vocab = iri;
    } else throw badContext(`@vocab must be a string or null, got ${describe(v)}`);
  }

  function define(term: string): void {
    const state = pending.has(term) ? 'done' : inProgress.has(term) ? 'busy' : 'new';
    if (state === 'done') return;
    if (state === 'busy') throw badContext(`cyclic IRI mapping involving term "${term}"`);
    inProgress.add(term);
    pending.set(term, createDefinition(term, local[term]));
    inProgress.delete(term);
  }

  function createDefinition(term: string, value: unknown): TermDefinition | null {
    if (term === '') throw badContext('a term cannot be the empty string');
    if (value === null) return null;
    const simple = typeof value === 'string';
    if (!simple && !isPlainObject(value)) {
      throw badContext(`the definition of term "${term}" must be a string, an object or null, got ${describe(value)}`);
    }
    const spec: Record<string, unknown> = simple ? { '@id': value } : (value as Record<string, unknown>);
    const hasId = Object.prototype.hasOwnProperty.call(spec, '@id');
    const rawId = hasId ? spec['@id'] : spec['@reverse'];
    let id: string;
    if (rawId === null) return null;
    if (rawId === undefined) id = expandUndefined(term, lookup, vocabOf());
    else if (typeof rawId !== 'string') throw badContext(`the @id of term "${term}" must be a string, got ${describe(rawId)}`);
    else if (rawId.charCodeAt(0) === 64) {
      if (!KEYWORDS.has(rawId)) return null; // keyword-like but unknown: JSON-LD ignores the term
      id = rawId;
    } else if (rawId === term) id = expandUndefined(term, lookup, vocabOf());
    else id = expandIri(rawId, lookup, vocabOf());

    const def: { id: string; type?: string; container?: string | string[]; prefix: boolean } = {
      id,
      prefix: simple
        ? id.charCodeAt(0) !== 64 && endsWithGenDelim(id) && !/[:/]/.test(term)
        : spec['@prefix'] === true,
    };
    const type = spec['@type'];
    if (type !== undefined && type !== null) {
      if (typeof type !== 'string') throw badContext(`the @type of term "${term}" must be a string, got ${describe(type)}`);
      def.type = type.charCodeAt(0) === 64 ? type : expandIri(type, lookup, vocabOf());
    }
    const container = spec['@container'];
    if (container !== undefined && container !== null) {
      const ok = typeof container === 'string' || (Array.isArray(container) && container.every((c) => typeof c === 'string'));
      if (!ok) throw badContext(`the @container of term "${term}" must be a string or an array of strings`);
      def.container = container as string | string[];
    }
    return def;
  }

  const keys = Object.keys(local).filter(own);
  for (const key of keys) define(key);
  // Definitions of one object take effect together, in the order of its keys.
  for (const key of keys) {
    const def = pending.get(key);
    terms.delete(key);
    if (def) terms.set(key, def);
  }
  return vocab;
}
