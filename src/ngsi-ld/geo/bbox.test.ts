import type { Geometry, Position } from '../types';
import { boundingBox, growBox, searchBox } from './bbox';
import { EARTH_RADIUS_M, haversineMetres } from './distance';
import type { BBox, GeoQuery, GeoRelation } from './geo-query';
import { matchGeo } from './predicates';
import { HOLED, SQ, line, multiLine, multiPoint, multiPolygon, point, polygon, rect } from './shapes.fixture';
import { prng } from '../../../test/support/prng';

const q = (georel: GeoRelation, geometry: Geometry, extra: Partial<GeoQuery> = {}): GeoQuery => ({ georel, geometry, geoproperty: 'location', ...extra });
const inBox = ([x, y]: Position, b: BBox): boolean => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];


/** The position reached from `p` after `metres` on the great circle of initial bearing `bearing` (rad). */
function destination(p: Position, metres: number, bearing: number): Position {
  const r = Math.PI / 180;
  const d = metres / EARTH_RADIUS_M;
  const [lon, lat] = [p[0] * r, p[1] * r];
  const lat2 = Math.asin(Math.sin(lat) * Math.cos(d) + Math.cos(lat) * Math.sin(d) * Math.cos(bearing));
  const lon2 = lon + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat), Math.cos(d) - Math.sin(lat) * Math.sin(lat2));
  return [((((lon2 / r + 180) % 360) + 360) % 360) - 180, lat2 / r];
}

describe('boundingBox', () => {
  it.each<[string, Geometry, BBox]>([
    ['point', point(8, 47), [8, 47, 8, 47]],
    ['point with altitude', { type: 'Point', coordinates: [8, 47, 500] }, [8, 47, 8, 47]],
    ['multipoint', multiPoint([8, 47], [7, 48], [9, 46]), [7, 46, 9, 48]],
    ['line', line([8, 47], [8.1, 47.2]), [8, 47, 8.1, 47.2]],
    ['multilinestring', multiLine([[0, 0], [1, 1]], [[-2, 3], [0, 0]]), [-2, 0, 1, 3]],
    ['polygon with hole', HOLED, [0, 0, 10, 10]],
    ['multipolygon', multiPolygon([rect(0, 0, 1, 1)], [rect(-5, 2, -4, 3)]), [-5, 0, 1, 3]],
  ])('%s', (_name, g, expected) => {
    expect(boundingBox(g)).toEqual(expected);
  });
});

describe('searchBox', () => {
  it.each<[string, GeoQuery, BBox | null]>([
    ['disjoint has no box', q('disjoint', SQ), null],
    ['near with only minDistance has no box', q('near', point(8, 47), { minDistance: 10 }), null],
    ['within uses the reference box', q('within', SQ), [-1e-9, -1e-9, 10 + 1e-9, 10 + 1e-9]],
    ['intersects uses the reference box', q('intersects', line([1, 2], [3, 4])), [1 - 1e-9, 2 - 1e-9, 3 + 1e-9, 4 + 1e-9]],
  ])('%s', (_name, query, expected) => {
    const box = searchBox(query);
    if (expected === null) expect(box).toBeNull();
    else expected.forEach((v, i) => expect(box?.[i]).toBeCloseTo(v, 12));
  });

  it.each<[string, Position, number]>([
    ['at the equator', [8, 0], 10_000],
    ['at 47°N', [8, 47], 10_000],
    ['at 80°S', [8, -80], 100_000],
  ])('near;maxDistance box %s is centred and wider in longitude toward the pole', (_name, p, metres) => {
    const box = searchBox(q('near', point(p[0], p[1]), { maxDistance: metres })) as BBox;
    const dLat = (metres / EARTH_RADIUS_M) * (180 / Math.PI);
    expect(box[3] - p[1]).toBeGreaterThanOrEqual(dLat);
    expect(box[3] - p[1]).toBeLessThan(dLat * 1.05);
    expect(p[0] - box[0]).toBeGreaterThanOrEqual(dLat / Math.cos((p[1] * Math.PI) / 180));
  });

  it.each<[string, BBox, number, BBox]>([
    ['reaching the north pole spans all longitudes', [10, 89.9, 10, 89.9], 50_000, [-180, 89.9 - 0.455, 180, 90]],
    ['crossing the antimeridian spans all longitudes', [179.95, 0, 179.95, 0], 10_000, [-180, -0.091, 180, 0.091]],
    ['a whole-Earth distance spans everything', [0, 0, 0, 0], 30_000_000, [-180, -90, 180, 90]],
  ])('growBox: %s', (_name, box, metres, expected) => {
    expected.forEach((v, i) => expect(growBox(box, metres)[i]).toBeCloseTo(v, 2));
  });

  it('property: every position within maxDistance of a point lies in the box', () => {
    const rnd = prng(42);
    for (let i = 0; i < 3000; i++) {
      const centre: Position = [rnd() * 360 - 180, rnd() * 178 - 89];
      const max = 10 ** (rnd() * 6.5); // 1 m .. ~3000 km
      const box = searchBox(q('near', point(centre[0], centre[1]), { maxDistance: max })) as BBox;
      for (let k = 0; k < 8; k++) {
        const p = destination(centre, max * rnd(), rnd() * 2 * Math.PI);
        expect(haversineMetres(centre, p)).toBeLessThanOrEqual(max * (1 + 1e-9) + 1e-6);
        if (!inBox(p, box)) throw new Error(`outside box: centre ${centre} max ${max} p ${p} box ${box}`);
      }
    }
  });

  it('property: every stored point that matches near;maxDistance of a line or polygon is in the box', () => {
    const rnd = prng(7);
    let matched = 0;
    for (let i = 0; i < 300; i++) {
      const [x, y] = [rnd() * 340 - 170, rnd() * 160 - 80];
      const s = 0.01 + rnd() * 0.5;
      const ref = rnd() < 0.5 ? line([x, y], [x + s, y + s / 2], [x + s / 3, y + s]) : polygon(rect(x, y, x + s, y + s));
      const max = 100 + rnd() * 50_000;
      const query = q('near', ref, { maxDistance: max });
      const box = searchBox(query) as BBox;
      const spread = ((3 * max) / 111_000) / Math.cos((Math.min(85, Math.abs(y) + 1) * Math.PI) / 180);
      for (let k = 0; k < 20; k++) {
        const p: Position = [x - spread + rnd() * (s + 2 * spread), Math.max(-90, Math.min(90, y - spread + rnd() * (s + 2 * spread)))];
        if (!matchGeo(query, point(p[0], p[1]))) continue;
        matched++;
        if (!inBox(p, box)) throw new Error(`outside box: ${p} ${box}`);
      }
    }
    expect(matched).toBeGreaterThan(500);
  });
});
