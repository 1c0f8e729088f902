/**
 * Test fixtures: small geometries on a 0..10 degree grid shared by the predicate tests.
 */
import type { Geometry, Position } from '../types';

/** A closed axis-aligned rectangular ring. */
export const rect = (x0: number, y0: number, x1: number, y1: number): Position[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

export const point = (x: number, y: number): Geometry => ({ type: 'Point', coordinates: [x, y] });
export const multiPoint = (...ps: Position[]): Geometry => ({ type: 'MultiPoint', coordinates: ps });
export const line = (...ps: Position[]): Geometry => ({ type: 'LineString', coordinates: ps });
export const multiLine = (...ls: Position[][]): Geometry => ({ type: 'MultiLineString', coordinates: ls });
export const polygon = (...rings: Position[][]): Geometry => ({ type: 'Polygon', coordinates: rings });
export const multiPolygon = (...polys: Position[][][]): Geometry => ({ type: 'MultiPolygon', coordinates: polys });

/** The 10 × 10 square at the origin. */
export const SQ = polygon(rect(0, 0, 10, 10));
/** SQ with a 2 × 2 hole in the middle (4..6). */
export const HOLED = polygon(rect(0, 0, 10, 10), rect(4, 4, 6, 6));
export const SMALL = polygon(rect(2, 2, 3, 3));
/** Strictly inside the hole of HOLED. */
export const IN_HOLE = polygon(rect(4.5, 4.5, 5.5, 5.5));
/** Exactly the hole of HOLED. */
export const HOLE = polygon(rect(4, 4, 6, 6));
export const OVERLAP = polygon(rect(5, 5, 15, 15));
/** Shares the edge x = 10 with SQ. */
export const ADJ = polygon(rect(10, 0, 20, 10));
export const FAR = polygon(rect(20, 20, 30, 30));
/** A U open at the top: the notch is 3..7 × 3..10. */
export const U = polygon([[0, 0], [10, 0], [10, 10], [7, 10], [7, 3], [3, 3], [3, 10], [0, 10], [0, 0]]);
