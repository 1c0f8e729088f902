/**
 * Locations of DATEX II sites and car parks → GeoJSON geometries (`[longitude, latitude]`). No
 * location table is loaded: a location given only by reference (ALERT-C, TPEG descriptors without
 * coordinates) has no geometry.
 */
import type { Position, SiteGeometry } from './types';
import { child, find, findAll, findText, textAt, toNumber, type XmlNode } from './xml-tree';

function position(node: XmlNode | undefined): Position | undefined {
  const lat = toNumber(textAt(node, 'latitude'));
  const lon = toNumber(textAt(node, 'longitude'));
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  return [lon, lat];
}

function firstWithLatLon(node: XmlNode): XmlNode | undefined {
  if (child(node, 'latitude') && child(node, 'longitude')) return node;
  for (const c of node.children) {
    const hit = firstWithLatLon(c);
    if (hit) return hit;
  }
  return undefined;
}

/** A line through the points, or the point itself when they are all the same (undefined when none). */
function lineOrPoint(points: Position[]): SiteGeometry | undefined {
  if (points.length === 0) return undefined;
  const [lon0, lat0] = points[0];
  if (points.every(([lon, lat]) => lon === lon0 && lat === lat0)) return { type: 'Point', coordinates: points[0] };
  return { type: 'LineString', coordinates: points };
}

function positionIn(node: XmlNode | undefined): Position | undefined {
  const p = node && firstWithLatLon(node);
  return p && position(p);
}

/** The start and end of a linear location, in that order: by coordinates (NDW), or TPEG `from`/`to` (in any document order). */
function linearEnds(node: XmlNode): Position[] | undefined {
  const start = positionIn(find(node, 'linearCoordinatesStartPoint'));
  const end = start && positionIn(find(node, 'linearCoordinatesEndPoint'));
  if (start && end) return [start, end];
  const tpeg = find(node, 'tpegLinearLocation');
  const from = tpeg && positionIn(child(tpeg, 'from'));
  const to = from && positionIn(child(tpeg, 'to'));
  return from && to ? [from, to] : undefined;
}

/**
 * The geometry of a location, first found of: the points of an `ItineraryByIndexedLocations` as a
 * LineString, a linear's start and end points (`linearCoordinatesStartPoint`/`EndPoint`, as NDW sends
 * for road sections, or a `tpegLinearLocation`'s `from` and `to`) as a LineString from start to end,
 * the display point (v2 `locationForDisplay`, v3 `coordinatesForDisplay`), a point by coordinates, a
 * GML `posList` (latitude longitude pairs) as a LineString, else the first latitude/longitude pair
 * found (e.g. an OpenLR reference point). ALERT-C or TPEG references without coordinates give none.
 */
export function geometryOf(node: XmlNode | undefined): SiteGeometry | undefined {
  if (!node) return undefined;
  const stops = findAll(node, 'locationContainedInItinerary').map(positionIn).filter((p): p is Position => p !== undefined);
  if (stops.length > 0) return lineOrPoint(stops);
  const ends = linearEnds(node);
  if (ends) return lineOrPoint(ends);
  for (const name of ['locationForDisplay', 'coordinatesForDisplay', 'pointCoordinates']) {
    const p = position(find(node, name));
    if (p) return { type: 'Point', coordinates: p };
  }
  const posList = findText(node, 'posList')?.split(/\s+/).map(Number);
  if (posList && posList.length >= 4 && posList.length % 2 === 0 && posList.every(Number.isFinite)) {
    const line: Position[] = [];
    for (let i = 0; i < posList.length; i += 2) line.push([posList[i + 1], posList[i]]);
    if (line.every(([lon, lat]) => Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return lineOrPoint(line);
  }
  const p = positionIn(node);
  return p ? { type: 'Point', coordinates: p } : undefined;
}
