import { NgsiError } from '../errors';
import type { GeoQuery } from './geo-query';
import { type GeoQueryParams, parseGeoQuery } from './parse';

const P = { type: 'Point', coordinates: [8, 47] };

describe('parseGeoQuery parses', () => {
  it.each<[string, GeoQueryParams, GeoQuery | undefined]>([
    ['nothing', {}, undefined],
    ['only geoproperty', { geoproperty: 'location' }, undefined],
    ['near;maxDistance', { georel: 'near;maxDistance==2000', geometry: 'Point', coordinates: '[8,47]' }, { georel: 'near', maxDistance: 2000, geometry: P, geoproperty: 'location' } as GeoQuery],
    ['near;minDistance decimal', { georel: 'near;minDistance==12.5', geometry: 'Point', coordinates: '[8.0,47.0]' }, { georel: 'near', minDistance: 12.5, geometry: P, geoproperty: 'location' } as GeoQuery],
    ['near with both distances', { georel: 'near;minDistance==10;maxDistance==1e3', geometry: 'Point', coordinates: '[8,47]' }, { georel: 'near', minDistance: 10, maxDistance: 1000, geometry: P, geoproperty: 'location' } as GeoQuery],
    ['maxDistance==0', { georel: 'near;maxDistance==0', geometry: 'Point', coordinates: '[8,47]' }, { georel: 'near', maxDistance: 0, geometry: P, geoproperty: 'location' } as GeoQuery],
    ['within polygon with spaces', { georel: 'within', geometry: 'Polygon', coordinates: ' [[[0, 0], [1, 0], [1, 1], [0, 0]]] ' }, { georel: 'within', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, geoproperty: 'location' } as GeoQuery],
    ['already parsed coordinates (query body)', { georel: 'intersects', geometry: 'LineString', coordinates: [[8, 47], [8.1, 47.1]] }, { georel: 'intersects', geometry: { type: 'LineString', coordinates: [[8, 47], [8.1, 47.1]] }, geoproperty: 'location' } as GeoQuery],
    ['lower-case geometry', { georel: 'contains', geometry: 'point', coordinates: '[8,47]' }, { georel: 'contains', geometry: P, geoproperty: 'location' } as GeoQuery],
    ['geoproperty kept as given', { georel: 'equals', geometry: 'Point', coordinates: '[8,47]', geoproperty: 'observationSpace' }, { georel: 'equals', geometry: P, geoproperty: 'observationSpace' } as GeoQuery],
    ['disjoint multipoint', { georel: 'disjoint', geometry: 'MultiPoint', coordinates: '[[8,47],[9,48]]' }, { georel: 'disjoint', geometry: { type: 'MultiPoint', coordinates: [[8, 47], [9, 48]] }, geoproperty: 'location' } as GeoQuery],
    ['overlaps multipolygon', { georel: 'overlaps', geometry: 'MultiPolygon', coordinates: '[[[[0,0],[1,0],[1,1],[0,0]]]]' }, { georel: 'overlaps', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }, geoproperty: 'location' } as GeoQuery],
    ['multilinestring', { georel: 'intersects', geometry: 'MultiLineString', coordinates: '[[[0,0],[1,1]]]' }, { georel: 'intersects', geometry: { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]]] }, geoproperty: 'location' } as GeoQuery],
  ])('%s', (_name, params, expected) => {
    expect(parseGeoQuery(params)).toEqual(expected);
  });
});

describe('parseGeoQuery rejects with BadRequestData', () => {
  const ok = { georel: 'near;maxDistance==100', geometry: 'Point', coordinates: '[8,47]' };
  it.each<[string, GeoQueryParams, string]>([
    ['missing geometry', { georel: 'within', coordinates: '[8,47]' }, 'missing geometry'],
    ['missing coordinates', { georel: 'within', geometry: 'Point' }, 'missing coordinates'],
    ['missing georel', { geometry: 'Point', coordinates: '[8,47]' }, 'missing georel'],
    ['only georel', { georel: 'within' }, 'missing geometry, coordinates'],
    ['unknown georel', { ...ok, georel: 'coveredBy' }, 'unknown relation "coveredBy"'],
    ['empty georel', { ...ok, georel: '' }, 'unknown relation ""'],
    ['upper-case georel', { ...ok, georel: 'Within' }, 'unknown relation "Within"'],
    ['near without distance', { ...ok, georel: 'near' }, 'near needs a distance'],
    ['NGSIv2 near syntax', { ...ok, georel: 'near;maxDistance:1000' }, 'unknown modifier "maxDistance:1000"'],
    ['unknown near modifier', { ...ok, georel: 'near;radius==5' }, 'unknown modifier "radius==5"'],
    ['negative distance', { ...ok, georel: 'near;maxDistance==-5' }, 'maxDistance must be a non-negative number'],
    ['non-numeric distance', { ...ok, georel: 'near;maxDistance==abc' }, 'maxDistance must be a non-negative number'],
    ['empty distance', { ...ok, georel: 'near;minDistance==' }, 'minDistance must be a non-negative number'],
    ['distance with unit', { ...ok, georel: 'near;maxDistance==5km' }, 'maxDistance must be a non-negative number'],
    ['distance twice', { ...ok, georel: 'near;maxDistance==1;maxDistance==2' }, 'maxDistance given twice'],
    ['min greater than max', { ...ok, georel: 'near;minDistance==20;maxDistance==10' }, 'minDistance is greater than maxDistance'],
    ['modifier on within', { ...ok, georel: 'within;maxDistance==1' }, 'within takes no modifiers'],
    ['unknown geometry', { ...ok, geometry: 'Circle' }, 'geometry "Circle" is not supported'],
    ['GeometryCollection', { ...ok, geometry: 'GeometryCollection' }, 'geometry "GeometryCollection" is not supported'],
    ['bad JSON', { ...ok, coordinates: '[8,47' }, 'coordinates "[8,47" is not valid JSON'],
    ['legacy form without brackets', { ...ok, coordinates: '8,47' }, 'is not valid JSON'],
    ['JSON object', { ...ok, coordinates: '{"lon":8}' }, 'must be a JSON array'],
    ['number coordinates', { ...ok, coordinates: 8 }, 'coordinates must be a JSON array'],
    ['bad number in coordinates', { ...ok, coordinates: '["8",47]' }, 'geo-query Point.coordinates: position members must be finite numbers'],
    ['latitude out of range', { ...ok, coordinates: '[8,91]' }, 'latitude 91 is out of range'],
    ['longitude out of range', { ...ok, coordinates: '[-200,47]' }, 'longitude -200 is out of range'],
    ['nesting does not fit the geometry', { ...ok, coordinates: '[[8,47]]' }, 'a position must be an array of 2 or 3 numbers'],
    ['unclosed polygon', { georel: 'within', geometry: 'Polygon', coordinates: '[[[0,0],[1,0],[1,1],[0,1]]]' }, 'geo-query Polygon.coordinates[0]: linear ring is not closed'],
    ['short linestring', { georel: 'intersects', geometry: 'LineString', coordinates: '[[0,0]]' }, 'at least 2 positions'],
    ['empty geoproperty', { ...ok, geoproperty: '' }, 'geoproperty must be a non-empty attribute name'],
  ])('%s', (_name, params, detail) => {
    let error: unknown;
    try {
      parseGeoQuery(params);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NgsiError);
    expect((error as NgsiError).errorName).toBe('BadRequestData');
    expect((error as NgsiError).message).toContain(detail);
  });
});
