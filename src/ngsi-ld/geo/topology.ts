/**
 * DE-9IM style relations between two geometries in planar lon/lat, on {@link Parts}:
 * intersects, covers, contains (covers with interiors meeting) and overlaps.
 *
 * Method: a segment cut wherever it meets the other geometry's segments falls into pieces that are
 * each wholly interior, boundary or exterior, so the cut positions and piece midpoints classify it.
 */
import type { Position } from '../types';
import { type Location, cutSegment, interiorPoint, segmentsIntersect } from './planar';
import { type Parts, locate, polygonParts, verticesOf } from './parts';

/** True when the geometries share at least one point (boundaries included). */
export function intersects(a: Parts, b: Parts): boolean {
  if (verticesOf(b).some((v) => locate(v, a) !== 'exterior')) return true;
  if (verticesOf(a).some((v) => locate(v, b) !== 'exterior')) return true;
  return a.segments.some(([p, q]) => b.segments.some(([r, s]) => segmentsIntersect(p, q, r, s)));
}

/** The cut positions and piece midpoints of every segment of `x`, cut by the segments of `by`. */
function samples(x: Parts, by: Parts, withCuts: boolean): Position[] {
  return x.segments.flatMap(([p, q]) => {
    const { cuts, mids } = cutSegment(p, q, by.segments);
    return withCuts ? [...cuts, ...mids] : mids;
  });
}

function someAt(points: Position[], parts: Parts, where: Location[]): boolean {
  return points.some((p) => where.includes(locate(p, parts)));
}

/** True when no point of `inner` lies in the exterior of `outer`. */
export function covers(outer: Parts, inner: Parts): boolean {
  if (inner.dim === 0) return !someAt(inner.points, outer, ['exterior']);
  if (outer.dim < inner.dim) return false;
  if (someAt(samples(inner, outer, true), outer, ['exterior'])) return false;
  if (inner.dim === 1 || outer.dim !== 2) return true;
  // Polygons: with the boundary of each inner polygon covered, it is covered unless a boundary of
  // `outer` runs through its interior or the whole polygon fills a hole of `outer`.
  return inner.polygons.every((rings) => {
    const one = polygonParts([rings]);
    return !someAt(samples(outer, one, true), one, ['interior']) && locate(interiorPoint(rings), outer) !== 'exterior';
  });
}

/** DE-9IM contains: `a` covers `b` and their interiors meet (a point on a's boundary is not contained). */
export function contains(a: Parts, b: Parts): boolean {
  if (!covers(a, b)) return false;
  if (b.dim === 0) return someAt(b.points, a, ['interior']);
  if (b.dim === 2 || a.dim === 1) return true;
  return someAt(samples(b, a, false), a, ['interior']);
}

/** DE-9IM overlaps: same dimension, interiors meet in that dimension, neither covers the other. */
export function overlaps(a: Parts, b: Parts): boolean {
  if (a.dim !== b.dim || covers(a, b) || covers(b, a)) return false;
  if (a.dim === 0) return intersects(a, b);
  if (a.dim === 1) return someAt(samples(a, b, false), b, ['interior', 'boundary']);
  return someAt(samples(a, b, false), b, ['interior']) || someAt(samples(b, a, false), a, ['interior']);
}
