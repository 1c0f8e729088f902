/**
 * Bounding boxes of geometries, and the search box of a geo-query: the pre-filter on the geo_index
 * table (schema.ts) that keeps every row whose box intersects it, before the exact {@link matchGeo}.
 */
import type { Geometry } from '../types';
import { EARTH_RADIUS_M } from './distance';
import type { BBox, GeoQuery } from './geo-query';
import { EPS } from './planar';
import { toParts, verticesOf } from './parts';

/**
 * The bounding box of a geometry in degrees (altitudes ignored).
 *
 * @example
 * boundingBox({ type: 'LineString', coordinates: [[8, 47], [8.1, 47.2]] }); // [8, 47, 8.1, 47.2]
 */
export function boundingBox(g: Geometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of verticesOf(toParts(g))) {
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  }
  return box;
}

/** Relative safety margin on distances, covering the approximations of distance.ts. */
const DISTANCE_MARGIN = 1.01;

/**
 * Grows a box by `metres` in every direction, conservatively: latitude by the angular distance,
 * longitude by that divided by the cosine of the most poleward latitude reached. When the grown box
 * reaches a pole or crosses the antimeridian, it spans every longitude.
 */
export function growBox(box: BBox, metres: number): BBox {
  const dLat = ((metres * DISTANCE_MARGIN) / EARTH_RADIUS_M) * (180 / Math.PI) + EPS;
  const miny = box[1] - dLat;
  const maxy = box[3] + dLat;
  if (miny <= -90 || maxy >= 90) return [-180, Math.max(-90, miny), 180, Math.min(90, maxy)];
  const dLon = dLat / Math.cos((Math.max(Math.abs(miny), Math.abs(maxy)) * Math.PI) / 180);
  const minx = box[0] - dLon;
  const maxx = box[2] + dLon;
  if (minx < -180 || maxx > 180) return [-180, miny, 180, maxy];
  return [minx, miny, maxx, maxy];
}

/**
 * A box that the bounding box of every geometry matching `q` intersects, for the SQL pre-filter
 * `minx <= box[2] AND maxx >= box[0] AND miny <= box[3] AND maxy >= box[1]`; null when the
 * relation does not bound the result (disjoint, near with only minDistance).
 *
 * @example
 * searchBox({ georel: 'near', maxDistance: 1000, geometry: { type: 'Point', coordinates: [8, 47] }, geoproperty: 'location' });
 * // ≈ [7.9867, 46.9909, 8.0133, 47.0091]
 */
export function searchBox(q: GeoQuery): BBox | null {
  if (q.georel === 'disjoint') return null;
  const box = boundingBox(q.geometry);
  if (q.georel === 'near') return q.maxDistance === undefined ? null : growBox(box, q.maxDistance);
  // within, contains, intersects, equals and overlaps all need a common point with the reference.
  return [box[0] - EPS, box[1] - EPS, box[2] + EPS, box[3] + EPS];
}
