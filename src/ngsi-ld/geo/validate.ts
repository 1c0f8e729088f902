/**
 * Validation of GeoJSON geometries (RFC 7946, as profiled by ETSI GS CIM 009 v1.8 clause 4.7):
 * the six single-type geometries, WGS84 positions of 2 or 3 finite numbers.
 */
import { ngsiError } from '../errors';
import { GEOJSON_GEOMETRY_TYPES, type Geometry, type GeometryType, type Position } from '../types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw ngsiError('BadRequestData', `${where}: ${what}`);
}

function position(v: unknown, at: string): Position {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3)) fail(at, 'a position must be an array of 2 or 3 numbers [longitude, latitude, altitude?]');
  if (!v.every((n) => typeof n === 'number' && Number.isFinite(n))) fail(at, 'position members must be finite numbers');
  const [lon, lat] = v as number[];
  if (lon < -180 || lon > 180) fail(at, `longitude ${lon} is out of range [-180, 180]`);
  if (lat < -90 || lat > 90) fail(at, `latitude ${lat} is out of range [-90, 90]`);
  return v as Position;
}

function list<T>(v: unknown, at: string, min: number, what: string, item: (x: unknown, at: string) => T): T[] {
  if (!Array.isArray(v)) fail(at, `must be an array of ${what}`);
  if (v.length < min) fail(at, `must contain at least ${min} ${what} (got ${v.length})`);
  return v.map((x, i) => item(x, `${at}[${i}]`));
}

const positions = (min: number) => (v: unknown, at: string): Position[] => list(v, at, min, 'positions', position);

function ring(v: unknown, at: string): Position[] {
  const r = positions(4)(v, at);
  const [first, last] = [r[0], r[r.length - 1]];
  if (first.length !== last.length || first.some((n, i) => n !== last[i])) {
    fail(at, 'linear ring is not closed: its first and last positions must be identical');
  }
  return r;
}

const polygon = (v: unknown, at: string): Position[][] => list(v, at, 1, 'linear rings', ring);

/**
 * Checks that `value` is a supported GeoJSON geometry and returns it as `{ type, coordinates }`
 * (other members such as `bbox` are dropped). `where` names the value in error details.
 * Winding order and self-intersections are not checked (RFC 7946 asks parsers to be lenient).
 *
 * @throws NgsiError BadRequestData naming `where` and the fault.
 * @example
 * validateGeometry({ type: 'Point', coordinates: [8.5, 47.3] }, 'location.value'); // ok
 * validateGeometry({ type: 'Point', coordinates: [8.5, 97] }, 'location.value');
 * // throws BadRequestData "location.value.coordinates: latitude 97 is out of range [-90, 90]"
 */
export function validateGeometry(value: unknown, where: string): Geometry {
  if (!isObject(value)) fail(where, 'a GeoJSON geometry must be an object with "type" and "coordinates"');
  const { type, coordinates } = value;
  if (type === 'GeometryCollection') fail(where, 'GeometryCollection is not supported');
  if (typeof type !== 'string' || !(GEOJSON_GEOMETRY_TYPES as readonly string[]).includes(type)) {
    fail(where, `unsupported geometry type ${JSON.stringify(type)} (expected one of ${GEOJSON_GEOMETRY_TYPES.join(', ')})`);
  }
  if (coordinates === undefined) fail(where, `${type} has no "coordinates"`);
  const at = `${where}.coordinates`;
  switch (type as GeometryType) {
    case 'Point':
      return { type: 'Point', coordinates: position(coordinates, at) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: positions(1)(coordinates, at) };
    case 'LineString':
      return { type: 'LineString', coordinates: positions(2)(coordinates, at) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: list(coordinates, at, 1, 'line strings', positions(2)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: polygon(coordinates, at) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: list(coordinates, at, 1, 'polygons', polygon) };
  }
}
