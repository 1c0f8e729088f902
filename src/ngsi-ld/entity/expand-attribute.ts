/**
 * Input attributes → stored form (ETSI GS CIM 009 v1.8, clauses 4.5 and 5.2.5–5.2.37): checks each
 * attribute kind, turns the concise representation (clause 4.5.x, "concise") into the normalized one,
 * expands sub-attribute names, and stamps createdAt/modifiedAt. Pure.
 */
import { ngsiError } from '../errors';
import { validateGeometry } from '../geo';
import { ATTRIBUTE_RESERVED, ATTRIBUTE_TYPES, GEOJSON_GEOMETRY_TYPES, type AttributeType, type StoredAttribute } from '../types';
import { isDateTime, isUri, isValidName, NGSI_LD_NULL, type TermMapper } from './terms';

const KIND_BY_MEMBER: Array<[string, AttributeType]> = [
  ['value', 'Property'],
  ['object', 'Relationship'],
  ['languageMap', 'LanguageProperty'],
  ['valueList', 'ListProperty'],
  ['objectList', 'ListRelationship'],
  ['json', 'JsonProperty'],
  ['vocab', 'VocabProperty'],
];
const GEO_NAMES = new Set(['location', 'observationSpace', 'operationSpace']);
const MAX_DEPTH = 8;

export interface ExpandOptions {
  /** ISO time stamped as createdAt/modifiedAt. */
  now: string;
  /** Allow `urn:ngsi-ld:null` values (merge operations): they are kept for the merge to apply. */
  allowNull?: boolean;
  /** Partial fragment (partial attribute update): the `type` may be omitted and the value member too. */
  partial?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isGeometryLike(v: unknown): boolean {
  return isObject(v) && typeof v.type === 'string' && (GEOJSON_GEOMETRY_TYPES as readonly string[]).includes(v.type) && 'coordinates' in v;
}

/** Whether an array is a list of attribute instances (multi-attribute) rather than a concise array value. */
function isInstanceArray(v: unknown[]): boolean {
  return (
    v.length > 0 &&
    v.every((i) => isObject(i) && ((typeof i.type === 'string' && (ATTRIBUTE_TYPES as readonly string[]).includes(i.type)) || KIND_BY_MEMBER.some(([m]) => m in i)))
  );
}

/** Infers the kind of a concise or normalized attribute object. */
function kindOf(raw: Record<string, unknown>, name: string): AttributeType | undefined {
  if (typeof raw.type === 'string') {
    if ((ATTRIBUTE_TYPES as readonly string[]).includes(raw.type)) return raw.type as AttributeType;
    if (isGeometryLike(raw)) return undefined;
    throw ngsiError('BadRequestData', `Attribute '${name}': unknown attribute type '${raw.type}'`);
  }
  if (raw.type !== undefined) throw ngsiError('BadRequestData', `Attribute '${name}': 'type' must be a string`);
  for (const [member, kind] of KIND_BY_MEMBER) if (member in raw) return kind;
  return undefined;
}

function checkValue(kind: AttributeType, inst: Record<string, unknown>, name: string, opts: ExpandOptions, ctx: TermMapper): void {
  const fail = (why: string): never => {
    throw ngsiError('BadRequestData', `Attribute '${name}' (${kind}): ${why}`);
  };
  switch (kind) {
    case 'Property':
      if (inst.value === undefined) fail("missing 'value'");
      if (inst.value === null) fail("'value' may not be null");
      break;
    case 'Relationship': {
      const o = inst.object;
      const list = Array.isArray(o) ? o : [o];
      if (o === undefined || list.length === 0 || !list.every(isUri)) fail("'object' must be a URI or a non-empty array of URIs");
      if (inst.objectType !== undefined) inst.objectType = expandNames(inst.objectType, ctx, `${name}.objectType`);
      break;
    }
    case 'GeoProperty':
      if (inst.value === NGSI_LD_NULL && opts.allowNull) break;
      inst.value = validateGeometry(inst.value, `attribute '${name}'`);
      break;
    case 'LanguageProperty': {
      const m = inst.languageMap;
      if (!isObject(m) || Object.keys(m).length === 0) fail("'languageMap' must be a non-empty object");
      for (const [lang, v] of Object.entries(m as Record<string, unknown>)) {
        const ok = typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
        if (!ok || !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$|^@none$/.test(lang)) fail(`languageMap entry '${lang}' must be a language tag with a string`);
      }
      break;
    }
    case 'ListProperty':
      if (!Array.isArray(inst.valueList)) fail("'valueList' must be an array");
      break;
    case 'ListRelationship': {
      const l = inst.objectList;
      if (!Array.isArray(l) || !l.every((o) => isUri(o) || (isObject(o) && isUri(o.object)))) fail("'objectList' must be an array of URIs or {object: URI}");
      break;
    }
    case 'JsonProperty':
      if (inst.json === undefined) fail("missing 'json'");
      break;
    case 'VocabProperty':
      if (inst.vocab === undefined) fail("missing 'vocab'");
      inst.vocab = expandNames(inst.vocab, ctx, `${name}.vocab`);
      break;
  }
}

function expandNames(v: unknown, ctx: TermMapper, where: string): string | string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((t) => typeof t === 'string' && isValidName(t))) {
    throw ngsiError('BadRequestData', `${where}: expected a term or an array of terms`);
  }
  const out = (list as string[]).map((t) => ctx.expand(t));
  return Array.isArray(v) ? out : out[0];
}

/** Turns one raw attribute instance (normalized or concise) into a stored instance. */
function expandInstance(name: string, raw: unknown, ctx: TermMapper, opts: ExpandOptions, depth: number): StoredAttribute {
  if (depth > MAX_DEPTH) throw ngsiError('BadRequestData', `Attribute '${name}': sub-attributes nested too deeply`);
  let inst: Record<string, unknown>;
  if (raw === NGSI_LD_NULL && opts.allowNull) return { type: 'Property', value: NGSI_LD_NULL };
  if (raw === null || raw === undefined) throw ngsiError('BadRequestData', `Attribute '${name}' may not be null`);
  if (isGeometryLike(raw) && (GEO_NAMES.has(name) || depth === 0)) {
    inst = { type: 'GeoProperty', value: raw };
  } else if (isObject(raw) && ('@value' in raw || '@type' in raw) && !('type' in raw)) {
    inst = { type: 'Property', value: raw };
  } else if (!isObject(raw)) {
    inst = { type: 'Property', value: raw };
  } else {
    inst = { ...raw };
    const kind = kindOf(inst, name);
    if (kind === undefined && !opts.partial) {
      // concise Property whose value is an object without any NGSI-LD member
      inst = { type: 'Property', value: raw };
    } else if (kind) {
      inst.type = kind;
    }
  }
  const kind = inst.type as AttributeType | undefined;
  if (kind) checkValue(inst.type as AttributeType, inst, name, opts, ctx);
  const out: StoredAttribute = { type: (inst.type ?? 'Property') as AttributeType };
  if (!kind) delete (out as Record<string, unknown>).type;
  for (const k in inst) {
    const v = inst[k];
    if (k === 'type' || k === 'createdAt' || k === 'modifiedAt' || k === 'instanceId' || k === '@context') continue;
    if (ATTRIBUTE_RESERVED.has(k)) {
      if (k === 'observedAt' && !isDateTime(v)) throw ngsiError('BadRequestData', `Attribute '${name}': observedAt must be an ISO 8601 date-time`);
      if (k === 'unitCode' && typeof v !== 'string') throw ngsiError('BadRequestData', `Attribute '${name}': unitCode must be a string`);
      if (k === 'datasetId' && !isUri(v)) throw ngsiError('BadRequestData', `Attribute '${name}': datasetId must be a URI`);
      out[k] = v;
      continue;
    }
    if (!isValidName(k)) throw ngsiError('BadRequestData', `Attribute '${name}': invalid sub-attribute name '${k}'`);
    if (Array.isArray(v) && isInstanceArray(v)) throw ngsiError('BadRequestData', `Attribute '${name}': sub-attribute '${k}' cannot be a multi-attribute`);
    out[ctx.expand(k)] = expandInstance(`${name}.${k}`, v, ctx, opts, depth + 1);
  }
  out.createdAt = opts.now;
  out.modifiedAt = opts.now;
  return out;
}

/**
 * Expands one attribute of an input entity or fragment into its stored instances.
 * @example
 * expandAttribute('temperature', { value: 21.5, unitCode: 'CEL' }, ctx, { now })
 * // → [{ type: 'Property', value: 21.5, unitCode: 'CEL', createdAt: now, modifiedAt: now }]
 */
export function expandAttribute(name: string, raw: unknown, ctx: TermMapper, opts: ExpandOptions): StoredAttribute[] {
  if (!isValidName(name)) throw ngsiError('BadRequestData', `Invalid attribute name '${name.slice(0, 80)}'`);
  const instances = Array.isArray(raw) && isInstanceArray(raw) ? raw : [raw];
  const out = instances.map((i) => expandInstance(name, i, ctx, opts, 0));
  if (out.length > 1) {
    const seen = new Set<string>();
    for (const i of out) {
      const ds = (i.datasetId as string | undefined) ?? '';
      if (seen.has(ds)) throw ngsiError('BadRequestData', `Attribute '${name}': two instances with the same datasetId '${ds || '(default)'}'`);
      seen.add(ds);
    }
  }
  return out;
}
