/**
 * Stored entity → output representation (ETSI GS CIM 009 v1.8, clauses 4.5.x "normalized",
 * "concise", "simplified" (keyValues), 4.8 system attributes, 4.15 language filtering), compacted
 * with the request's @context. Pure.
 */
import type { Entity, StoredAttribute, StoredEntity } from '../types';
import { ATTRIBUTE_RESERVED, VALUE_MEMBER } from '../types';
import type { TermMapper } from './terms';

export type Format = 'normalized' | 'concise' | 'keyValues';

export interface RenderOptions {
  format: Format;
  sysAttrs: boolean;
  /** Expanded names of the attributes to return; all when absent. */
  attrs?: ReadonlySet<string>;
  /** Language preference (the `lang` parameter): LanguageProperty values are reduced to one string. */
  lang?: string[];
}

const SYS = new Set(['createdAt', 'modifiedAt']);

function pickLanguage(map: Record<string, unknown>, prefs: string[]): [string, unknown] {
  for (const p of prefs) {
    if (p === '*') break;
    if (p in map) return [p, map[p]];
    const prefix = Object.keys(map).find((k) => k.toLowerCase().startsWith(p.toLowerCase() + '-') || p.toLowerCase().startsWith(k.toLowerCase() + '-'));
    if (prefix) return [prefix, map[prefix]];
  }
  if ('@none' in map) return ['@none', map['@none']];
  const first = Object.keys(map)[0];
  return [first, map[first]];
}

function compactNames(v: unknown, ctx: TermMapper): unknown {
  return Array.isArray(v) ? v.map((t) => ctx.compact(t as string)) : ctx.compact(v as string);
}

/** The simplified (keyValues) value of one instance. */
function simplified(a: StoredAttribute, ctx: TermMapper, o: RenderOptions): unknown {
  switch (a.type) {
    case 'LanguageProperty':
      return o.lang ? pickLanguage(a.languageMap as Record<string, unknown>, o.lang)[1] : { languageMap: a.languageMap };
    case 'VocabProperty':
      return compactNames(a.vocab, ctx);
    default:
      return a[VALUE_MEMBER[a.type]];
  }
}

function renderInstance(a: StoredAttribute, ctx: TermMapper, o: RenderOptions): unknown {
  if (o.format === 'keyValues') return simplified(a, ctx, o);
  const out: Record<string, unknown> = {};
  if (a.type === 'LanguageProperty' && o.lang) {
    const [tag, v] = pickLanguage(a.languageMap as Record<string, unknown>, o.lang);
    out.type = 'Property';
    out.value = v;
    if (tag !== '@none') out.lang = tag;
  } else {
    out.type = a.type;
    const member = VALUE_MEMBER[a.type];
    out[member] = a.type === 'VocabProperty' ? compactNames(a.vocab, ctx) : a[member];
  }
  for (const [k, v] of Object.entries(a)) {
    if (k === 'type' || k === VALUE_MEMBER[a.type]) continue;
    if (SYS.has(k)) {
      if (o.sysAttrs) out[k] = v;
    } else if (k === 'objectType') {
      out[k] = compactNames(v, ctx);
    } else if (ATTRIBUTE_RESERVED.has(k)) {
      out[k] = v;
    } else {
      out[ctx.compact(k)] = renderInstance(v as StoredAttribute, ctx, { ...o, format: o.format });
    }
  }
  if (o.format === 'concise') {
    delete out.type;
    const keys = Object.keys(out);
    const bare = keys.length === 1 && keys[0] === 'value' && (typeof out.value !== 'object' || out.value === null || Array.isArray(out.value) || a.type === 'GeoProperty');
    if (bare && (a.type === 'Property' || a.type === 'GeoProperty')) return out.value;
  }
  return out;
}

/** Renders every instance of one attribute: an object, or an array for a multi-attribute. */
export function renderAttribute(instances: StoredAttribute[], ctx: TermMapper, o: RenderOptions): unknown {
  const rendered = instances.map((i) => renderInstance(i, ctx, o));
  return rendered.length === 1 ? rendered[0] : rendered;
}

/**
 * Compacts a stored entity for a response.
 * @example
 * compactEntity(stored, ctx, { format: 'keyValues', sysAttrs: false }) // → { id, type, powerState: 'on' }
 */
export function compactEntity(e: StoredEntity, ctx: TermMapper, o: RenderOptions): Entity {
  const types = e.types.map((t) => ctx.compact(t));
  const out: Entity = { id: e.id, type: types.length === 1 ? types[0] : types };
  if (e.scope) out.scope = e.scope.length === 1 ? e.scope[0] : e.scope;
  if (o.sysAttrs) {
    out.createdAt = e.createdAt;
    out.modifiedAt = e.modifiedAt;
  }
  for (const [name, instances] of Object.entries(e.attrs)) {
    if (o.attrs && !o.attrs.has(name)) continue;
    out[ctx.compact(name)] = renderAttribute(instances, ctx, o);
  }
  return out;
}
