/**
 * Parking record extraction (DATEX II v2.3 and v3.0–3.3 parking publications, and the German MDM v2
 * profile): one element tree → typed records. A car park's table record gives a ParkingSiteRecord,
 * its status record a ParkingStatusRecord. A record naming no car park is refused whole; a status
 * whose counts are not counts keeps none of them (`countsRefused`).
 */
import { geometryOf } from './location';
import type { Datex2Record, ParkingSiteRecord, ParkingSpaceInfo, ParkingSpaceState, ParkingStatusRecord, Publication, RefusedRecord, SpaceState } from './types';
import { measurement, multilingual, nonNegativeInt, refused, timeAt, toUtc, words } from './values';
import { child, children, find, findAll, findText, textAt, toNumber, xmlText, type XmlNode } from './xml-tree';

/** A space's key: its `id` (v3), else its `parkingSpaceIndex` (v2.3 indexed spaces), else `index`. */
function spaceKey(node: XmlNode): string | undefined {
  const key = (node.attrs.id ?? node.attrs.parkingSpaceIndex ?? node.attrs.index)?.trim();
  return key ? key : undefined;
}

/** A group of car parks (v2.3/v3 `GroupOfParkingSites`, or any `GroupOf…` record): not a car park itself. */
const isGroup = (node: XmlNode): boolean => node.attrs.type?.startsWith('GroupOf') === true || child(node, 'groupOfParkingSitesType') !== undefined;

/**
 * `parkingRecord` (v2.3, v3) / `parkingFacility` (v2 MDM profile) / a `parkingArea` that is a car
 * park (UK v2 profile) → record; refused without an id. Spaces: `parkingSpace` by `id` (v3) or by
 * `parkingSpaceIndex` (v2.3, `parkingSpace[@parkingSpaceIndex]/parkingSpace`). An `urbanParkingSiteType`
 * of `onStreetParking` marks a street, not a car park.
 * Location: `parkingLocation` (v2.3, v3), `facilityLocation` or `entranceLocation` (MDM), else the
 * first coordinates anywhere in the record (e.g. of an access).
 */
export function parkingSite(node: XmlNode, pub?: Publication): ParkingSiteRecord | RefusedRecord {
  const id = node.attrs.id?.trim();
  if (!id) return refused(node, `${node.name} without an id: not a car park we can name`);
  const spaces: ParkingSpaceInfo[] = [];
  for (const s of findAll(node, 'parkingSpace')) {
    const key = spaceKey(s);
    if (!key) continue;
    const label = multilingual(find(s, 'parkingSpaceOrGroupIdentifier'), pub?.lang);
    spaces.push({ id: key, ...(label ? { name: label } : {}), geometry: geometryOf(s) });
  }
  const where = child(node, 'parkingLocation') ?? child(node, 'facilityLocation') ?? child(node, 'entranceLocation');
  const site: ParkingSiteRecord = {
    kind: 'parkingSite',
    id,
    version: node.attrs.version,
    name: multilingual(child(node, 'parkingName') ?? child(node, 'parkingFacilityName') ?? child(node, 'parkingAreaName'), pub?.lang),
    description: multilingual(child(node, 'parkingDescription'), pub?.lang),
    geometry: geometryOf(where) ?? geometryOf(node),
    totalCapacity: nonNegativeInt(textAt(node, 'parkingNumberOfSpaces') ?? textAt(node, 'totalParkingCapacity') ?? textAt(node, 'totalParkingCapacityShortTerm')),
    spaces,
  };
  if (textAt(node, 'urbanParkingSiteType') === 'onStreetParking') site.onStreet = true;
  return site;
}

/**
 * `parkingRecord` of a parking table: a car park, or a `GroupOfParkingSites`, which is no car park:
 * the `parkingSite` records nested in it (v2.3) are the sites, and a group that only references its
 * sites (v3 `parkingSiteReference`) gives none.
 */
export function parkingRecordSites(node: XmlNode, pub?: Publication): Datex2Record | Datex2Record[] {
  if (!isGroup(node)) return parkingSite(node, pub);
  return findAll(node, 'parkingSite').map((s) => parkingSite(s, pub));
}

/**
 * `parkingArea` of a `parkingFacilityTable`: a zone grouping the `parkingFacility` records it holds
 * (German MDM), which are the sites; or, holding none, the car park itself (UK v2 profile, e.g.
 * Cambridgeshire: its status comes as a `parkingFacilityStatus` with the same id).
 */
export function parkingAreaSites(node: XmlNode, pub?: Publication): Datex2Record[] {
  const facilities = findAll(node, 'parkingFacility');
  return facilities.length ? facilities.map((f) => parkingSite(f, pub)) : [parkingSite(node, pub)];
}

/** xs:boolean (`true`/`false`/`1`/`0`), else undefined. */
function flag(text: string | undefined): boolean | undefined {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

const OCCUPIED = new Set(['occupied', 'full']);
const FREE = new Set(['vacant', 'free', 'empty', 'spacesavailable']);

/**
 * A space status (`parkingSpaceStatus`: v3 with `parkingSpaceReference`, v2.3 indexed around an inner
 * `parkingSpaceStatus`) → SDM ParkingSpot status: `closed` when `parkingSpaceClosed` is true, else by
 * `parkingSpaceOccupied` (also `parkingSpaceOccupancyDetected`, `occupied`), else by a status word.
 */
function parkingSpaceState(node: XmlNode): ParkingSpaceState | undefined {
  const id = child(node, 'parkingSpaceReference')?.attrs.id?.trim() || spaceKey(node);
  if (!id) return undefined;
  let state: SpaceState = 'unknown';
  const occupied = flag(findText(node, 'parkingSpaceOccupied') ?? findText(node, 'parkingSpaceOccupancyDetected') ?? findText(node, 'occupied'));
  const word = (textAt(node, 'parkingSpaceStatus') ?? textAt(node, 'status'))?.toLowerCase();
  if (flag(findText(node, 'parkingSpaceClosed')) === true || word === 'closed') state = 'closed';
  else if (occupied !== undefined) state = occupied ? 'occupied' : 'free';
  else if (word !== undefined && OCCUPIED.has(word)) state = 'occupied';
  else if (word !== undefined && FREE.has(word)) state = 'free';
  const space: ParkingSpaceState = { id, state };
  const time = timeAt(find(node, 'measurementOrCalculationTime'));
  if (time) space.time = time;
  return space;
}

/** Collects the values of a record that are not what their element says (`name "text" is not …`). */
class Checks {
  readonly bad: string[] = [];

  /** A count: a whole number ≥ 0, or absent. */
  count(text: string | undefined, name: string): number | undefined {
    const n = nonNegativeInt(text);
    if (text !== undefined && n === undefined) this.bad.push(`${name} ${JSON.stringify(text.slice(0, 40))} is not a whole number ≥ 0`);
    return n;
  }

  /** A percentage or a fraction: a number ≥ 0, or absent. */
  amount(text: string | undefined, name: string): number | undefined {
    const n = measurement(text);
    if (text !== undefined && n === undefined) this.bad.push(`${name} ${JSON.stringify(text.slice(0, 40))} is not a number ≥ 0`);
    return n;
  }

  /** The status without its counts when one is bad, with the reason and the record's text. */
  apply(rec: ParkingStatusRecord, node: XmlNode): ParkingStatusRecord {
    if (this.bad.length === 0) return rec;
    const reason = `parking status of ${rec.siteId}: ${this.bad.join('; ')}: none of its counts (available, occupied, total spots, occupancy) `
      + 'is written, only its status words and spaces';
    return { ...rec, vacant: undefined, occupied: undefined, capacity: undefined, occupancyPercent: undefined, countsRefused: { reason, payload: xmlText(node) } };
  }
}

/**
 * A car park's status from its occupancy element `occ`, whose counts are named `prefix` + VacantSpaces,
 * OccupiedSpaces and SpacesOverride, and its percentage `percentName` (v2 and v3.0–3.3:
 * `parkingNumberOf…` and `parkingOccupancy`; v3.4+: `numberOf…` and `occupancy`). `node` is the record.
 */
export function occupancyStatus(
  node: XmlNode,
  siteId: string,
  time: string | undefined,
  occ: XmlNode | undefined,
  prefix: 'parkingNumberOf' | 'numberOf',
  percentName: string,
  status: string[],
  spaces: ParkingSpaceState[] = [],
): ParkingStatusRecord {
  const checks = new Checks();
  const rec: ParkingStatusRecord = {
    kind: 'parkingStatus',
    siteId,
    time,
    vacant: checks.count(textAt(occ, `${prefix}VacantSpaces`), `${prefix}VacantSpaces`),
    occupied: checks.count(textAt(occ, `${prefix}OccupiedSpaces`), `${prefix}OccupiedSpaces`),
    capacity: checks.count(textAt(occ, `${prefix}SpacesOverride`), `${prefix}SpacesOverride`),
    occupancyPercent: checks.amount(textAt(occ, percentName), percentName),
    status,
    spaces,
  };
  return checks.apply(rec, node);
}

/**
 * `parkingRecordStatus` → record; refused without a parking record reference. Its `xsi:type` is not
 * read: VRS Stuttgart sends a `GroupOfParkingSitesStatus` for each single car park.
 */
export function parkingStatus(node: XmlNode): ParkingStatusRecord | RefusedRecord {
  const siteId = child(node, 'parkingRecordReference')?.attrs.id?.trim();
  if (!siteId) return refused(node, 'parkingRecordStatus without a parkingRecordReference id: its status belongs to no car park');
  const spaces = findAll(node, 'parkingSpaceStatus')
    .filter((s) => s.children.length > 0)
    .map(parkingSpaceState)
    .filter((s): s is ParkingSpaceState => s !== undefined);
  const status = words(node, ['parkingSiteStatus', 'parkingSiteOpeningStatus', 'openingStatus']);
  return occupancyStatus(node, siteId, toUtc(textAt(node, 'parkingStatusOriginTime')), child(node, 'parkingOccupancy'), 'parkingNumberOf', 'parkingOccupancy', status, spaces);
}

/**
 * `parkingFacilityStatus` (German MDM v2 `ParkingFacilityTableStatusPublication`) → the same record
 * as a `parkingRecordStatus`. The element name is used twice: the record (with a
 * `parkingFacilityReference`) and, inside it, the status words (`open`, `full` …). The profile's
 * `parkingFacilityOccupancy` is a fraction (Frankfurt: 0.22 for 44 of 200 spaces), not a percentage.
 * The UK v2 profile (e.g. Cambridgeshire) gives no totals but the occupied spaces as a whole number in
 * `parkingFacilityOccupancy` and the vacant ones in its one `assignedParkingSpacesStatus`: read as
 * counts only in that shape, so that a fraction of 1 (full) is never taken for one car.
 */
export function parkingFacilityStatus(node: XmlNode): ParkingStatusRecord | RefusedRecord {
  const siteId = child(node, 'parkingFacilityReference')?.attrs.id?.trim();
  if (!siteId) return refused(node, 'parkingFacilityStatus without a parkingFacilityReference id: its status belongs to no car park');
  const checks = new Checks();
  const occupancyText = textAt(node, 'parkingFacilityOccupancy');
  const fraction = checks.amount(occupancyText, 'parkingFacilityOccupancy');
  let vacant = checks.count(textAt(node, 'totalNumberOfVacantParkingSpaces'), 'totalNumberOfVacantParkingSpaces');
  let occupied = checks.count(textAt(node, 'totalNumberOfOccupiedParkingSpaces'), 'totalNumberOfOccupiedParkingSpaces');
  const capacityText = textAt(node, 'totalParkingCapacityOverride') ?? textAt(node, 'totalParkingCapacityShortTermOverride');
  const capacity = checks.count(capacityText, 'totalParkingCapacityOverride');
  const assigned = children(node, 'assignedParkingSpacesStatus');
  const ukShape = vacant === undefined && occupied === undefined && assigned.length === 1 && /^\s*\d+\s*$/.test(occupancyText ?? '');
  const ukVacant = ukShape ? checks.count(findText(assigned[0], 'numberOfVacantAssignedParkingSpaces'), 'numberOfVacantAssignedParkingSpaces') : undefined;
  if (ukVacant !== undefined) {
    vacant = ukVacant;
    occupied = toNumber(occupancyText);
  }
  const rec: ParkingStatusRecord = {
    kind: 'parkingStatus',
    siteId,
    time: toUtc(textAt(node, 'parkingFacilityStatusTime')),
    vacant,
    occupied,
    capacity,
    occupancyPercent: ukVacant === undefined && fraction !== undefined && fraction <= 1 ? fraction * 100 : undefined,
    status: children(node, 'parkingFacilityStatus').map((s) => s.text.trim()).filter((s) => s !== ''),
    spaces: [],
  };
  return checks.apply(rec, node);
}
