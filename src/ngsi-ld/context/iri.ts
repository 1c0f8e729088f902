/**
 * IRI expansion shared by context processing (values inside term definitions) and by compiled contexts
 * (attribute names, types, vocab values): JSON-LD 1.1 "IRI Expansion" with `vocab: true`, reduced to
 * what NGSI-LD needs (no `@base`, no document-relative IRIs).
 */
import type { TermDefinition } from './context-types';

/** The JSON-LD 1.1 keywords. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  '@base', '@container', '@context', '@direction', '@graph', '@id', '@import', '@included', '@index',
  '@json', '@language', '@list', '@nest', '@none', '@prefix', '@propagate', '@protected', '@reverse',
  '@set', '@type', '@value', '@version', '@vocab',
]);

/** RFC 3987 gen-delims (plus `@`): an IRI ending with one of them can serve as a compact-IRI prefix. */
export const GEN_DELIMS: ReadonlySet<string> = new Set([':', '/', '?', '#', '[', ']', '@']);

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** True when `s` starts with a URI scheme (`urn:`, `https:`, …). */
export function isAbsoluteIri(s: string): boolean {
  return SCHEME.test(s);
}

export function endsWithGenDelim(iri: string): boolean {
  return iri.length > 0 && GEN_DELIMS.has(iri[iri.length - 1]);
}

/** Finds the definition in force for a term, or undefined. */
export type TermLookup = (term: string) => TermDefinition | undefined;

/**
 * Expands a term or compact IRI: a defined term gives its IRI (or keyword); `prefix:suffix` with a
 * defined prefix term gives prefix IRI + suffix; other `scheme:…` strings and `_:` blank nodes stay as
 * they are; anything else is appended to `vocab`. Strings starting with `@` are returned unchanged.
 *
 * @example
 * expandIri('ngsi-ld:foo', lookup, vocab) // 'https://uri.etsi.org/ngsi-ld/foo' when ngsi-ld is a prefix
 */
export function expandIri(value: string, lookup: TermLookup, vocab: string): string {
  if (value === '' || value.charCodeAt(0) === 64 /* @ */) return value;
  const def = lookup(value);
  if (def !== undefined) return def.id;
  return expandUndefined(value, lookup, vocab);
}

/** Expansion of a string that is not itself a defined term (also used for a term's own IRI). */
export function expandUndefined(value: string, lookup: TermLookup, vocab: string): string {
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === '_' || suffix.startsWith('//')) return value;
    const p = lookup(prefix);
    if (p !== undefined && p.prefix) return p.id + suffix;
    if (isAbsoluteIri(value)) return value;
  }
  return vocab + value;
}
