/**
 * The checks behind openapi.test.ts: each compares openapi.yaml with the code (route table, error
 * catalogue, NGSI-LD types, limits) or with OpenAPI 3.0 and returns the list of disagreements.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { API_BASE, ROUTES, type Route } from '../broker/routes';
import { ERROR_CATALOGUE, ERROR_TYPE_BASE, type ErrorName } from '../ngsi-ld/errors';
import { ATTRIBUTE_TYPES, GEOJSON_GEOMETRY_TYPES, VALUE_MEMBER } from '../ngsi-ld/types';
import { MAX_BATCH } from '../broker/operations/batch';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../broker/params';
import { TENANT_NAME } from '../broker/store/tenants';
import { projectRoot } from '../project-root';
import { ADAPTERS, NOTIFICATION_PATHS } from '../../adapters';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OPENAPI_FILE = path.join(projectRoot(), 'openapi.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Endpoints outside the NGSI-LD base path, tagged "Platform". */
const PLATFORM: Record<string, string[]> = { '/health': ['get'], '/openapi.yaml': ['get'], '/docs': ['get'] };
/** The ingest surface: the admin routes of src/ingest/routes.ts and one webhook per adapter. */
const INGEST: Record<string, string[]> = {
  '/ingest/dead-letters': ['get'],
  '/ingest/dead-letters/{id}': ['get', 'delete'],
  '/ingest/dead-letters/{id}/replay': ['post'],
  '/ingest/stats': ['get'],
  '/ingest/waiting': ['get'],
  '/ingest/waiting/{id}': ['delete'],
  '/ingest/mappings': ['get'],
  '/ingest/mapping/{name}': ['post'],
  ...Object.fromEntries(ADAPTERS.map((a) => [a.path, ['post']])),
  ...Object.fromEntries(NOTIFICATION_PATHS.map((p) => [p, ['post']])),
};

export function load(): Obj {
  const doc = parseDocument(fs.readFileSync(OPENAPI_FILE, 'utf8'), { uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => `openapi.yaml: ${e.message}`);
  if (problems.length) throw new Error(problems.join('\n'));
  return doc.toJS() as Obj;
}

// ---------------------------------------------------------------- helpers

/** Resolves a local JSON pointer (`#/components/schemas/Entity`); undefined when it does not. */
function pointer(doc: Obj, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null || !(key in cur)) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

/** Follows `$ref`s until a concrete object. */
function deref(doc: Obj, o: Obj | undefined): Obj | undefined {
  const seen = new Set<string>();
  while (o && typeof o.$ref === 'string') {
    if (seen.has(o.$ref)) return undefined;
    seen.add(o.$ref);
    o = pointer(doc, o.$ref) as Obj | undefined;
  }
  return o;
}

interface Op {
  path: string;
  method: string;
  op: Obj;
  item: Obj;
  label: string;
}

function operations(doc: Obj): Op[] {
  const out: Op[] = [];
  for (const [p, item] of Object.entries<Obj>(doc.paths ?? {})) {
    for (const m of METHODS) if (item[m]) out.push({ path: p, method: m, op: item[m], item, label: `${m.toUpperCase()} ${p} (${item[m].operationId ?? 'no operationId'})` });
  }
  return out;
}

/** Path-level and operation-level parameters, dereferenced (operation level wins). */
function parameters(doc: Obj, o: Op): Obj[] {
  const byKey = new Map<string, Obj>();
  for (const raw of [...(o.item.parameters ?? []), ...(o.op.parameters ?? [])]) {
    const p = deref(doc, raw);
    if (p) byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

const routeLabel = (r: Route): string => `${r.method} ${r.path} (${r.operationId})`;
const routeOp = (doc: Obj, r: Route): Obj | undefined => doc.paths?.[API_BASE + r.path]?.[r.method.toLowerCase()];

function setDiff(what: string, expected: readonly string[], actual: readonly string[], expectedName: string, actualName: string): string[] {
  const missing = expected.filter((x) => !actual.includes(x));
  const extra = actual.filter((x) => !expected.includes(x));
  const out: string[] = [];
  if (missing.length) out.push(`${what}: in ${expectedName} but not in ${actualName}: ${missing.join(', ')}`);
  if (extra.length) out.push(`${what}: in ${actualName} but not in ${expectedName}: ${extra.join(', ')}`);
  return out;
}

/** The `type` enum of a schema, looking through allOf. */
function typeEnum(doc: Obj, schema: Obj | undefined): string[] | undefined {
  const s = deref(doc, schema);
  if (!s) return undefined;
  const own = deref(doc, s.properties?.type)?.enum as string[] | undefined;
  if (own) return own;
  for (const part of s.allOf ?? []) {
    const e = typeEnum(doc, part);
    if (e) return e;
  }
  return undefined;
}

function required(doc: Obj, schema: Obj | undefined): string[] {
  const s = deref(doc, schema);
  if (!s) return [];
  return [...(s.required ?? []), ...(s.allOf ?? []).flatMap((p: Obj) => required(doc, p))];
}

// ---------------------------------------------------------------- checks (each returns its disagreements)

/** Every `$ref` (and discriminator mapping) resolves inside the document. */
export function checkRefs(doc: Obj): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref') {
          if (typeof x !== 'string' || pointer(doc, x) === undefined) out.push(`${at}: $ref ${String(x)} does not resolve`);
        } else if (k === 'mapping' && at.endsWith('/discriminator')) {
          for (const [name, target] of Object.entries(x as Obj)) if (pointer(doc, String(target)) === undefined) out.push(`${at}/mapping/${name}: ${String(target)} does not resolve`);
        } else if (k !== 'example' && !(k === 'value' && /\/examples\/[^/]+$/.test(at))) walk(x, `${at}/${k}`); // example data is not OpenAPI
      }
    }
  };
  walk(doc, '#');
  return out;
}

const FIELDS: Record<string, string[]> = {
  root: ['openapi', 'info', 'servers', 'paths', 'components', 'security', 'tags', 'externalDocs'],
  pathItem: ['$ref', 'summary', 'description', 'servers', 'parameters', ...METHODS],
  operation: ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers'],
  parameter: ['name', 'in', 'description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content'],
  header: ['description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content'],
  requestBody: ['description', 'content', 'required'],
  response: ['description', 'headers', 'content', 'links'],
  mediaType: ['schema', 'example', 'examples', 'encoding'],
  example: ['summary', 'description', 'value', 'externalValue'],
  components: ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks'],
  schema: [
    'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
    'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'type', 'allOf', 'oneOf',
    'anyOf', 'not', 'items', 'properties', 'additionalProperties', 'description', 'format', 'default', 'nullable',
    'discriminator', 'readOnly', 'writeOnly', 'xml', 'externalDocs', 'example', 'deprecated',
  ],
};
const SCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

/** Structural validity as OpenAPI 3.0: known fields only, required members present, schemas in the 3.0 dialect. */
export function checkStructure(doc: Obj): string[] {
  const out: string[] = [];
  const fields = (o: Obj | undefined, kind: string, at: string): void => {
    if (!o || typeof o !== 'object') return void out.push(`${at}: expected an object (${kind})`);
    if ('$ref' in o) return;
    for (const k of Object.keys(o)) if (!k.startsWith('x-') && !FIELDS[kind].includes(k)) out.push(`${at}: '${k}' is not a field of an OpenAPI 3.0 ${kind} object`);
  };
  const schema = (s: unknown, at: string): void => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return void out.push(`${at}: a schema must be an object`);
    const o = s as Obj;
    fields(o, 'schema', at);
    if ('$ref' in o) {
      if (Object.keys(o).length > 1) out.push(`${at}: siblings of $ref are ignored in OpenAPI 3.0`);
      return;
    }
    if (o.type !== undefined && !SCHEMA_TYPES.includes(o.type)) out.push(`${at}: type ${JSON.stringify(o.type)} is not an OpenAPI 3.0 type`);
    if (o.type === 'array' && o.items === undefined) out.push(`${at}: type array needs items`);
    if (o.required !== undefined && (!Array.isArray(o.required) || o.required.length === 0)) out.push(`${at}: required must be a non-empty array`);
    for (const [k, v] of Object.entries<unknown>(o.properties ?? {})) schema(v, `${at}/properties/${k}`);
    for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
      if (o[k] !== undefined && (!Array.isArray(o[k]) || o[k].length === 0)) out.push(`${at}: ${k} must be a non-empty array`);
      else (o[k] ?? []).forEach((v: unknown, i: number) => schema(v, `${at}/${k}/${i}`));
    }
    if (o.items !== undefined) schema(o.items, `${at}/items`);
    if (o.not !== undefined) schema(o.not, `${at}/not`);
    if (typeof o.additionalProperties === 'object') schema(o.additionalProperties, `${at}/additionalProperties`);
    if (o.discriminator && typeof o.discriminator.propertyName !== 'string') out.push(`${at}: discriminator needs propertyName`);
  };
  const content = (c: Obj | undefined, at: string): void => {
    for (const [type, mt] of Object.entries<Obj>(c ?? {})) {
      fields(mt, 'mediaType', `${at}/${type}`);
      if (mt.schema) schema(mt.schema, `${at}/${type}/schema`);
      for (const [n, ex] of Object.entries<Obj>(mt.examples ?? {})) fields(ex, 'example', `${at}/${type}/examples/${n}`);
    }
  };
  const param = (p: Obj, at: string): void => {
    fields(p, 'parameter', at);
    if ('$ref' in p) return;
    if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(p.in)) out.push(`${at}: a parameter needs name and in (query|header|path|cookie)`);
    if (p.in === 'path' && p.required !== true) out.push(`${at}: path parameter ${p.name} must be required: true`);
    if ((p.schema === undefined) === (p.content === undefined)) out.push(`${at}: a parameter needs exactly one of schema and content`);
    if (p.schema) schema(p.schema, `${at}/schema`);
  };
  const response = (r: Obj, at: string): void => {
    fields(r, 'response', at);
    if ('$ref' in r) return;
    if (typeof r.description !== 'string') out.push(`${at}: a response needs a description`);
    for (const [n, h] of Object.entries<Obj>(r.headers ?? {})) {
      fields(h, 'header', `${at}/headers/${n}`);
      if (h.schema) schema(h.schema, `${at}/headers/${n}/schema`);
    }
    content(r.content, `${at}/content`);
  };

  fields(doc, 'root', '#');
  if (doc.openapi !== '3.0.3') out.push(`#/openapi: expected 3.0.3, found ${doc.openapi}`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') out.push('#/info: title and version are required');
  if (typeof doc.paths !== 'object' || doc.paths === null) out.push('#/paths is required');
  const declaredTags = new Set((doc.tags ?? []).map((t: Obj) => t.name));
  const ids = new Map<string, string>();
  for (const [p, item] of Object.entries<Obj>(doc.paths ?? {})) {
    if (!p.startsWith('/')) out.push(`#/paths/${p}: a path must start with '/'`);
    fields(item, 'pathItem', `#/paths/${p}`);
    (item.parameters ?? []).forEach((x: Obj, i: number) => param(x, `#/paths/${p}/parameters/${i}`));
  }
  for (const o of operations(doc)) {
    const at = `#/paths/${o.path}/${o.method}`;
    fields(o.op, 'operation', at);
    if (o.op.operationId) {
      if (ids.has(o.op.operationId)) out.push(`${at}: operationId ${o.op.operationId} already used by ${ids.get(o.op.operationId)}`);
      ids.set(o.op.operationId, at);
    }
    for (const t of o.op.tags ?? []) if (!declaredTags.has(t)) out.push(`${at}: tag '${t}' is not declared in #/tags`);
    (o.op.parameters ?? []).forEach((x: Obj, i: number) => param(x, `${at}/parameters/${i}`));
    const keys = (o.op.parameters ?? []).map((x: Obj) => deref(doc, x)).map((x: Obj | undefined) => `${x?.in}:${x?.name}`);
    for (const k of new Set(keys)) if (keys.filter((x: string) => x === k).length > 1) out.push(`${at}: parameter ${k} is listed twice`);
    const templ = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathParams = parameters(doc, o).filter((x) => x.in === 'path').map((x) => x.name);
    out.push(...setDiff(`${at}: path parameters`, templ, pathParams, 'the path template', 'the declared parameters'));
    if (o.op.requestBody) {
      const rb = deref(doc, o.op.requestBody);
      fields(o.op.requestBody, 'requestBody', `${at}/requestBody`);
      if (!rb?.content || Object.keys(rb.content).length === 0) out.push(`${at}/requestBody: content is required`);
      content(rb?.content, `${at}/requestBody/content`);
    }
    const responses = Object.entries<Obj>(o.op.responses ?? {});
    if (responses.length === 0) out.push(`${at}: responses are required`);
    for (const [code, r] of responses) {
      if (!/^([1-5](\d\d|XX)|default)$/.test(code)) out.push(`${at}/responses/${code}: not a status code`);
      response(r, `${at}/responses/${code}`);
    }
  }
  const comp = doc.components ?? {};
  fields(comp, 'components', '#/components');
  for (const [n, s] of Object.entries<unknown>(comp.schemas ?? {})) schema(s, `#/components/schemas/${n}`);
  for (const [n, p] of Object.entries<Obj>(comp.parameters ?? {})) param(p, `#/components/parameters/${n}`);
  for (const [n, r] of Object.entries<Obj>(comp.responses ?? {})) response(r, `#/components/responses/${n}`);
  for (const [n, h] of Object.entries<Obj>(comp.headers ?? {})) fields(h, 'header', `#/components/headers/${n}`);
  for (const [n, e] of Object.entries<Obj>(comp.examples ?? {})) fields(e, 'example', `#/components/examples/${n}`);
  return out;
}

/** (a) every route is documented with its operationId, (b) nothing else is documented under the NGSI-LD base path. */
export function checkRoutes(doc: Obj): string[] {
  const out: string[] = [];
  for (const r of ROUTES) {
    const op = routeOp(doc, r);
    if (!op) out.push(`${routeLabel(r)}: missing in openapi.yaml (expected paths['${API_BASE}${r.path}'].${r.method.toLowerCase()})`);
    else if (op.operationId !== r.operationId) out.push(`${routeLabel(r)}: openapi.yaml has operationId '${op.operationId}', routes.ts has '${r.operationId}'`);
  }
  for (const o of operations(doc)) {
    if (o.path.startsWith(API_BASE + '/')) {
      const known = ROUTES.some((r) => API_BASE + r.path === o.path && r.method.toLowerCase() === o.method);
      if (!known) out.push(`${o.label}: documented in openapi.yaml but not in routes.ts ROUTES`);
      if (o.op.tags?.includes('Platform')) out.push(`${o.label}: an NGSI-LD operation is tagged Platform`);
      if (!/ETSI GS CIM 009 v1\.8 clause \d+(\.\d+)+/.test(o.op.description ?? '')) out.push(`${o.label}: description must name the ETSI GS CIM 009 v1.8 clause`);
      if (!o.op.summary) out.push(`${o.label}: summary is missing`);
    } else if (o.path.startsWith('/ingest/')) {
      if (!INGEST[o.path]?.includes(o.method)) out.push(`${o.label}: documented in openapi.yaml but not an ingest route (adapters/index.ts ADAPTERS, src/ingest/routes.ts)`);
      if (!o.op.tags?.includes('Ingest')) out.push(`${o.label}: ingest endpoint not tagged Ingest`);
    } else if (!PLATFORM[o.path]?.includes(o.method)) {
      out.push(`${o.label}: neither under ${API_BASE} nor a known platform endpoint (${Object.keys(PLATFORM).join(', ')})`);
    } else if (!o.op.tags?.includes('Platform')) {
      out.push(`${o.label}: platform endpoint not tagged Platform`);
    }
  }
  for (const [p, methods] of Object.entries(PLATFORM)) for (const m of methods) if (!doc.paths?.[p]?.[m]) out.push(`${m.toUpperCase()} ${p}: platform endpoint missing in openapi.yaml`);
  for (const [p, methods] of Object.entries(INGEST)) for (const m of methods) if (!doc.paths?.[p]?.[m]) out.push(`${m.toUpperCase()} ${p}: ingest endpoint missing in openapi.yaml`);
  const servers = (doc.servers ?? []).map((s: Obj) => s.url);
  if (servers.length !== 1 || servers[0] !== '/') out.push(`#/servers: paths carry ${API_BASE}, so the only server must be '/' (found ${JSON.stringify(servers)})`);
  return out;
}

/** (c) the documented query parameters are exactly the route's `params`; the tenant and Link headers are documented. */
export function checkParams(doc: Obj): string[] {
  const out: string[] = [];
  for (const r of ROUTES) {
    const op = routeOp(doc, r);
    if (!op) continue;
    const o: Op = { path: API_BASE + r.path, method: r.method.toLowerCase(), op, item: doc.paths[API_BASE + r.path], label: routeLabel(r) };
    const params = parameters(doc, o);
    const query = params.filter((p) => p.in === 'query');
    out.push(...setDiff(`${routeLabel(r)}: query parameters`, r.params, query.map((p) => p.name), 'routes.ts', 'openapi.yaml'));
    for (const p of query) if (!p.description) out.push(`${routeLabel(r)}: query parameter ${p.name} has no description`);
    const headers = params.filter((p) => p.in === 'header').map((p) => p.name);
    for (const h of ['NGSILD-Tenant', 'Link']) if (!headers.includes(h)) out.push(`${routeLabel(r)}: header parameter ${h} is not documented`);
  }
  return out;
}

/** Problem examples of a response: the `value`s of its examples (and its example). */
function problemExamples(doc: Obj, r: Obj): Obj[] {
  const mt = r.content?.['application/json'];
  if (!mt) return [];
  const list = Object.values<Obj>(mt.examples ?? {}).map((e) => deref(doc, e)?.value);
  if (mt.example) list.push(mt.example);
  return list.filter(Boolean);
}

/** (d) the error catalogue is documented; error responses are ProblemDetails with matching examples. */
export function checkErrors(doc: Obj): string[] {
  const out: string[] = [];
  const table: Obj = doc.components?.['x-error-types'] ?? {};
  const names = Object.keys(ERROR_CATALOGUE) as ErrorName[];
  for (const name of names) {
    const e = table[name];
    const c = ERROR_CATALOGUE[name];
    if (!e) {
      out.push(`error ${name}: not documented in components.x-error-types`);
      continue;
    }
    if (e.type !== ERROR_TYPE_BASE + name) out.push(`error ${name}: x-error-types type is ${e.type}, expected ${ERROR_TYPE_BASE + name}`);
    if (e.status !== c.status) out.push(`error ${name}: x-error-types status ${e.status}, errors.ts says ${c.status}`);
    if (e.title !== c.title) out.push(`error ${name}: x-error-types title '${e.title}', errors.ts says '${c.title}'`);
  }
  for (const k of Object.keys(table)) if (k !== 'description' && !(k in ERROR_CATALOGUE)) out.push(`error ${k}: in x-error-types but not in ERROR_CATALOGUE`);
  const text = fs.readFileSync(OPENAPI_FILE, 'utf8');
  for (const name of names) if (!text.includes(ERROR_TYPE_BASE + name)) out.push(`error ${name}: ${ERROR_TYPE_BASE + name} does not appear in openapi.yaml`);

  for (const o of operations(doc).filter((x) => x.path.startsWith(API_BASE + '/'))) {
    const route = ROUTES.find((r) => API_BASE + r.path === o.path && r.method.toLowerCase() === o.method);
    const codes = Object.keys(o.op.responses ?? {});
    const expected = ['400', '406', '500', '503', ...(route?.body ? ['413', '415'] : [])];
    for (const c of expected) if (!codes.includes(c)) out.push(`${o.label}: response ${c} is not documented (the pipeline can answer it)`);
    for (const code of codes.filter((c) => /^[45]/.test(c))) {
      const r = deref(doc, o.op.responses[code]) ?? {};
      const types = Object.keys(r.content ?? {});
      if (types.length !== 1 || types[0] !== 'application/json') out.push(`${o.label} ${code}: error bodies are application/json only, documented: ${types.join(', ') || 'none'}`);
      const schemaRef = r.content?.['application/json']?.schema?.$ref;
      if (schemaRef !== '#/components/schemas/ProblemDetails') out.push(`${o.label} ${code}: schema must be ProblemDetails, found ${schemaRef}`);
      const examples = problemExamples(doc, r);
      if (examples.length === 0) out.push(`${o.label} ${code}: no ProblemDetails example`);
      for (const ex of examples) {
        const name = String(ex.type ?? '').slice(ERROR_TYPE_BASE.length) as ErrorName;
        const c = ERROR_CATALOGUE[name];
        if (!String(ex.type).startsWith(ERROR_TYPE_BASE) || !c) out.push(`${o.label} ${code}: example type ${ex.type} is not in ERROR_CATALOGUE`);
        else if (String(c.status) !== code || ex.status !== c.status || ex.title !== c.title) {
          out.push(`${o.label} ${code}: example ${name} has status ${ex.status} and title '${ex.title}'; errors.ts says ${c.status} '${c.title}'`);
        }
      }
    }
  }
  return out;
}

/** (e) attribute kinds and geometry types agree with types.ts. */
export function checkTypes(doc: Obj): string[] {
  const out: string[] = [];
  const schemas = doc.components?.schemas ?? {};
  const union = (name: string, expected: readonly string[]): void => {
    const s = schemas[name];
    if (!s) return void out.push(`schema ${name} is missing`);
    const kinds = (s.oneOf ?? []).map((m: Obj) => {
      const e = typeEnum(doc, m);
      if (!e || e.length !== 1) out.push(`schema ${name}: member ${m.$ref ?? '(inline)'} must have a single-valued 'type' enum, found ${JSON.stringify(e)}`);
      return e?.[0];
    });
    out.push(...setDiff(`schema ${name} oneOf 'type' values`, expected, kinds, 'types.ts', 'openapi.yaml'));
    out.push(...setDiff(`schema ${name} discriminator mapping`, expected, Object.keys(s.discriminator?.mapping ?? {}), 'types.ts', 'openapi.yaml'));
    if (s.discriminator?.propertyName !== 'type') out.push(`schema ${name}: discriminator.propertyName must be 'type'`);
    for (const [k, ref] of Object.entries<string>(s.discriminator?.mapping ?? {})) if (typeEnum(doc, { $ref: ref })?.[0] !== k) out.push(`schema ${name}: discriminator ${k} maps to ${ref}, whose type is not ${k}`);
  };
  union('Attribute', ATTRIBUTE_TYPES);
  for (const kind of ATTRIBUTE_TYPES) {
    const req = required(doc, schemas[kind]);
    if (schemas[kind] && !req.includes(VALUE_MEMBER[kind])) out.push(`schema ${kind}: its value member '${VALUE_MEMBER[kind]}' (types.ts VALUE_MEMBER) is not required`);
  }
  out.push(...setDiff("schema AttributeFragment 'type' enum", ATTRIBUTE_TYPES, typeEnum(doc, schemas.AttributeFragment) ?? [], 'types.ts', 'openapi.yaml'));
  union('Geometry', GEOJSON_GEOMETRY_TYPES);
  out.push(...setDiff('parameter geometry enum', GEOJSON_GEOMETRY_TYPES, doc.components?.parameters?.geometry?.schema?.enum ?? [], 'types.ts', 'openapi.yaml'));
  out.push(...setDiff('schema GeoQuery.geometry enum', GEOJSON_GEOMETRY_TYPES, schemas.GeoQuery?.properties?.geometry?.enum ?? [], 'types.ts', 'openapi.yaml'));
  return out;
}

/** (f) the route's produces/consumes media types are documented. */
export function checkMediaTypes(doc: Obj): string[] {
  const out: string[] = [];
  for (const r of ROUTES) {
    const op = routeOp(doc, r);
    if (!op) continue;
    const label = routeLabel(r);
    out.push(...setDiff(`${label}: x-eclor-produces`, r.produces, op['x-eclor-produces'] ?? [], 'routes.ts produces', 'openapi.yaml'));
    for (const [code, raw] of Object.entries<Obj>(op.responses ?? {})) {
      if (!code.startsWith('2')) continue;
      const types = Object.keys(deref(doc, raw)?.content ?? {});
      if (code === '200') out.push(...setDiff(`${label} 200 content`, r.produces, types, 'routes.ts produces', 'openapi.yaml'));
      else for (const t of types) if (t !== 'application/json') out.push(`${label} ${code}: documents ${t}, but only 200 bodies are negotiated (others are application/json)`);
    }
    const rb = deref(doc, op.requestBody);
    if (r.body) {
      if (!rb) out.push(`${label}: routes.ts requires a body, openapi.yaml has no requestBody`);
      else {
        if (rb.required !== true) out.push(`${label}: requestBody must be required: true`);
        out.push(...setDiff(`${label} requestBody content`, r.consumes ?? [], Object.keys(rb.content ?? {}), 'routes.ts consumes', 'openapi.yaml'));
      }
    } else if (rb) out.push(`${label}: routes.ts takes no body, openapi.yaml documents a requestBody`);
  }
  return out;
}

/** The documented limits are the code's: tenant name pattern, limit default/maximum, batch size. */
export function checkLimits(doc: Obj): string[] {
  const out: string[] = [];
  const c = doc.components ?? {};
  const tenant = c.parameters?.NgsildTenant?.schema?.pattern;
  if (tenant !== TENANT_NAME.source) out.push(`NGSILD-Tenant pattern ${tenant}, store/tenants.ts TENANT_NAME is ${TENANT_NAME.source}`);
  const limit = c.parameters?.limit?.schema ?? {};
  if (limit.default !== DEFAULT_LIMIT || limit.maximum !== MAX_LIMIT) out.push(`limit default/maximum ${limit.default}/${limit.maximum}, params.ts says ${DEFAULT_LIMIT}/${MAX_LIMIT}`);
  for (const name of ['EntityArray', 'EntityWithContextArray', 'EntityFragmentWithIdArray', 'EntityFragmentWithIdAndContextArray', 'EntityIdList']) {
    const max = c.schemas?.[name]?.maxItems;
    if (max !== MAX_BATCH) out.push(`schema ${name}: maxItems ${max}, batch.ts MAX_BATCH is ${MAX_BATCH}`);
  }
  return out;
}

