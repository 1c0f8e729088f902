/**
 * Distances in metres on a spherical Earth: great-circle (haversine) between positions, and for
 * segments the nearest point found on a local equirectangular projection centred on the position.
 */
import type { Geometry, Position } from '../types';
import { type Parts, toParts, verticesOf } from './parts';
import { intersects } from './topology';

/** Mean Earth radius in metres (IUGG). */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;

/** Longitude difference brought into [-180, 180). */
function wrapLon(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/**
 * Great-circle distance in metres between two positions (haversine).
 *
 * @example
 * haversineMetres([2.3522, 48.8566], [4.8357, 45.764]); // ≈ 392 000 (Paris – Lyon)
 */
export function haversineMetres(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = wrapLon(b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Distance in metres from `p` to segment `ab` (a straight line in lon/lat): the nearest point of the
 * segment is found on a projection centred on `p`, then measured by haversine.
 */
export function pointSegmentMetres(p: Position, a: Position, b: Position): number {
  const k = Math.cos(p[1] * RAD);
  const ax = wrapLon(a[0] - p[0]) * k;
  const ay = a[1] - p[1];
  const dx = (b[0] - a[0]) * k;
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return haversineMetres(p, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
}

function pointPartsMetres(p: Position, parts: Parts): number {
  let best = Infinity;
  if (parts.dim === 0) for (const q of parts.points) best = Math.min(best, haversineMetres(p, q));
  for (const [a, b] of parts.segments) best = Math.min(best, pointSegmentMetres(p, a, b));
  return best;
}

/** Minimum distance in metres between two decomposed geometries; 0 when they intersect. */
export function partsDistanceMetres(a: Parts, b: Parts): number {
  if (intersects(a, b)) return 0;
  // Disjoint segment sets are nearest at a vertex of one of them.
  let best = Infinity;
  for (const v of verticesOf(a)) best = Math.min(best, pointPartsMetres(v, b));
  for (const v of verticesOf(b)) best = Math.min(best, pointPartsMetres(v, a));
  return best;
}

/**
 * Minimum distance in metres between two geometries: 0 when they intersect (a point inside a
 * polygon, crossing lines …), else the shortest distance between their positions and segments.
 *
 * @example
 * distanceMetres({ type: 'Point', coordinates: [2.3522, 48.8566] }, { type: 'Point', coordinates: [4.8357, 45.764] }); // ≈ 392 km
 */
export function distanceMetres(a: Geometry, b: Geometry): number {
  return partsDistanceMetres(toParts(a), toParts(b));
}
