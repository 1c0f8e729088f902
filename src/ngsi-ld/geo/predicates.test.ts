import type { Geometry } from '../types';
import type { GeoQuery, GeoRelation } from './geo-query';
import { matchGeo } from './predicates';
import {
  ADJ, FAR, HOLED, OVERLAP, SMALL, SQ, line, multiLine, multiPoint, multiPolygon, point, polygon, rect,
} from './shapes.fixture';

const q = (georel: GeoRelation, geometry: Geometry, extra: Partial<GeoQuery> = {}): GeoQuery => ({ georel, geometry, geoproperty: 'location', ...extra });

describe('equals', () => {
  it.each<[string, Geometry, Geometry, boolean]>([
    ['same point', point(1, 2), point(1, 2), true],
    ['point within tolerance', point(1, 2), point(1 + 1e-12, 2), true],
    ['point 1e-6 away', point(1, 2), point(1 + 1e-6, 2), false],
    ['point altitude ignored', { type: 'Point', coordinates: [1, 2, 30] }, point(1, 2), true],
    ['point vs multipoint', point(1, 2), multiPoint([1, 2]), false],
    ['multipoint reordered', multiPoint([1, 2], [3, 4]), multiPoint([3, 4], [1, 2]), true],
    ['multipoint different size', multiPoint([1, 2], [3, 4]), multiPoint([1, 2]), false],
    ['multipoint repeated member', multiPoint([1, 2], [1, 2]), multiPoint([1, 2], [3, 4]), false],
    ['line same', line([0, 0], [1, 1], [2, 0]), line([0, 0], [1, 1], [2, 0]), true],
    ['line reversed', line([0, 0], [1, 1], [2, 0]), line([2, 0], [1, 1], [0, 0]), true],
    ['line with extra vertex', line([0, 0], [2, 2]), line([0, 0], [1, 1], [2, 2]), false],
    ['line vs polygon', line(...rect(0, 0, 1, 1)), polygon(rect(0, 0, 1, 1)), false],
    ['multilinestring reordered and reversed', multiLine([[0, 0], [1, 1]], [[5, 5], [6, 6]]), multiLine([[6, 6], [5, 5]], [[0, 0], [1, 1]]), true],
    ['multilinestring different member', multiLine([[0, 0], [1, 1]]), multiLine([[0, 0], [1, 2]]), false],
    ['polygon same', SQ, polygon(rect(0, 0, 10, 10)), true],
    ['polygon ring starting elsewhere', SQ, polygon([[10, 10], [0, 10], [0, 0], [10, 0], [10, 10]]), true],
    ['polygon ring reversed', SQ, polygon([[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]), true],
    ['polygon different', SQ, SMALL, false],
    ['polygon without its hole', HOLED, SQ, false],
    ['polygon holes reordered', polygon(rect(0, 0, 10, 10), rect(1, 1, 2, 2), rect(5, 5, 6, 6)), polygon(rect(0, 0, 10, 10), rect(5, 5, 6, 6), rect(1, 1, 2, 2)), true],
    ['multipolygon reordered', multiPolygon([rect(0, 0, 1, 1)], [rect(5, 5, 6, 6)]), multiPolygon([rect(5, 5, 6, 6)], [rect(0, 0, 1, 1)]), true],
    ['multipolygon vs polygon', multiPolygon([rect(0, 0, 10, 10)]), SQ, false],
  ])('%s', (_name, stored, reference, expected) => {
    expect(matchGeo(q('equals', reference), stored)).toBe(expected);
  });
});

describe('overlaps', () => {
  it.each<[string, Geometry, Geometry, boolean]>([
    ['overlapping squares', OVERLAP, SQ, true],
    ['contained square', SMALL, SQ, false],
    ['containing square', SQ, SMALL, false],
    ['adjacent squares touch only', ADJ, SQ, false],
    ['far squares', FAR, SQ, false],
    ['equal squares', SQ, SQ, false],
    ['holed vs its outer square', HOLED, SQ, false],
    ['two squares with different holes', polygon(rect(0, 0, 10, 10), rect(1, 1, 2, 2)), polygon(rect(0, 0, 10, 10), rect(7, 7, 8, 8)), true],
    ['polygon overlapping a member of a multipolygon', multiPolygon([rect(-5, -5, 5, 5)], [rect(40, 40, 41, 41)]), SQ, true],
    ['cross shape', polygon(rect(-5, 4, 15, 6)), SQ, true],
    ['polygon vs line (dimensions differ)', SQ, line([-5, 5], [5, 5]), false],
    ['collinear lines sharing a piece', line([0, 0], [10, 0]), line([5, 0], [15, 0]), true],
    ['crossing lines (crosses, not overlaps)', line([0, 0], [10, 10]), line([0, 10], [10, 0]), false],
    ['line containing the other', line([0, 0], [10, 0]), line([2, 0], [3, 0]), false],
    ['same line', line([0, 0], [10, 0]), line([10, 0], [0, 0]), false],
    ['multilinestring sharing a piece', multiLine([[0, 0], [2, 0]], [[8, 8], [9, 9]]), line([1, 0], [5, 0]), true],
    ['multipoints sharing one point', multiPoint([0, 0], [1, 1]), multiPoint([1, 1], [2, 2]), true],
    ['multipoint contained', multiPoint([0, 0]), multiPoint([0, 0], [1, 1]), false],
    ['multipoints disjoint', multiPoint([0, 0]), multiPoint([1, 1], [2, 2]), false],
    ['points', point(0, 0), point(0, 0), false],
    ['point vs polygon', point(1, 1), SQ, false],
  ])('%s', (_name, stored, reference, expected) => {
    expect(matchGeo(q('overlaps', reference), stored)).toBe(expected);
  });
});

const PARIS = point(2.3522, 48.8566);
const LYON = point(4.8357, 45.764);

describe('near', () => {
  it.each<[string, Geometry, Geometry, Partial<GeoQuery>, boolean]>([
    ['Lyon within 400 km of Paris', LYON, PARIS, { maxDistance: 400_000 }, true],
    ['Lyon not within 380 km of Paris', LYON, PARIS, { maxDistance: 380_000 }, false],
    ['Lyon at least 380 km from Paris', LYON, PARIS, { minDistance: 380_000 }, true],
    ['Lyon not at least 400 km from Paris', LYON, PARIS, { minDistance: 400_000 }, false],
    ['ring query 380..400 km', LYON, PARIS, { minDistance: 380_000, maxDistance: 400_000 }, true],
    ['same point within 0 m', PARIS, PARIS, { maxDistance: 0 }, true],
    ['point 1 km north, max 1.1 km', point(8, 47 + 1000 / 111195), point(8, 47), { maxDistance: 1100 }, true],
    ['point 1 km north, max 0.9 km', point(8, 47 + 1000 / 111195), point(8, 47), { maxDistance: 900 }, false],
    ['point inside reference polygon is at 0 m', point(8.05, 47.05), polygon(rect(8, 47, 8.1, 47.1)), { maxDistance: 0 }, true],
    ['polygon containing reference point is at 0 m', polygon(rect(8, 47, 8.1, 47.1)), point(8.05, 47.05), { maxDistance: 1 }, true],
    ['polygon containing reference is not at least 1 m', polygon(rect(8, 47, 8.1, 47.1)), point(8.05, 47.05), { minDistance: 1 }, false],
    ['point 1.1 km west of polygon edge, max 1.2 km', point(8 - 1100 / (111195 * Math.cos((47.05 * Math.PI) / 180)), 47.05), polygon(rect(8, 47, 8.1, 47.1)), { maxDistance: 1200 }, true],
    ['point 1.1 km west of polygon edge, max 1 km', point(8 - 1100 / (111195 * Math.cos((47.05 * Math.PI) / 180)), 47.05), polygon(rect(8, 47, 8.1, 47.1)), { maxDistance: 1000 }, false],
    ['line passing 500 m from point', line([7.9, 47 + 500 / 111195], [8.1, 47 + 500 / 111195]), point(8, 47), { maxDistance: 510 }, true],
    ['line passing 500 m from point, max 490', line([7.9, 47 + 500 / 111195], [8.1, 47 + 500 / 111195]), point(8, 47), { maxDistance: 490 }, false],
    ['multipoint nearest member counts', multiPoint([10, 10], [8, 47.001]), point(8, 47), { maxDistance: 120 }, true],
    ['multilinestring nearest member', multiLine([[0, 0], [1, 1]], [[8, 47.001], [8.1, 47.001]]), point(8, 47), { maxDistance: 120 }, true],
    ['multipolygon far members', multiPolygon([rect(0, 0, 1, 1)], [rect(20, 20, 21, 21)]), point(8, 47), { maxDistance: 100_000 }, false],
    ['across the antimeridian', point(-179.99, 0), point(179.99, 0), { maxDistance: 2300 }, true],
  ])('%s', (_name, stored, reference, extra, expected) => {
    expect(matchGeo(q('near', reference, extra), stored)).toBe(expected);
  });
});
