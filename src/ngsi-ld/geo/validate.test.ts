import { NgsiError } from '../errors';
import { validateGeometry } from './validate';
import { rect } from './shapes.fixture';

describe('validateGeometry accepts', () => {
  it.each<[string, unknown]>([
    ['Point', { type: 'Point', coordinates: [8.5, 47.3] }],
    ['Point with altitude', { type: 'Point', coordinates: [8.5, 47.3, 410] }],
    ['Point at the limits', { type: 'Point', coordinates: [-180, 90] }],
    ['MultiPoint', { type: 'MultiPoint', coordinates: [[0, 0], [1, 1]] }],
    ['LineString', { type: 'LineString', coordinates: [[0, 0], [1, 1]] }],
    ['MultiLineString', { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3, 1]]] }],
    ['Polygon', { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] }],
    ['Polygon with hole', { type: 'Polygon', coordinates: [rect(0, 0, 10, 10), rect(4, 4, 6, 6)] }],
    ['MultiPolygon', { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], [rect(2, 2, 3, 3)]] }],
  ])('%s', (_name, value) => {
    expect(validateGeometry(value, 'location.value')).toEqual(value);
  });

  it('drops members other than type and coordinates', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [1, 2], bbox: [1, 2, 1, 2] }, 'x')).toEqual({ type: 'Point', coordinates: [1, 2] });
  });
});

describe('validateGeometry rejects with BadRequestData', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'location.value: a GeoJSON geometry must be an object'],
    ['an array', [8, 47], 'location.value: a GeoJSON geometry must be an object'],
    ['a string', 'POINT(8 47)', 'location.value: a GeoJSON geometry must be an object'],
    ['no type', { coordinates: [8, 47] }, 'unsupported geometry type undefined'],
    ['unknown type', { type: 'Circle', coordinates: [8, 47] }, 'unsupported geometry type "Circle"'],
    ['lower-case type', { type: 'point', coordinates: [8, 47] }, 'unsupported geometry type "point"'],
    ['GeometryCollection', { type: 'GeometryCollection', geometries: [] }, 'location.value: GeometryCollection is not supported'],
    ['no coordinates', { type: 'Point' }, 'location.value: Point has no "coordinates"'],
    ['position of 1 number', { type: 'Point', coordinates: [8] }, 'location.value.coordinates: a position must be an array of 2 or 3 numbers'],
    ['position of 4 numbers', { type: 'Point', coordinates: [8, 47, 1, 2] }, 'a position must be an array of 2 or 3 numbers'],
    ['string member', { type: 'Point', coordinates: ['8', 47] }, 'location.value.coordinates: position members must be finite numbers'],
    ['NaN', { type: 'Point', coordinates: [NaN, 47] }, 'position members must be finite numbers'],
    ['Infinity', { type: 'Point', coordinates: [8, Infinity] }, 'position members must be finite numbers'],
    ['longitude out of range', { type: 'Point', coordinates: [181, 47] }, 'longitude 181 is out of range [-180, 180]'],
    ['latitude out of range', { type: 'Point', coordinates: [8, -91] }, 'location.value.coordinates: latitude -91 is out of range [-90, 90]'],
    ['lat/lon swapped', { type: 'Point', coordinates: [47, 120] }, 'latitude 120 is out of range'],
    ['coordinates not an array', { type: 'LineString', coordinates: 'x' }, 'location.value.coordinates: must be an array of positions'],
    ['empty MultiPoint', { type: 'MultiPoint', coordinates: [] }, 'must contain at least 1 positions (got 0)'],
    ['bad MultiPoint member', { type: 'MultiPoint', coordinates: [[0, 0], [0, 95]] }, 'location.value.coordinates[1]: latitude 95'],
    ['LineString of 1 position', { type: 'LineString', coordinates: [[0, 0]] }, 'must contain at least 2 positions (got 1)'],
    ['MultiLineString with short member', { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2]]] }, 'location.value.coordinates[1]: must contain at least 2 positions'],
    ['empty MultiLineString', { type: 'MultiLineString', coordinates: [] }, 'at least 1 line strings'],
    ['Polygon without rings', { type: 'Polygon', coordinates: [] }, 'at least 1 linear rings'],
    ['Polygon ring of 3 positions', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }, 'location.value.coordinates[0]: must contain at least 4 positions (got 3)'],
    ['unclosed ring', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, 'location.value.coordinates[0]: linear ring is not closed'],
    ['unclosed hole', { type: 'Polygon', coordinates: [rect(0, 0, 9, 9), [[1, 1], [2, 1], [2, 2], [1, 2]]] }, 'coordinates[1]: linear ring is not closed'],
    ['ring closed in 2D only', { type: 'Polygon', coordinates: [[[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 0, 2]]] }, 'linear ring is not closed'],
    ['Polygon given as a ring', { type: 'Polygon', coordinates: rect(0, 0, 1, 1) }, 'location.value.coordinates[0]: must contain at least 4 positions (got 2)'],
    ['empty MultiPolygon', { type: 'MultiPolygon', coordinates: [] }, 'at least 1 polygons'],
    ['MultiPolygon with unclosed ring', { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], [[[2, 2], [3, 2], [3, 3], [2, 3]]]] }, 'location.value.coordinates[1][0]: linear ring is not closed'],
  ])('%s', (_name, value, detail) => {
    let error: unknown;
    try {
      validateGeometry(value, 'location.value');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NgsiError);
    expect((error as NgsiError).errorName).toBe('BadRequestData');
    expect((error as NgsiError).message).toContain(detail);
  });
});
