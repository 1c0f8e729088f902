/**
 * A geometry seen as a set of same-dimension parts: points (0), lines (1) or polygons (2). Every
 * GeoJSON type here is homogeneous (GeometryCollection is not supported), so one dimension suffices.
 */
import type { Geometry, Position } from '../types';
import { type Location, type Segment, locateInPolygon, onSegment, samePos } from './planar';

/** `segments` are the line segments or ring edges, computed once (none for points). */
export type Parts =
  | { dim: 0; points: Position[]; segments: Segment[] }
  | { dim: 1; lines: Position[][]; ends: Position[]; segments: Segment[] }
  | { dim: 2; polygons: Position[][][]; segments: Segment[] };

/** Decomposes a geometry; for lines also computes the boundary (endpoints used an odd number of times). */
export function toParts(g: Geometry): Parts {
  switch (g.type) {
    case 'Point':
      return { dim: 0, points: [g.coordinates], segments: [] };
    case 'MultiPoint':
      return { dim: 0, points: g.coordinates, segments: [] };
    case 'LineString':
      return lineParts([g.coordinates]);
    case 'MultiLineString':
      return lineParts(g.coordinates);
    case 'Polygon':
      return polygonParts([g.coordinates]);
    case 'MultiPolygon':
      return polygonParts(g.coordinates);
  }
}

/** Lines with their boundary by the mod-2 rule (a closed line has no boundary). */
function lineParts(lines: Position[][]): Parts {
  const counts: Array<{ p: Position; n: number }> = [];
  for (const line of lines) {
    for (const p of [line[0], line[line.length - 1]]) {
      const hit = counts.find((c) => samePos(c.p, p));
      if (hit) hit.n++;
      else counts.push({ p, n: 1 });
    }
  }
  const ends = counts.filter((c) => c.n % 2 === 1).map((c) => c.p);
  return { dim: 1, lines, ends, segments: lines.flatMap(pairs) };
}

/** Parts of one or more polygons (rings: outer first, then holes). */
export function polygonParts(polygons: Position[][][]): Parts {
  return { dim: 2, polygons, segments: polygons.flatMap((rings) => rings.flatMap(pairs)) };
}

function pairs(path: Position[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 1; i < path.length; i++) out.push([path[i - 1], path[i]]);
  return out;
}

/** Every position of the geometry (ring closing positions included). */
export function verticesOf(parts: Parts): Position[] {
  if (parts.dim === 0) return parts.points;
  if (parts.dim === 1) return parts.lines.flat();
  return parts.polygons.flat(2);
}

/** Where `p` lies relative to the geometry (interior, boundary or exterior, DE-9IM sense). */
export function locate(p: Position, parts: Parts): Location {
  if (parts.dim === 0) return parts.points.some((q) => samePos(p, q)) ? 'interior' : 'exterior';
  if (parts.dim === 1) {
    if (!parts.segments.some(([a, b]) => onSegment(p, a, b))) return 'exterior';
    return parts.ends.some((q) => samePos(p, q)) ? 'boundary' : 'interior';
  }
  let result: Location = 'exterior';
  for (const rings of parts.polygons) {
    const loc = locateInPolygon(p, rings);
    if (loc === 'interior') return loc;
    if (loc === 'boundary') result = loc;
  }
  return result;
}
