/**
 * The query engine shared by GET /entities (6.4.3.2) and POST /entityOperations/query (6.23.3.1):
 * ETSI GS CIM 009 v1.8, clause 5.7.2 Query Entities. Selectors, q, attrs and paging are compiled to
 * SQL; the exact geo predicate runs on the bounding-box candidates.
 */
import { ngsiError } from '../../ngsi-ld/errors';
import { matchGeo, parseGeoQuery, searchBox, type GeoQuery } from '../../ngsi-ld/geo';
import { compileRegex, parseQ, parseTypeExpr, qToSql, typeToSql } from '../../ngsi-ld/q';
import { isUri } from '../../ngsi-ld/entity/terms';
import { paging, renderOptions } from '../params';
import { renderMany } from '../render';
import type { Broker, OperationResult, RequestContext } from '../request';
import type { QueryPlan, Selector } from '../store/types';

export interface EntitySelectorInput {
  type?: string;
  id?: string[];
  idPattern?: string;
}

export interface QueryInput {
  selectors: EntitySelectorInput[];
  attrs?: string[];
  q?: string;
  geo?: GeoQuery;
}

function checkPattern(p: string): string {
  if (!compileRegex(p)) throw ngsiError('BadRequestData', `idPattern '${p.slice(0, 80)}' is not a valid regular expression`);
  return p;
}

/** `driven`: another, more selective filter (q) drives the query, so the type is checked per candidate. */
function compileSelector(s: EntitySelectorInput, req: RequestContext, driven: boolean): Selector {
  const sel: Selector = {};
  if (s.type !== undefined) sel.type = typeToSql(parseTypeExpr(s.type), (t) => req.ctx.expand(t), 'e', driven);
  if (s.id?.length) {
    for (const id of s.id) if (!isUri(id)) throw ngsiError('BadRequestData', `id '${String(id).slice(0, 120)}' is not a URI`);
    sel.ids = s.id;
  }
  if (s.idPattern !== undefined) sel.idPattern = checkPattern(s.idPattern);
  return sel;
}

/** Pagination links (clause 6.3.x, "Link" with rel="prev"/"next") for a GET query at `base`. */
export function pageLinks(base: string, params: Record<string, string>, limit: number, offset: number, more: boolean): string | undefined {
  const link = (o: number, rel: string) => `<${base}?${new URLSearchParams({ ...params, limit: String(limit), offset: String(o) }).toString()}>; rel="${rel}"`;
  const links = [];
  if (offset > 0 && limit > 0) links.push(link(Math.max(0, offset - limit), 'prev'));
  if (more) links.push(link(offset + limit, 'next'));
  return links.length ? links.join(', ') : undefined;
}

/** Runs a query and renders the page; `linkBase` (GET only) adds the pagination links. */
export function runQuery(broker: Broker, req: RequestContext, input: QueryInput, linkBase?: string): OperationResult {
  const hasFilter = input.selectors.some((s) => s.type || s.id?.length || s.idPattern) || input.attrs?.length || input.q || input.geo;
  if (!hasFilter && req.params.local !== 'true') throw ngsiError('BadRequestData', 'A query needs at least one of type, id, idPattern, attrs, q or a geo-query (or local=true)');
  const page = paging(req.params);
  const attrs = input.attrs?.map((a) => req.ctx.expand(a));
  const render = renderOptions(req, attrs);
  const plan: QueryPlan = {
    selectors: input.selectors.filter((s) => s.type || s.id?.length || s.idPattern).map((s) => compileSelector(s, req, input.q !== undefined)),
    attrsAny: attrs,
    ...page,
    limit: page.limit > 0 ? page.limit + 1 : 0, // one more row tells whether there is a next page
  };
  if (input.q !== undefined) plan.q = qToSql(parseQ(input.q), (t) => req.ctx.expand(t));
  if (input.geo) {
    const g = input.geo;
    plan.geo = { path: req.ctx.expand(g.geoproperty), box: searchBox(g), match: (geom) => matchGeo(g, geom) };
  }
  const result = broker.tenants.forRead(req.tenant).query(plan);
  const more = result.rows.length > page.limit;
  const rows = more ? result.rows.slice(0, page.limit) : result.rows;
  const headers: Record<string, string> = {};
  if (page.count) headers['ngsild-results-count'] = String(result.count ?? 0);
  const links = linkBase ? pageLinks(linkBase, req.params, page.limit, page.offset, more) : undefined;
  if (links) headers.link = links;
  return { status: 200, json: renderMany(broker, rows, req, render), headers };
}

/** The geo-query of the query parameters, if any. */
export function geoFromParams(p: Record<string, string>): GeoQuery | undefined {
  return parseGeoQuery({ georel: p.georel, geometry: p.geometry, coordinates: p.coordinates, geoproperty: p.geoproperty });
}
