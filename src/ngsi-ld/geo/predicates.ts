/**
 * The exact geo-query test (ETSI GS CIM 009 v1.8, clause 4.10): does a stored geometry satisfy the
 * georel of a query against its reference geometry?
 */
import type { Geometry } from '../types';
import { partsDistanceMetres } from './distance';
import { geometriesEqual } from './equals';
import type { GeoQuery } from './geo-query';
import { toParts } from './parts';
import { contains, intersects, overlaps } from './topology';

/**
 * True when the stored geometry `g` satisfies `q`:
 * - near: its minimum distance to the reference is ≤ maxDistance and/or ≥ minDistance (metres);
 * - within: `g` lies within the reference; contains: `g` contains the reference;
 * - intersects / disjoint: they share a point / share none;
 * - equals: same geometry (see geometriesEqual); overlaps: DE-9IM overlaps.
 * Topological relations are planar in lon/lat with DE-9IM meanings (a point on a polygon's edge
 * intersects it but is not within it).
 *
 * @example
 * matchGeo(
 *   { georel: 'within', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] }, geoproperty: 'location' },
 *   { type: 'Point', coordinates: [0.5, 0.5] },
 * ); // true
 */
export function matchGeo(q: GeoQuery, g: Geometry): boolean {
  const ref = toParts(q.geometry);
  const stored = toParts(g);
  switch (q.georel) {
    case 'near': {
      const d = partsDistanceMetres(ref, stored);
      return (q.maxDistance === undefined || d <= q.maxDistance) && (q.minDistance === undefined || d >= q.minDistance);
    }
    case 'within':
      return contains(ref, stored);
    case 'contains':
      return contains(stored, ref);
    case 'intersects':
      return intersects(stored, ref);
    case 'disjoint':
      return !intersects(stored, ref);
    case 'equals':
      return geometriesEqual(g, q.geometry);
    case 'overlaps':
      return overlaps(stored, ref);
  }
}
