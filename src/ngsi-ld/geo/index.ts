/**
 * NGSI-LD geo-queries (ETSI GS CIM 009 v1.8, clauses 4.7 and 4.10): GeoJSON validation, parsing of
 * georel/geometry/coordinates, the bounding-box pre-filter and the exact predicates. Pure, no I/O.
 */
export { GEO_RELATIONS, type BBox, type GeoQuery, type GeoRelation } from './geo-query';
export { validateGeometry } from './validate';
export { parseGeoQuery, parseGeorel, type GeoQueryParams } from './parse';
export { boundingBox, growBox, searchBox } from './bbox';
export { matchGeo } from './predicates';
export { distanceMetres, haversineMetres, EARTH_RADIUS_M } from './distance';
export { geometriesEqual } from './equals';
