/**
 * What the DATEX II parser reads: the namespaces of each version, the publications we translate, and
 * the record elements of each publication with their extractors.
 */
import { parkingAreaSites, parkingFacilityStatus, parkingRecordSites, parkingSite, parkingStatus } from './parking-records';
import { parkingStatusInformation } from './parking-status-information';
import { elaboratedData, measurementSite, siteMeasurements } from './records';
import type { Datex2Record, Datex2Version, Publication, PublicationType } from './types';
import type { XmlNode } from './xml-tree';

const V2_NS = 'http://datex2.eu/schema/2/';
/** DATEX II v2.0 release candidates (`http://datex2.eu/schema/2_0RC1/2_0`): the v2.0 elements under another namespace. */
const V2_RC_NS = /^http:\/\/datex2\.eu\/schema\/2_0RC\d+\//;
export const V1_NS = 'http://datex2.eu/schema/1_0/';
const V3_NS = 'http://datex2.eu/schema/3/';

/** DATEX II publication class → what we translate it as. */
export const PUBLICATIONS: Record<string, PublicationType> = {
  MeasurementSiteTablePublication: 'MeasurementSiteTable',
  MeasuredDataPublication: 'MeasuredData',
  ElaboratedDataPublication: 'ElaboratedData',
  ParkingTablePublication: 'ParkingTable',
  ParkingFacilityTablePublication: 'ParkingTable',
  ParkingStatusPublication: 'ParkingStatus',
  // German MDM v2 profile (Frankfurt, Wuppertal, Aachen …; also Tampere): `parkingFacilityStatus` records.
  ParkingFacilityTableStatusPublication: 'ParkingStatus',
};

/** Record element (local name) → its publication and extractor (given the publication, for its `lang`). */
export const RECORDS: Record<string, { type: PublicationType; extract: (n: XmlNode, pub: Publication) => Datex2Record | Datex2Record[] | undefined }> = {
  measurementSiteRecord: { type: 'MeasurementSiteTable', extract: measurementSite },
  measurementSite: { type: 'MeasurementSiteTable', extract: measurementSite },
  siteMeasurements: { type: 'MeasuredData', extract: siteMeasurements },
  elaboratedData: { type: 'ElaboratedData', extract: elaboratedData },
  parkingRecord: { type: 'ParkingTable', extract: parkingRecordSites },
  parkingFacility: { type: 'ParkingTable', extract: parkingSite },
  parkingArea: { type: 'ParkingTable', extract: parkingAreaSites },
  parkingRecordStatus: { type: 'ParkingStatus', extract: parkingStatus },
  parkingFacilityStatus: { type: 'ParkingStatus', extract: parkingFacilityStatus },
  // DATEX II v3.4 and later (facilities-based parking model)
  parkingStatusInformation: { type: 'ParkingStatus', extract: parkingStatusInformation },
};

/** The publication class whose records a record element belongs to (a v3 generic payload carrying records directly). */
export const CLASS_OF_TYPE: Record<PublicationType, string> = {
  MeasurementSiteTable: 'MeasurementSiteTablePublication',
  MeasuredData: 'MeasuredDataPublication',
  ElaboratedData: 'ElaboratedDataPublication',
  ParkingTable: 'ParkingTablePublication',
  ParkingStatus: 'ParkingStatusPublication',
};

/** The DATEX II version of a namespace, undefined when it is not one we read. */
export function versionOf(uri: string): Datex2Version | undefined {
  if (uri.startsWith(V2_NS) || V2_RC_NS.test(uri)) return 2;
  if (uri.startsWith(V3_NS)) return 3;
  return undefined;
}
