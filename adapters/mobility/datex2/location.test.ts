/** Site locations → GeoJSON geometry (table-tested on small location trees). */
import { geometryOf } from './location';
import type { XmlNode } from './xml-tree';

const el = (name: string, ...children: Array<XmlNode | string>): XmlNode => ({
  name,
  attrs: {},
  children: children.filter((c): c is XmlNode => typeof c !== 'string'),
  text: children.filter((c): c is string => typeof c === 'string').join(''),
});
const coords = (name: string, lat: number, lon: number) => el(name, el('latitude', String(lat)), el('longitude', String(lon)));

describe('geometryOf', () => {
  it.each([
    ['a TPEG linear location, `to` written before `from`: a line from `from` to `to`',
      el('measurementSiteLocation', el('tpegLinearLocation', el('tpegDirection', 'clockwise'),
        el('to', coords('pointCoordinates', 48.8, 2.3), el('name', 'Porte B')), el('from', coords('pointCoordinates', 48.7, 2.2)))),
      { type: 'LineString', coordinates: [[2.2, 48.7], [2.3, 48.8]] }],
    ['a TPEG linear location beside a display point: the line',
      el('measurementSiteLocation', coords('locationForDisplay', 48.75, 2.25), el('tpegLinearLocation', el('from', coords('pointCoordinates', 48.7, 2.2)), el('to', coords('pointCoordinates', 48.8, 2.3)))),
      { type: 'LineString', coordinates: [[2.2, 48.7], [2.3, 48.8]] }],
    ['a TPEG linear location with its `to` only: that point',
      el('measurementSiteLocation', el('tpegLinearLocation', el('to', coords('pointCoordinates', 48.8, 2.3)))),
      { type: 'Point', coordinates: [2.3, 48.8] }],
    ['linear coordinates (NDW)',
      el('measurementSiteLocation', el('linearExtension', el('linearByCoordinatesExtension', el('linearCoordinatesStartPoint', coords('pointCoordinates', 52, 4)), el('linearCoordinatesEndPoint', coords('pointCoordinates', 52.1, 4.1))))),
      { type: 'LineString', coordinates: [[4, 52], [4.1, 52.1]] }],
    ['a display point', el('measurementSiteLocation', coords('locationForDisplay', 52, 4)), { type: 'Point', coordinates: [4, 52] }],
    ['a reference without coordinates', el('measurementSiteLocation', el('alertCPoint', el('alertCLocationCountryCode', '8'))), undefined],
  ])('%s', (_case, node, geometry) => {
    expect(geometryOf(node)).toEqual(geometry);
  });
});
