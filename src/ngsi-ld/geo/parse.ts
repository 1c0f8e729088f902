/**
 * Parsing of the query-parameter form of a geo-query (ETSI GS CIM 009 v1.8, clause 4.10):
 * `georel`, `geometry`, `coordinates` and `geoproperty`, as in
 * `?georel=near;maxDistance==2000&geometry=Point&coordinates=[8.0,47.0]`, and of the same members
 * in a GeoQuery body (POST /entityOperations/query), where `coordinates` may be a JSON array.
 */
import { ngsiError } from '../errors';
import { GEOJSON_GEOMETRY_TYPES, type GeometryType } from '../types';
import { GEO_RELATIONS, type GeoQuery, type GeoRelation } from './geo-query';
import { validateGeometry } from './validate';

/** The four geo-query members, as received. */
export interface GeoQueryParams {
  georel?: string;
  geometry?: string;
  coordinates?: string | unknown;
  geoproperty?: string;
}

type ParsedRel = Pick<GeoQuery, 'georel' | 'maxDistance' | 'minDistance'>;

function bad(detail: string): never {
  throw ngsiError('BadRequestData', detail);
}

const DISTANCE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEAR_HINT = 'expected near;maxDistance==<metres> or near;minDistance==<metres>';

/**
 * Parses a georel: `near;maxDistance==N`, `near;minDistance==N` (both may be given, each once),
 * or one of within, contains, intersects, equals, disjoint, overlaps.
 *
 * @example
 * parseGeorel('near;maxDistance==2000'); // { georel: 'near', maxDistance: 2000 }
 */
export function parseGeorel(text: string): ParsedRel {
  const [op, ...modifiers] = text.split(';');
  if (!(GEO_RELATIONS as readonly string[]).includes(op)) {
    bad(`georel ${JSON.stringify(text)}: unknown relation ${JSON.stringify(op)} (expected one of ${GEO_RELATIONS.join(', ')})`);
  }
  const rel: ParsedRel = { georel: op as GeoRelation };
  if (op !== 'near') {
    if (modifiers.length > 0) bad(`georel ${JSON.stringify(text)}: ${op} takes no modifiers`);
    return rel;
  }
  for (const m of modifiers) {
    const eq = m.indexOf('==');
    const name = eq < 0 ? m : m.slice(0, eq);
    const value = eq < 0 ? '' : m.slice(eq + 2);
    if (name !== 'maxDistance' && name !== 'minDistance') bad(`georel ${JSON.stringify(text)}: unknown modifier ${JSON.stringify(m)}; ${NEAR_HINT}`);
    if (eq < 0 || !DISTANCE.test(value)) bad(`georel ${JSON.stringify(text)}: ${name} must be a non-negative number of metres after "==" (got ${JSON.stringify(m)})`);
    if (rel[name] !== undefined) bad(`georel ${JSON.stringify(text)}: ${name} given twice`);
    rel[name] = Number(value);
  }
  if (rel.maxDistance === undefined && rel.minDistance === undefined) bad(`georel ${JSON.stringify(text)}: near needs a distance; ${NEAR_HINT}`);
  if (rel.maxDistance !== undefined && rel.minDistance !== undefined && rel.minDistance > rel.maxDistance) {
    bad(`georel ${JSON.stringify(text)}: minDistance is greater than maxDistance`);
  }
  return rel;
}

/** The geometry type, matched case-insensitively (`point` → `Point`). */
function parseGeometryType(text: string): GeometryType {
  const found = GEOJSON_GEOMETRY_TYPES.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!found) bad(`geometry ${JSON.stringify(text)} is not supported (expected one of ${GEOJSON_GEOMETRY_TYPES.join(', ')})`);
  return found;
}

function parseCoordinates(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') bad('coordinates must be a JSON array, e.g. [8.0,47.0]');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    bad(`coordinates ${JSON.stringify(value)} is not valid JSON (expected an array, e.g. [8.0,47.0])`);
  }
  if (!Array.isArray(parsed)) bad(`coordinates ${JSON.stringify(value)} must be a JSON array`);
  return parsed;
}

/**
 * Parses a geo-query from its members; undefined when none of georel, geometry and coordinates is
 * given. The reference geometry is validated; `geoproperty` (default `location`) is returned as
 * given, for the caller to expand.
 *
 * @throws NgsiError BadRequestData when only some members are given or any is invalid.
 * @example
 * parseGeoQuery({ georel: 'near;maxDistance==2000', geometry: 'Point', coordinates: '[8.0,47.0]' });
 * // { georel: 'near', maxDistance: 2000, geometry: { type: 'Point', coordinates: [8, 47] }, geoproperty: 'location' }
 */
export function parseGeoQuery(params: GeoQueryParams): GeoQuery | undefined {
  const { georel, geometry, coordinates, geoproperty } = params;
  const given = { georel, geometry, coordinates };
  const missing = Object.entries(given).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) bad(`incomplete geo-query: georel, geometry and coordinates go together (missing ${missing.join(', ')})`);
  if (typeof georel !== 'string') bad('georel must be a string');
  if (typeof geometry !== 'string') bad('geometry must be a string');
  if (geoproperty !== undefined && (typeof geoproperty !== 'string' || geoproperty.trim() === '')) bad('geoproperty must be a non-empty attribute name');
  const rel = parseGeorel(georel);
  const type = parseGeometryType(geometry);
  const shape = validateGeometry({ type, coordinates: parseCoordinates(coordinates) }, `geo-query ${type}`);
  return { ...rel, geometry: shape, geoproperty: geoproperty ?? 'location' };
}
