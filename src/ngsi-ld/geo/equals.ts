/**
 * Geometry equality for georel=equals: same type and the same positions within {@link EPS}, where
 * the order of the members of Multi* geometries and of polygon holes does not matter, a line may be
 * reversed, and a ring may start at another vertex or run the other way. Altitudes are ignored.
 */
import type { Geometry, Position } from '../types';
import { samePos } from './planar';

type Eq<T> = (x: T, y: T) => boolean;

/** True when every member of `xs` matches a distinct member of `ys` (both the same length). */
function sameMembers<T>(xs: T[], ys: T[], eq: Eq<T>): boolean {
  if (xs.length !== ys.length) return false;
  const used = new Array<boolean>(ys.length).fill(false);
  return xs.every((x) => {
    const i = ys.findIndex((y, k) => !used[k] && eq(x, y));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

function sameSequence(xs: Position[], ys: Position[]): boolean {
  return xs.length === ys.length && xs.every((p, i) => samePos(p, ys[i]));
}

function sameLine(xs: Position[], ys: Position[]): boolean {
  return sameSequence(xs, ys) || sameSequence(xs, [...ys].reverse());
}

/** Closed rings equal up to start vertex and direction. */
function sameRing(xs: Position[], ys: Position[]): boolean {
  if (xs.length !== ys.length) return false;
  const a = xs.slice(0, -1);
  const b = ys.slice(0, -1);
  const n = a.length;
  for (let k = 0; k < n; k++) {
    if (!samePos(a[0], b[k])) continue;
    if (a.every((p, i) => samePos(p, b[(k + i) % n]))) return true;
    if (a.every((p, i) => samePos(p, b[(k - i + n) % n]))) return true;
  }
  return false;
}

function samePolygon(xs: Position[][], ys: Position[][]): boolean {
  return xs.length === ys.length && sameRing(xs[0], ys[0]) && sameMembers(xs.slice(1), ys.slice(1), sameRing);
}

/**
 * Coordinate-wise geometry equality with tolerance (see the file header).
 *
 * @example
 * geometriesEqual(
 *   { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
 *   { type: 'Polygon', coordinates: [[[1, 1], [1, 0], [0, 0], [1, 1]]] },
 * ); // true
 */
export function geometriesEqual(a: Geometry, b: Geometry): boolean {
  switch (a.type) {
    case 'Point':
      return b.type === 'Point' && samePos(a.coordinates, b.coordinates);
    case 'MultiPoint':
      return b.type === 'MultiPoint' && sameMembers(a.coordinates, b.coordinates, samePos);
    case 'LineString':
      return b.type === 'LineString' && sameLine(a.coordinates, b.coordinates);
    case 'MultiLineString':
      return b.type === 'MultiLineString' && sameMembers(a.coordinates, b.coordinates, sameLine);
    case 'Polygon':
      return b.type === 'Polygon' && samePolygon(a.coordinates, b.coordinates);
    case 'MultiPolygon':
      return b.type === 'MultiPolygon' && sameMembers(a.coordinates, b.coordinates, samePolygon);
  }
}
