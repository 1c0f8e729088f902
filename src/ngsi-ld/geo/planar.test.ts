import type { Position } from '../types';
import { type Location, cutSegment, interiorPoint, locateInPolygon, locateInRing, onSegment, samePos, segmentsIntersect } from './planar';
import { rect } from './shapes.fixture';

describe('segmentsIntersect', () => {
  it.each<[string, Position[], boolean]>([
    ['proper crossing', [[0, 0], [2, 2], [0, 2], [2, 0]], true],
    ['touching at an endpoint', [[0, 0], [1, 1], [1, 1], [2, 0]], true],
    ['endpoint on the interior of the other', [[0, 0], [2, 0], [1, 0], [1, 1]], true],
    ['collinear overlapping', [[0, 0], [2, 0], [1, 0], [3, 0]], true],
    ['collinear disjoint', [[0, 0], [1, 0], [2, 0], [3, 0]], false],
    ['parallel', [[0, 0], [1, 0], [0, 1], [1, 1]], false],
    ['lines would cross beyond the segments', [[0, 0], [1, 1], [3, 0], [2, 1]], false],
    ['degenerate segment on the other', [[1, 0], [1, 0], [0, 0], [2, 0]], true],
    ['within tolerance', [[0, 0], [2, 0], [1, 1e-12], [1, 1]], true],
  ])('%s', (_name, [a, b, c, d], expected) => {
    expect(segmentsIntersect(a, b, c, d)).toBe(expected);
    expect(segmentsIntersect(c, d, a, b)).toBe(expected);
  });
});

describe('locateInRing / locateInPolygon', () => {
  const holed = [rect(0, 0, 10, 10), rect(4, 4, 6, 6)];
  it.each<[string, Position, Location, Location]>([
    ['inside', [1, 1], 'interior', 'interior'],
    ['on an edge', [0, 5], 'boundary', 'boundary'],
    ['on a vertex', [10, 10], 'boundary', 'boundary'],
    ['outside', [11, 5], 'exterior', 'exterior'],
    ['level with a vertex, outside', [-1, 10], 'exterior', 'exterior'],
    ['in the hole', [5, 5], 'interior', 'exterior'],
    ['on the hole edge', [4, 5], 'interior', 'boundary'],
  ])('%s', (_name, p, inRing, inPolygon) => {
    expect(locateInRing(p, holed[0])).toBe(inRing);
    expect(locateInPolygon(p, holed)).toBe(inPolygon);
  });
});

describe('cutSegment', () => {
  it('cuts where the segment crosses or touches cutters, with one midpoint per piece', () => {
    const { cuts, mids } = cutSegment([0, 0], [10, 0], [[[2, -1], [2, 1]], [[5, 0], [5, 3]], [[7, 0], [12, 0]], [[0, 5], [1, 5]]]);
    expect(cuts).toEqual([[0, 0], [2, 0], [5, 0], [7, 0], [10, 0]]);
    expect(mids).toEqual([[1, 0], [3.5, 0], [6, 0], [8.5, 0]]);
  });

  it('returns the single position of a degenerate segment', () => {
    expect(cutSegment([1, 1], [1, 1], [])).toEqual({ cuts: [[1, 1]], mids: [] });
  });
});

describe('interiorPoint', () => {
  it.each<[string, Position[][]]>([
    ['square', [rect(0, 0, 1, 1)]],
    ['square with a hole in the middle', [rect(0, 0, 10, 10), rect(2, 2, 8, 8)]],
    ['U shape', [[[0, 0], [10, 0], [10, 10], [7, 10], [7, 3], [3, 3], [3, 10], [0, 10], [0, 0]]]],
    ['thin triangle', [[[0, 0], [10, 0.001], [10, 0], [0, 0]]]],
  ])('lies strictly inside a %s', (_name, rings) => {
    expect(locateInPolygon(interiorPoint(rings), rings)).toBe('interior');
  });
});

describe('samePos / onSegment', () => {
  it.each<[Position, Position, boolean]>([
    [[1, 2], [1, 2], true],
    [[1, 2, 5], [1, 2], true],
    [[1, 2], [1, 2 + 1e-10], true],
    [[1, 2], [1, 2 + 1e-8], false],
  ])('samePos(%j, %j) = %s', (a, b, expected) => expect(samePos(a, b)).toBe(expected));

  it('onSegment uses the tolerance', () => {
    expect(onSegment([5, 1e-10], [0, 0], [10, 0])).toBe(true);
    expect(onSegment([5, 1e-6], [0, 0], [10, 0])).toBe(false);
    expect(onSegment([11, 0], [0, 0], [10, 0])).toBe(false);
  });
});
