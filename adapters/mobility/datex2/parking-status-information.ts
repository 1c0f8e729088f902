/**
 * The parking status of DATEX II v3.4 and later, whose parking model builds on the facilities
 * namespace: a `ParkingStatusPublication` of `parkingStatusInformation` records, each typed by
 * `xsi:type` (PlaceStatus for a car park; AccessStatus, CampusStatus and SpaceStatus for an access
 * point, a group of car parks and one space). A PlaceStatus, or an untyped record, gives the same
 * record as a v2/v3.0–3.3 `parkingRecordStatus`: `reference/@id`, `lastUpdated`, the `status` and
 * `openingStatus` words, and the `occupancy` counts (`numberOfVacantSpaces`, `numberOfOccupiedSpaces`,
 * `numberOfSpacesOverride`, and `occupancy` in percent). The other types are skipped: an access point
 * or a campus is not one car park, and a space's status does not say which car park it belongs to.
 */
import { occupancyStatus } from './parking-records';
import type { ParkingStatusRecord, RefusedRecord } from './types';
import { refused, toUtc, words } from './values';
import { child, textAt, type XmlNode } from './xml-tree';

const CAR_PARK_TYPES = new Set(['ParkingStatusInformation', 'PlaceStatus']);

/**
 * `parkingStatusInformation` → record; undefined for another type; refused without a reference id.
 * @example parkingStatusInformation(node)?.kind // 'parkingStatus' for a PlaceStatus
 */
export function parkingStatusInformation(node: XmlNode): ParkingStatusRecord | RefusedRecord | undefined {
  const type = node.attrs.type;
  if (type !== undefined && !CAR_PARK_TYPES.has(type)) return undefined;
  const siteId = child(node, 'reference')?.attrs.id?.trim();
  if (!siteId) return refused(node, 'parkingStatusInformation without a reference id: its status belongs to no car park');
  return occupancyStatus(node, siteId, toUtc(textAt(node, 'lastUpdated')), child(node, 'occupancy'), 'numberOf', 'occupancy', words(node, ['status', 'openingStatus']));
}
