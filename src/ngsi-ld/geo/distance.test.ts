import type { Geometry } from '../types';
import { distanceMetres, haversineMetres, pointSegmentMetres } from './distance';
import { line, multiPoint, point, polygon, rect } from './shapes.fixture';

const KM = 1000;

describe('haversineMetres', () => {
  it.each<[string, number[], number[], number]>([
    ['Paris – Lyon', [2.3522, 48.8566], [4.8357, 45.764], 392 * KM],
    ['London – New York', [-0.1278, 51.5074], [-74.006, 40.7128], 5570 * KM],
    ['Sydney – Santiago (across the antimeridian)', [151.2093, -33.8688], [-70.6693, -33.4489], 11_340 * KM],
    ['1 degree of latitude', [0, 0], [0, 1], 111.195 * KM],
    ['1 degree of longitude at 60°N', [0, 60], [1, 60], 55.597 * KM],
    ['antimeridian neighbours', [179.9, 0], [-179.9, 0], 22.239 * KM],
    ['pole to pole', [0, 90], [0, -90], 20_015.1 * KM],
  ])('%s', (_name, a, b, expected) => {
    const d = haversineMetres(a, b);
    expect(Math.abs(d - expected) / expected).toBeLessThan(0.01);
  });

  it('is 0 for the same position and symmetric', () => {
    expect(haversineMetres([8, 47], [8, 47])).toBe(0);
    expect(haversineMetres([8, 47], [9, 48])).toBeCloseTo(haversineMetres([9, 48], [8, 47]), 6);
  });
});

describe('pointSegmentMetres', () => {
  it.each<[string, number[], number[], number[], number]>([
    ['perpendicular foot inside', [0, 1], [-1, 0], [1, 0], 111.195 * KM],
    ['nearest at an endpoint', [3, 0], [-1, 0], [1, 0], 2 * 111.195 * KM],
    ['along a parallel at 60°N', [1, 61], [0, 60], [2, 60], 111.195 * KM],
    ['on the segment', [0.5, 0.5], [0, 0], [1, 1], 0],
    ['degenerate segment', [0, 1], [0, 0], [0, 0], 111.195 * KM],
  ])('%s', (_name, p, a, b, expected) => {
    const d = pointSegmentMetres(p, a, b);
    if (expected === 0) expect(d).toBeLessThan(1e-3);
    else expect(Math.abs(d - expected) / expected).toBeLessThan(0.005);
  });
});

describe('distanceMetres', () => {
  const deg = 111_195;
  it.each<[string, Geometry, Geometry, number]>([
    ['point to point', point(2.3522, 48.8566), point(4.8357, 45.764), 392 * KM],
    ['point inside polygon', point(0.5, 0.5), polygon(rect(0, 0, 1, 1)), 0],
    ['point in hole to hole edge', point(0.5, 0.5), polygon(rect(0, 0, 1, 1), rect(0.4, 0.4, 0.6, 0.6)), 0.1 * deg],
    ['point west of polygon', point(-0.01, 0.5), polygon(rect(0, 0, 1, 1)), 0.01 * deg * Math.cos((0.5 * Math.PI) / 180)],
    ['polygon to polygon', polygon(rect(0, 0, 1, 1)), polygon(rect(1.01, 0, 2, 1)), 0.01 * deg],
    ['line crossing polygon', line([-1, 0.5], [2, 0.5]), polygon(rect(0, 0, 1, 1)), 0],
    ['parallel lines', line([0, 0], [1, 0]), line([0, 0.02], [1, 0.02]), 0.02 * deg],
    ['skew lines, nearest at an endpoint', line([0, 0], [1, 0]), line([1.01, -1], [1.01, 1]), 0.01 * deg],
    ['multipoint nearest member', multiPoint([10, 10], [0, 0.01]), point(0, 0), 0.01 * deg],
  ])('%s', (_name, a, b, expected) => {
    const d = distanceMetres(a, b);
    if (expected === 0) expect(d).toBe(0);
    else expect(Math.abs(d - expected) / expected).toBeLessThan(0.01);
    expect(distanceMetres(b, a)).toBeCloseTo(d, 3);
  });
});
