/**
 * Loading a mapping file: YAML (kept as a document so every node has its line) → JSON Schema
 * validation (schemas/mapping.schema.json) → jexl compilation of every expression. Any problem is a
 * MappingError naming the file, the JSON pointer and the line of the offending node.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { Attribute } from '../../src/ngsi-ld/types';
import { topicFilterProblem } from '../../src/ingest/sources/topic-filter';
import { isUri } from '../../src/ngsi-ld/entity/terms';
import { validateGeometry } from '../../src/ngsi-ld/geo/validate';
import { projectRoot } from '../../src/project-root';
import { contextWarnings } from './context-overlap';
import { ROOTS } from './evaluate';
import { compileExpr } from './expressions';
import type { CompiledAttribute, CompiledExpr, CompiledLocation, CompiledMapping, MappingSource } from './types';

export const MAPPING_SCHEMA_FILE = path.join(projectRoot(), 'schemas', 'mapping.schema.json');
const MAX_FILE_BYTES = 1 << 20;

/** A mapping that cannot load: `file:line: pointer: reason`. */
export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${pointer || '/'}: ${reason}`);
    this.name = 'MappingError';
  }
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate(x: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validator = ajv.compile(JSON.parse(fs.readFileSync(MAPPING_SCHEMA_FILE, 'utf8')));
  }
  return validator(x) ? [] : (validator.errors ?? []);
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** Line (1-based) of the node at a JSON pointer, or of its deepest existing ancestor; keys point at the key. */
function lineOf(doc: Document, lc: LineCounter, pointer: string, atKey = false): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: number[] } | null)?.range?.[0] ?? 0;
  const segments = pointer.split('/').slice(1).map(unescape);
  segments.forEach((seg, i) => {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === seg);
      if (!pair) return (node = undefined);
      const key = pair.key as { range?: number[] } | null;
      const value = pair.value as { range?: number[] } | null;
      const last = i === segments.length - 1;
      offset = (last && atKey ? key?.range?.[0] : (value?.range?.[0] ?? key?.range?.[0])) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as { range?: number[] } | undefined;
      if (!item) return (node = undefined);
      offset = item.range?.[0] ?? offset;
      node = item;
    } else node = undefined;
  });
  return lc.linePos(offset).line;
}

const RESERVED = 'id, type, location, @context, scope, createdAt, modifiedAt, deletedAt';

/** The most useful schema error: the deepest, ignoring oneOf/anyOf summaries. */
function pickError(errors: ErrorObject[]): { pointer: string; reason: string; atKey: boolean } {
  const rank = (e: ErrorObject) => e.instancePath.split('/').length * 10 + (['oneOf', 'anyOf', 'not', 'if'].includes(e.keyword) ? 0 : 1);
  const e = [...errors].sort((a, b) => rank(b) - rank(a))[0];
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return { pointer: `${e.instancePath}/${escape(String(p.additionalProperty))}`, reason: `unknown field "${String(p.additionalProperty)}"`, atKey: true };
  if (e.keyword === 'required') return { pointer: e.instancePath, reason: `missing field "${String(p.missingProperty)}"`, atKey: false };
  if (e.keyword === 'enum') return { pointer: e.instancePath, reason: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, atKey: false };
  const name = e.propertyName ?? (e.keyword === 'propertyNames' ? String(p.propertyName) : undefined);
  if (name !== undefined) {
    return { pointer: `${e.instancePath}/${escape(name)}`, reason: `invalid name "${name}" (letters, digits and _, not one of the reserved ${RESERVED})`, atKey: true };
  }
  return { pointer: e.instancePath, reason: e.message ?? e.keyword, atKey: false };
}

interface RawAttribute {
  expr: string;
  type?: CompiledAttribute['kind'];
  valueType?: 'DateTime';
  unitCode?: string;
  observedAt?: boolean;
  optional?: boolean;
  min?: number;
  max?: number;
}
type RawStatic = string | number | boolean | unknown[] | { type?: string; value?: unknown; object?: string | string[]; unitCode?: string };
interface RawMapping {
  name: string;
  description?: string;
  source: { http?: { path?: string }; mqtt?: { topic: string; qos?: 0 | 1 | 2 } };
  deviceId: string;
  entity: { type: string; idTemplate: string; context: string | string[] };
  observedAt?: string;
  attributes?: Record<string, RawAttribute>;
  static?: Record<string, RawStatic>;
  location?: { lon: string; lat: string } | { coordinates: [number, number] };
  mode?: 'merge' | 'replace';
}

function staticAttribute(x: RawStatic): Attribute {
  if (typeof x !== 'object' || Array.isArray(x)) return { type: 'Property', value: x as never };
  if (x.type === 'Relationship') return { type: 'Relationship', object: x.object as string | string[] };
  const a = { type: x.type ?? 'Property', value: x.value } as Attribute;
  if (x.unitCode !== undefined) a.unitCode = x.unitCode;
  return a;
}

const PLACEHOLDERS = new Set(['territory', 'deviceId', 'name']);
/** A template with its placeholders filled, as a sample to check. */
const sample = (s: string) => s.replace(/\{(territory|deviceId|name)\}/g, 'x');

/**
 * Parses, validates and compiles a mapping from its YAML text.
 * @example
 * const m = parseMapping(fs.readFileSync('waste-bin.yaml', 'utf8'), 'waste-bin.yaml');
 * m.path // '/ingest/mapping/waste-bin'
 */
export function parseMapping(text: string, file = '<inline>'): CompiledMapping {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new MappingError(file, '', e.linePos?.[0].line ?? 1, `YAML: ${e.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // aliases that expand too much ("billion laughs"): said at the first alias
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    throw new MappingError(file, '', lc.linePos(offset).line, `YAML: ${(err as Error).message}`);
  }
  const errors = validate(raw);
  if (errors.length > 0) {
    const { pointer, reason, atKey } = pickError(errors);
    throw new MappingError(file, pointer, lineOf(doc, lc, pointer, atKey), reason);
  }
  const m = raw as RawMapping;
  const fail = (pointer: string, reason: string, atKey = false): never => {
    throw new MappingError(file, pointer, lineOf(doc, lc, pointer, atKey), reason);
  };
  const expr = (source: string, pointer: string, roots: readonly string[] = ROOTS): CompiledExpr => {
    const line = lineOf(doc, lc, pointer);
    try {
      return compileExpr(source, pointer, line, roots);
    } catch (err) {
      throw new MappingError(file, pointer, line, `expression ${JSON.stringify(source)}: ${(err as Error).message}`);
    }
  };

  const path = `/ingest/mapping/${m.name}`;
  let source: MappingSource;
  if (m.source.mqtt) {
    const bad = topicFilterProblem(m.source.mqtt.topic);
    if (bad) fail('/source/mqtt/topic', `is not an MQTT topic filter: ${bad}`);
    source = { kind: 'mqtt', topic: m.source.mqtt.topic, qos: m.source.mqtt.qos ?? 1 }; // at least once, as the territory's subscriptions
  }
  else {
    if (m.source.http?.path !== undefined && m.source.http.path !== path) fail('/source/http/path', `must be ${path} (fixed by the name)`);
    source = { kind: 'http', path };
  }

  for (const [, ph] of m.entity.idTemplate.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.has(ph)) fail('/entity/idTemplate', `unknown placeholder {${ph}} (use {territory}, {deviceId}, {name})`);
  }
  if (!m.entity.idTemplate.startsWith(`urn:ngsi-ld:${m.entity.type}:`)) fail('/entity/idTemplate', `must start with urn:ngsi-ld:${m.entity.type}: (DESIGN.md entity ids)`);
  if (!isUri(sample(m.entity.idTemplate))) fail('/entity/idTemplate', 'must give a URI: no spaces and none of < > " { } | \\ ^ ` outside the placeholders');

  const attributes: CompiledAttribute[] = Object.entries(m.attributes ?? {}).map(([name, a]) => {
    const at = `/attributes/${escape(name)}`;
    if (a.min !== undefined && a.max !== undefined && a.min > a.max) fail(`${at}/min`, `min ${a.min} is above max ${a.max}`);
    if ((a.min !== undefined || a.max !== undefined || a.unitCode !== undefined || a.valueType !== undefined) && a.type !== undefined && a.type !== 'Property') {
      fail(`${at}/type`, 'min, max, unitCode and valueType apply to Property attributes only');
    }
    if (m.static && Object.hasOwn(m.static, name)) fail(`/static/${escape(name)}`, `attribute ${name} is also in attributes`, true);
    return {
      name,
      kind: a.type ?? 'Property',
      expr: expr(a.expr, `${at}/expr`),
      line: lineOf(doc, lc, at, true),
      valueType: a.valueType,
      unitCode: a.unitCode,
      observedAt: a.observedAt,
      optional: a.optional ?? false,
      min: a.min,
      max: a.max,
    };
  });

  // what the broker would refuse in every message is refused here, once
  const statics = Object.fromEntries(Object.entries(m.static ?? {}).map(([k, v]) => [k, staticAttribute(v)]));
  for (const [name, a] of Object.entries(statics)) {
    const at = `/static/${escape(name)}`;
    if (a.type !== 'Relationship' && a.value === null) fail(`${at}/value`, 'a value may not be null (the broker refuses it): leave the attribute out');
    if (a.type === 'Relationship') {
      for (const o of ([] as unknown[]).concat(a.object)) if (typeof o !== 'string' || !isUri(sample(o))) fail(`${at}/object`, `must be a URI (with {territory}, {deviceId} or {name} if needed), got ${JSON.stringify(o)}`);
    } else if (a.type === 'GeoProperty') {
      try {
        validateGeometry(a.value, 'value');
      } catch (err) {
        fail(`${at}/value`, (err as Error).message);
      }
    }
  }

  let location: CompiledLocation | undefined;
  if (m.location && 'coordinates' in m.location) location = { kind: 'fixed', coordinates: m.location.coordinates, line: lineOf(doc, lc, '/location') };
  else if (m.location) location = { kind: 'expr', lon: expr(m.location.lon, '/location/lon'), lat: expr(m.location.lat, '/location/lat'), line: lineOf(doc, lc, '/location') };

  const contexts = typeof m.entity.context === 'string' ? [m.entity.context] : m.entity.context;
  return {
    name: m.name,
    file,
    description: m.description,
    source,
    path,
    deviceId: expr(m.deviceId, '/deviceId', ['payload', 'territory', 'receivedAt']),
    entity: { type: m.entity.type, idTemplate: m.entity.idTemplate, idLine: lineOf(doc, lc, '/entity/idTemplate'), context: contexts },
    observedAt: m.observedAt === undefined ? undefined : expr(m.observedAt, '/observedAt'),
    attributes,
    static: statics,
    location,
    mode: m.mode ?? 'merge',
    warnings: contextWarnings(contexts, m.entity.type, [...attributes.map((a) => a.name), ...Object.keys(statics)]),
  };
}

/** Reads and compiles a mapping file; errors name the file by its base name. */
export function loadMappingFile(file: string): CompiledMapping {
  const label = path.basename(file);
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new MappingError(label, '', 1, `file too large (${size} bytes > ${MAX_FILE_BYTES})`);
  return parseMapping(fs.readFileSync(file, 'utf8'), label);
}
