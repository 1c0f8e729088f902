/**
 * Input entity → stored form (ETSI GS CIM 009 v1.8, clause 5.2.4 and 4.5): id, type(s), scope and
 * every attribute expanded with the request's @context. Pure; throws BadRequestData with a clear detail.
 */
import { ngsiError } from '../errors';
import { ENTITY_RESERVED, type StoredAttribute } from '../types';
import { expandAttribute, type ExpandOptions } from './expand-attribute';
import { isUri, isValidName, type TermMapper } from './terms';

export interface ExpandedFragment {
  id?: string;
  types?: string[];
  scope?: string[];
  attrs: Record<string, StoredAttribute[]>;
}

export interface EntityExpandOptions extends ExpandOptions {
  /** The id must be present (create, batch) or may be omitted (replace, merge, append: path gives it). */
  requireId: boolean;
  requireType: boolean;
}

const SCOPE = /^\/[^\s/#+]+(\/[^\s/#+]+)*$/;

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ngsiError('BadRequestData', `${what} must be a JSON object`);
  return body as Record<string, unknown>;
}

/** Checks and expands entity type names. */
export function expandTypes(raw: unknown, ctx: TermMapper): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw ngsiError('BadRequestData', 'Entity type must not be an empty list');
  return [
    ...new Set(
      list.map((t) => {
        if (typeof t !== 'string' || !isValidName(t)) throw ngsiError('BadRequestData', `Invalid entity type ${JSON.stringify(t)?.slice(0, 80)}`);
        return ctx.expand(t);
      }),
    ),
  ];
}

function checkScope(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  for (const s of list) if (typeof s !== 'string' || !SCOPE.test(s)) throw ngsiError('BadRequestData', `Invalid scope ${JSON.stringify(s)?.slice(0, 80)}`);
  return list as string[];
}

/**
 * Expands an input entity (or an entity fragment) with the request's context.
 * @example
 * expandEntity({ id: 'urn:ngsi-ld:Streetlight:a:1', type: 'Streetlight', powerState: 'on' }, ctx,
 *   { requireId: true, requireType: true, now: new Date().toISOString() })
 */
export function expandEntity(body: unknown, ctx: TermMapper, opts: EntityExpandOptions): ExpandedFragment {
  const b = asObject(body, 'The entity');
  const rawId = b.id ?? b['@id'];
  if (rawId === undefined) {
    if (opts.requireId) throw ngsiError('BadRequestData', "The entity has no 'id'");
  } else if (!isUri(rawId)) {
    throw ngsiError('BadRequestData', `Entity id ${JSON.stringify(rawId)?.slice(0, 120)} is not a URI`);
  }
  const rawType = b.type ?? b['@type'];
  if (rawType === undefined && opts.requireType) throw ngsiError('BadRequestData', "The entity has no 'type'");
  const out: ExpandedFragment = { attrs: {} };
  if (rawId !== undefined) out.id = rawId as string;
  if (rawType !== undefined) out.types = expandTypes(rawType, ctx);
  if (b.scope !== undefined) out.scope = checkScope(b.scope);
  for (const name in b) {
    if (ENTITY_RESERVED.has(name)) continue;
    const iri = ctx.expand(name);
    if (out.attrs[iri]) throw ngsiError('BadRequestData', `Attribute '${name}' given twice (after @context expansion)`);
    out.attrs[iri] = expandAttribute(name, b[name], ctx, opts);
  }
  return out;
}
