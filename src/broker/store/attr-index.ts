/**
 * Derives the searchable rows of table `attr_index` (schema.ts) from a stored entity. One notion of
 * "the values of an attribute path" shared by the SQL filter (src/ngsi-ld/q/to-sql.ts) and the
 * in-memory matcher (src/ngsi-ld/q/match.ts), for the NGSI-LD query language (ETSI GS CIM 009
 * v1.8, clause 4.9).
 */
import { ATTRIBUTE_RESERVED, ATTRIBUTE_TYPES } from '../../ngsi-ld/types';
import type { StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { canonicalStr } from '../../ngsi-ld/q/canonical';

/** n: number, s: string, b: boolean (num 0/1), j: JSON (json), x: existence only. */
export type IndexKind = 'n' | 's' | 'b' | 'j' | 'x';

/** One row of `attr_index`, without `rid`. */
export interface IndexRow {
  /** expanded attribute name, then ' ' + sub-attribute name or reserved member, per level */
  path: string;
  /** datasetId of the top-level instance, null for the default instance */
  dataset: string | null;
  kind: IndexKind;
  num: number | null;
  str: string | null;
  json: string | null;
}

/** Separator between the levels of a path (IRIs never contain a space). */
export const PATH_SEPARATOR = ' ';

/**
 * Reserved attribute members searchable by q (`temperature.observedAt>=…`), as string rows at
 * `<path> <member>` (the store keeps those of observedAt nowhere: TIME_MEMBER); createdAt/modifiedAt
 * have no rows: every write would rewrite them.
 */
export const INDEXED_MEMBERS = ['observedAt', 'unitCode', 'datasetId'] as const;

/**
 * The member whose rows the store does not keep (`times` false below; schema.ts): a sensor's readings
 * bring a new observedAt to each of its attributes on every write, and a row per attribute cost each
 * write one more row update per attribute. q terms on it read the entity's document instead (to-sql.ts).
 */
export const TIME_MEMBER = 'observedAt';

/** Deepest sub-attribute level indexed (top-level attribute = 0). */
export const MAX_INDEX_DEPTH = 8;

const KINDS = new Set<string>(ATTRIBUTE_TYPES);

type Emit = (kind: IndexKind, num: number | null, str: string | null, json: string | null) => void;

/**
 * The rows of an entity: every attribute and sub-attribute yields at least one row. With `times`
 * false, without the observedAt rows: the rows table `attr_index` keeps.
 *
 * @example
 * indexRows({ id: 'urn:a', types: ['T'], createdAt: 't', modifiedAt: 't',
 *   attrs: { 'https://x/temp': [{ type: 'Property', value: 21, unitCode: 'CEL' }] } });
 * // [{ path: 'https://x/temp', dataset: null, kind: 'n', num: 21, str: null, json: null },
 * //  { path: 'https://x/temp unitCode', dataset: null, kind: 's', num: null, str: 'CEL', json: null }]
 */
export function indexRows(entity: StoredEntity, times = true): IndexRow[] {
  const rows: IndexRow[] = [];
  for (const [name, instances] of Object.entries(entity.attrs)) attributeRows(name, instances, rows, times);
  return rows;
}

/** The rows of one attribute (all its instances), appended to `rows`; `times` as in indexRows(). */
export function attributeRows(name: string, instances: StoredAttribute[], rows: IndexRow[] = [], times = true): IndexRow[] {
  for (const inst of instances) {
    const dataset = typeof inst.datasetId === 'string' ? inst.datasetId : null;
    indexAttribute(rows, name, inst, dataset, 0, times);
  }
  return rows;
}

function indexAttribute(rows: IndexRow[], path: string, attr: StoredAttribute, dataset: string | null, depth: number, times: boolean): void {
  const before = rows.length;
  valueRows(attr, (kind, num, str, json) => rows.push({ path, dataset, kind, num, str, json }));
  if (rows.length === before) rows.push({ path, dataset, kind: 'x', num: null, str: null, json: null });

  let paths: string[] | undefined;
  for (let i = 0; i < INDEXED_MEMBERS.length; i++) {
    const v = attr[INDEXED_MEMBERS[i]];
    if (typeof v !== 'string' || (!times && INDEXED_MEMBERS[i] === TIME_MEMBER)) continue;
    rows.push({ path: (paths ??= memberPaths(path))[i], dataset, kind: 's', num: null, str: canonicalStr(v), json: null });
  }
  if (depth >= MAX_INDEX_DEPTH) return;
  for (const key in attr) {
    if (ATTRIBUTE_RESERVED.has(key)) continue;
    const sub = attr[key];
    if (!Array.isArray(sub)) {
      if (isAttribute(sub)) indexAttribute(rows, path + PATH_SEPARATOR + key, sub, dataset, depth + 1, times);
    } else for (const s of sub) if (isAttribute(s)) indexAttribute(rows, path + PATH_SEPARATOR + key, s, dataset, depth + 1, times);
  }
}

/**
 * The paths of an attribute's indexed members (`<path> observedAt`, …), built once: the same string
 * each time lets the path-id lookup reuse its hash.
 */
function memberPaths(path: string): string[] {
  let paths = MEMBER_PATHS.get(path);
  if (!paths) {
    if (MEMBER_PATHS.size >= 4096) MEMBER_PATHS.clear();
    MEMBER_PATHS.set(path, (paths = INDEXED_MEMBERS.map((m) => path + PATH_SEPARATOR + m)));
  }
  return paths;
}
const MEMBER_PATHS = new Map<string, string[]>();

function isAttribute(v: unknown): v is StoredAttribute {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && KINDS.has((v as { type?: unknown }).type as string);
}

/** Emits the rows of the kind's value member. */
function valueRows(attr: StoredAttribute, emit: Emit): void {
  switch (attr.type) {
    case 'Property': {
      const v = attr.value;
      if (Array.isArray(v)) for (const el of v) element(el, emit);
      else element(v, emit);
      return;
    }
    case 'ListProperty':
      if (Array.isArray(attr.valueList)) for (const el of attr.valueList) element(el, emit);
      return;
    case 'Relationship':
    case 'VocabProperty':
      strings(attr.type === 'Relationship' ? attr.object : attr.vocab, emit);
      return;
    case 'ListRelationship':
      if (Array.isArray(attr.objectList)) {
        for (const el of attr.objectList) strings(isObject(el) ? el.object : el, emit);
      }
      return;
    case 'LanguageProperty': {
      const map = attr.languageMap;
      if (!isObject(map)) return;
      for (const v of Object.values(map)) strings(v, emit);
      emit('j', null, null, JSON.stringify(map)); // for name[fr]=="…"
      return;
    }
    case 'JsonProperty':
    case 'GeoProperty': {
      const v = attr.type === 'JsonProperty' ? attr.json : attr.value;
      if (v !== undefined) emit('j', null, null, JSON.stringify(v));
      return;
    }
  }
}

/** One value (or array element): scalar row, typed literal's @value, or a JSON row. */
function element(v: unknown, emit: Emit): void {
  if (isObject(v) && '@value' in v) v = v['@value'];
  if (typeof v === 'number') {
    if (Number.isFinite(v)) emit('n', v, null, null);
  } else if (typeof v === 'string') {
    emit('s', null, canonicalStr(v), null);
  } else if (typeof v === 'boolean') {
    emit('b', v ? 1 : 0, null, null);
  } else if (typeof v === 'object' && v !== null) {
    emit('j', null, null, JSON.stringify(v));
  }
}

function strings(v: unknown, emit: Emit): void {
  if (typeof v === 'string') emit('s', null, canonicalStr(v), null);
  else if (Array.isArray(v)) for (const s of v) if (typeof s === 'string') emit('s', null, canonicalStr(s), null);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
