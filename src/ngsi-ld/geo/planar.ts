/**
 * Planar primitives on lon/lat positions (degrees), with one absolute tolerance {@link EPS}.
 * Topological predicates treat longitude and latitude as plane coordinates, as brokers do for the
 * small areas of a territory. Only the first two members of a position are used.
 */
import type { Position } from '../types';

/** Tolerance in degrees (≈ 0.1 mm) under which two positions or a position and a line coincide. */
export const EPS = 1e-9;

export type Segment = [Position, Position];
export type Location = 'interior' | 'boundary' | 'exterior';

/** True when two positions coincide within {@link EPS}. */
export function samePos(a: Position, b: Position): boolean {
  return Math.abs(a[0] - b[0]) <= EPS && Math.abs(a[1] - b[1]) <= EPS;
}

/** Planar distance in degrees from `p` to segment `ab`. */
export function distToSegment(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** True when `p` lies on segment `ab` within {@link EPS}. */
export function onSegment(p: Position, a: Position, b: Position): boolean {
  return distToSegment(p, a, b) <= EPS;
}

/** Side of `p` relative to the directed line `ab`: 1 left, -1 right, 0 on the line (within EPS). */
function side(a: Position, b: Position, p: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len === 0) return 0;
  const d = (dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / len;
  return Math.abs(d) <= EPS ? 0 : Math.sign(d);
}

/** True when the segments cross properly (each separates the endpoints of the other). */
function crossProperly(a: Position, b: Position, c: Position, d: Position): boolean {
  return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
}

/** True when the closed segments `ab` and `cd` share at least one point. */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  if (onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)) return true;
  return crossProperly(a, b, c, d);
}

/**
 * Cuts segment `ab` where it meets any of `cutters` and returns the cut positions (endpoints
 * included) and the midpoints of the pieces longer than EPS. Between two consecutive cuts a piece
 * meets no cutter except along its whole length, so one sample per piece classifies it.
 */
export function cutSegment(a: Position, b: Position, cutters: Segment[]): { cuts: Position[]; mids: Position[] } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return { cuts: [a], mids: [] };
  const ts = [0, 1];
  const proj = (p: Position): number => ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  for (const [c, d] of cutters) {
    if (onSegment(c, a, b)) ts.push(proj(c));
    if (onSegment(d, a, b)) ts.push(proj(d));
    if (crossProperly(a, b, c, d)) {
      const ex = d[0] - c[0];
      const ey = d[1] - c[1];
      ts.push(((c[0] - a[0]) * ey - (c[1] - a[1]) * ex) / (dx * ey - dy * ex));
    }
  }
  const sorted = ts.map((t) => Math.max(0, Math.min(1, t))).sort((x, y) => x - y);
  const at = (t: number): Position => [a[0] + t * dx, a[1] + t * dy];
  const len = Math.sqrt(len2);
  const cuts: Position[] = [];
  const mids: Position[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && (sorted[i] - sorted[i - 1]) * len <= EPS) continue;
    cuts.push(at(sorted[i]));
  }
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] - sorted[i - 1]) * len > EPS) mids.push(at((sorted[i] + sorted[i - 1]) / 2));
  }
  return { cuts, mids };
}

/** Where `p` lies relative to a closed ring (boundary within EPS; crossing-number test otherwise). */
export function locateInRing(p: Position, ring: Position[]): Location {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j];
    const b = ring[i];
    if (onSegment(p, a, b)) return 'boundary';
    if (a[1] > p[1] !== b[1] > p[1]) {
      const x = a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (p[0] < x) inside = !inside;
    }
  }
  return inside ? 'interior' : 'exterior';
}

/** Where `p` lies relative to a polygon (first ring outer, the others holes). */
export function locateInPolygon(p: Position, rings: Position[][]): Location {
  const outer = locateInRing(p, rings[0]);
  if (outer !== 'interior') return outer;
  for (let h = 1; h < rings.length; h++) {
    const loc = locateInRing(p, rings[h]);
    if (loc === 'boundary') return 'boundary';
    if (loc === 'interior') return 'exterior';
  }
  return 'interior';
}

/**
 * A position strictly inside a polygon of non-zero area: a horizontal line avoiding every vertex
 * crosses the rings; the middle of its widest inside stretch is interior.
 */
export function interiorPoint(rings: Position[][]): Position {
  const outerYs = rings[0].map((p) => p[1]);
  const lo = Math.min(...outerYs);
  const hi = Math.max(...outerYs);
  const ys = [...new Set(rings.flat().map((p) => p[1]).filter((y) => y >= lo && y <= hi))].sort((x, y) => x - y);
  let y = ys[0];
  let gap = -1;
  for (let i = 1; i < ys.length; i++) {
    if (ys[i] - ys[i - 1] > gap) [gap, y] = [ys[i] - ys[i - 1], (ys[i] + ys[i - 1]) / 2];
  }
  if (gap <= 0) return rings[0][0];
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const [a, b] = [ring[i - 1], ring[i]];
      if (a[1] < y !== b[1] < y) xs.push(a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
    }
  }
  xs.sort((p, q) => p - q);
  let best: Position = rings[0][0];
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > width) [width, best] = [xs[i + 1] - xs[i], [(xs[i] + xs[i + 1]) / 2, y]];
  }
  return best;
}
