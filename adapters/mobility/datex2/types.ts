/**
 * The records the DATEX II parser emits, one per site (measurement site, site measurements, parking
 * site, parking site status). They are version-neutral: DATEX II v2 and v3 documents give the same
 * shapes, so the translator does not care which version a partner sends.
 */

/** DATEX II major version of the document. */
export type Datex2Version = 2 | 3;

/** The publications we translate (DATEX II class names without the `Publication` suffix). */
export type PublicationType = 'MeasurementSiteTable' | 'MeasuredData' | 'ElaboratedData' | 'ParkingTable' | 'ParkingStatus';

/** Header of the publication a record belongs to. */
export interface Publication {
  type: PublicationType;
  version: Datex2Version;
  /** `publicationTime`, normalized to ISO 8601 UTC (`Z`), when the document has a valid one. */
  publicationTime?: string;
  /** ElaboratedDataPublication `timeDefault` (the default time of its values), ISO 8601 UTC. */
  timeDefault?: string;
  /** The publication's `lang` (e.g. `fr`): the language of its multilingual texts to prefer. */
  lang?: string;
}

/** `[longitude, latitude]` (GeoJSON order) or a line of such positions. */
export type Position = [number, number];
export type SiteGeometry = { type: 'Point'; coordinates: Position } | { type: 'LineString'; coordinates: Position[] };

/** What one index of a measurement site measures (`measurementSpecificCharacteristics`). */
export interface MeasurementCharacteristic {
  index: number;
  /** e.g. 'lane1' */
  lane?: string;
  /** e.g. 'trafficFlow', 'trafficSpeed' */
  valueType?: string;
  /** The vehicle classes measured, e.g. `['anyVehicle']`, `['bus', 'minibus']` (every `vehicleType`, in document order). */
  vehicleTypes: string[];
  /** Measurement period in seconds. */
  period?: number;
  /** Vehicle length class, e.g. `['lessThan 5.6']` (comparison operator and length in metres). */
  lengths: string[];
}

/** One `measurementSiteRecord` (v2) or `measurementSite` (v3) of a MeasurementSiteTablePublication. */
export interface MeasurementSiteRecord {
  kind: 'measurementSite';
  id: string;
  version?: string;
  name?: string;
  numberOfLanes?: number;
  /** e.g. 'northWestBound' */
  side?: string;
  geometry?: SiteGeometry;
  characteristics: MeasurementCharacteristic[];
}

/** One measured value of a site; absent numbers mean "no data" (−1, negative, dataError, missing). */
export interface MeasuredValue {
  index: number;
  /** `TrafficFlow` `vehicleFlowRate`, vehicles per hour. */
  flow?: number;
  /** `TrafficSpeed` `averageVehicleSpeed`, km/h. */
  speed?: number;
  /** `TrafficConcentration` `occupancy`, percent of time the detector is occupied, 0..100. */
  occupancyPercent?: number;
  /** `TrafficHeadway` `averageTimeHeadway`, seconds. */
  headway?: number;
  /** Per-value time when the value carries one, ISO 8601 UTC. */
  time?: string;
}

/** One `siteMeasurements` of a MeasuredDataPublication. */
export interface SiteMeasurementsRecord {
  kind: 'siteMeasurements';
  siteId: string;
  siteVersion?: string;
  /** `measurementTimeDefault` (v2) or `measurementTimeDefault/timeValue` (v3), ISO 8601 UTC. */
  time?: string;
  values: MeasuredValue[];
}

/**
 * One `elaboratedData` of an ElaboratedDataPublication: a value computed for a predefined location (a
 * road link or section), keyed by `pertinentLocation/predefinedLocationReference/@id`.
 */
export interface ElaboratedDataRecord {
  kind: 'elaboratedData';
  locationId: string;
  /** Coordinates of the pertinent location, when it carries any. */
  geometry?: SiteGeometry;
  value: Omit<MeasuredValue, 'index'>;
}

/** A single parking space declared by a parking site: its `id` (v3), else its `parkingSpaceIndex` (v2.3). */
export interface ParkingSpaceInfo {
  id: string;
  /** `parkingSpaceOrGroupIdentifier`: the space's label on site (a bay number). */
  name?: string;
  geometry?: SiteGeometry;
}

/** One `parkingRecord` (v2.3 / v3) or `parkingFacility` (v2 German MDM profile) of a parking table. */
export interface ParkingSiteRecord {
  kind: 'parkingSite';
  id: string;
  version?: string;
  name?: string;
  /** `parkingDescription` (multilingual: the publication's language first). */
  description?: string;
  geometry?: SiteGeometry;
  /** `parkingNumberOfSpaces` or `totalParkingCapacity`. */
  totalCapacity?: number;
  /** `urbanParkingSiteType` is `onStreetParking`: a stretch of street, not an OffStreetParking. */
  onStreet?: true;
  spaces: ParkingSpaceInfo[];
}

/** Occupancy of a single space: DATEX II says occupied/vacant, the Smart Data Models free/occupied. */
export type SpaceState = 'free' | 'occupied' | 'closed' | 'unknown';

export interface ParkingSpaceState {
  id: string;
  state: SpaceState;
  /** The space's own `measurementOrCalculationTime`, ISO 8601 UTC. */
  time?: string;
}

/** One `parkingRecordStatus` of a ParkingStatusPublication (or an MDM `parkingFacilityStatus`). */
export interface ParkingStatusRecord {
  kind: 'parkingStatus';
  /** `parkingRecordReference/@id`. */
  siteId: string;
  /** `parkingStatusOriginTime`, ISO 8601 UTC. */
  time?: string;
  vacant?: number;
  occupied?: number;
  /** `parkingNumberOfSpacesOverride`: the capacity in force now. */
  capacity?: number;
  /** `parkingOccupancy`, percent (≥ 0; above 100 when the car park holds more vehicles than its capacity). */
  occupancyPercent?: number;
  /** `parkingSiteStatus` and `parkingSiteOpeningStatus` / `openingStatus` values, as sent. */
  status: string[];
  spaces: ParkingSpaceState[];
  /**
   * A count of the record is not a count (e.g. −3 vacant spaces): none of its counts is kept (a mix of
   * new and stale counts would be wrong), and this part of the record is refused with the reason.
   */
  countsRefused?: Refusal;
}

/** Why (part of) a record is not translated, with a short text of the record for the dead letter. */
export interface Refusal {
  reason: string;
  /** The record as XML text (local names, cut after a few kB). */
  payload?: string;
}

/** A record that cannot be translated at all (e.g. it names no site): a dead letter of its own. */
export interface RefusedRecord extends Refusal {
  kind: 'refused';
}

export type Datex2Record = MeasurementSiteRecord | SiteMeasurementsRecord | ElaboratedDataRecord | ParkingSiteRecord | ParkingStatusRecord | RefusedRecord;

/** What the parser emits: a record with the header of its publication. */
export interface ParsedRecord {
  publication: Publication;
  record: Datex2Record;
}
