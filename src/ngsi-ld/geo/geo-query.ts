/**
 * Types of the NGSI-LD geo-query (ETSI GS CIM 009 v1.8, clause 4.10 and the GeoQuery data type of
 * clause 5.2.13): a geometric relation between a reference geometry given in the query and the
 * value of a GeoProperty of each candidate entity.
 */
import type { Geometry } from '../types';

/** The georel operators of clause 4.10. */
export const GEO_RELATIONS = ['near', 'within', 'contains', 'intersects', 'equals', 'disjoint', 'overlaps'] as const;
export type GeoRelation = (typeof GEO_RELATIONS)[number];

/** A parsed geo-query. */
export interface GeoQuery {
  /** The relation the stored geometry must have with `geometry`. */
  georel: GeoRelation;
  /** near only: the stored geometry is at most this many metres from the reference. */
  maxDistance?: number;
  /** near only: the stored geometry is at least this many metres from the reference. */
  minDistance?: number;
  /** The reference geometry (validated). */
  geometry: Geometry;
  /** The GeoProperty to test, as given (not expanded); `location` by default. */
  geoproperty: string;
}

/** An axis-aligned box in degrees: `[minLongitude, minLatitude, maxLongitude, maxLatitude]`. */
export type BBox = [number, number, number, number];
