/**
 * Record extraction: one element tree of a site record (see xml-tree.ts) → one typed record. Names
 * are DATEX II local names shared by v2 and v3 (v3 moved `measuredValue` to `physicalQuantity` and
 * `measurementSiteRecord` to `measurementSite`; both are read). Missing or unusable values are left
 * out, never guessed: a speed of −1, a negative flow or a `dataError` flag means "no data".
 */
import type {
  ElaboratedDataRecord, MeasuredValue, MeasurementCharacteristic, MeasurementSiteRecord, ParkingSiteRecord, ParkingSpaceState,
  ParkingStatusRecord, Position, SiteGeometry, SiteMeasurementsRecord, SpaceState,
} from './types';
import { child, children, find, findAll, findText, textAt, toNumber, type XmlNode } from './xml-tree';

/**
 * An ISO 8601 date-time with an offset → ISO 8601 UTC with `Z` (milliseconds kept only when not zero).
 * DATEX II publishers send up to 7 fractional digits and local offsets (`+02:00`).
 * @example toUtc('2025-05-09T21:41:58.5461534+02:00') // '2025-05-09T19:41:58.546Z'
 */
export function toUtc(text: string | undefined): string | undefined {
  const m = text?.trim().match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  const check = new Date(base);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return undefined;
  let t = base;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const date = new Date(t);
  return date.toISOString().replace('.000Z', 'Z');
}

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

/**
 * The geometry of a location, first found of: the points of an `ItineraryByIndexedLocations` as a
 * LineString, a linear's start and end points (`linearCoordinatesStartPoint`/`EndPoint`, as NDW sends
 * for road sections), the display point (v2 `locationForDisplay`, v3 `coordinatesForDisplay`), a point
 * by coordinates, a GML `posList` (latitude longitude pairs) as a LineString, else the first
 * latitude/longitude pair found (e.g. an OpenLR reference point). ALERT-C or TPEG references without
 * coordinates give none.
 */
export function geometryOf(node: XmlNode | undefined): SiteGeometry | undefined {
  if (!node) return undefined;
  const stops = findAll(node, 'locationContainedInItinerary').map(positionIn).filter((p): p is Position => p !== undefined);
  if (stops.length > 0) return lineOrPoint(stops);
  const start = positionIn(find(node, 'linearCoordinatesStartPoint'));
  const end = start && positionIn(find(node, 'linearCoordinatesEndPoint'));
  if (start && end) return lineOrPoint([start, end]);
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

/** First `value` of a multilingual string (`values/value`), e.g. a site name. */
function multilingual(node: XmlNode | undefined): string | undefined {
  return node ? findText(node, 'value') ?? textAt(node) : undefined;
}

/** A whole number ≥ 0, else undefined (NDW sends −1 for "no count"). */
function nonNegativeInt(text: string | undefined): number | undefined {
  const n = toNumber(text);
  return n !== undefined && n >= 0 && Number.isInteger(n) ? n : undefined;
}

/** `index` attribute, else the 1-based position among its siblings. */
function indexOf(node: XmlNode, position1: number): number {
  return nonNegativeInt(node.attrs.index) ?? position1;
}

function characteristic(outer: XmlNode, i: number): MeasurementCharacteristic {
  const inner = child(outer, 'measurementSpecificCharacteristics') ?? outer;
  const lengths = findAll(inner, 'lengthCharacteristic').map((l) => `${findText(l, 'comparisonOperator') ?? ''} ${findText(l, 'vehicleLength') ?? ''} m`.trim());
  return {
    index: indexOf(outer, i + 1),
    lane: findText(inner, 'specificLane'),
    valueType: findText(inner, 'specificMeasurementValueType'),
    vehicleType: findText(inner, 'vehicleType'),
    period: toNumber(findText(inner, 'period')),
    lengths,
  };
}

/** `measurementSiteRecord` (v2) / `measurementSite` (v3) → record; undefined without an id. */
export function measurementSite(node: XmlNode): MeasurementSiteRecord | undefined {
  const id = node.attrs.id?.trim();
  if (!id) return undefined;
  return {
    kind: 'measurementSite',
    id,
    version: node.attrs.version,
    name: multilingual(child(node, 'measurementSiteName')),
    numberOfLanes: nonNegativeInt(textAt(node, 'measurementSiteNumberOfLanes')),
    side: textAt(node, 'measurementSide'),
    geometry: geometryOf(child(node, 'measurementSiteLocation')),
    characteristics: children(node, 'measurementSpecificCharacteristics').map(characteristic),
  };
}

/** A measurement value: finite and not negative (NDW sends −1 for "no speed"). */
function measurement(text: string | undefined): number | undefined {
  const n = toNumber(text);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** The text of `name` below `node`, or of `node` itself when it is a leaf (DATEX II v2.0 `vehicleFlow` carried the number). */
function valueOf(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  return node.children.length === 0 ? textAt(node) : findText(node, name);
}

/**
 * One measured value (v2 `measuredValue`, v3 `physicalQuantity`): its `basicData` by what it carries,
 * whatever its `xsi:type` says — TrafficFlow `vehicleFlow/vehicleFlowRate`, TrafficSpeed
 * `averageVehicleSpeed/speed` (no data when computed from no vehicle: `numberOfInputValuesUsed="0"`),
 * TrafficConcentration `occupancy/percentage`, TrafficHeadway `averageTimeHeadway/duration`.
 */
function measuredValue(node: XmlNode, i: number): MeasuredValue {
  const index = indexOf(node, i + 1);
  if (findText(node, 'dataError') === 'true') return { index };
  const basic = find(node, 'basicData') ?? node;
  const mt = find(node, 'measurementOrCalculationTime');
  const value: MeasuredValue = { index, time: toUtc(textAt(mt) ?? findText(mt, 'timeValue')) };
  const flowNode = find(basic, 'vehicleFlow');
  const flow = measurement(flowNode ? valueOf(flowNode, 'vehicleFlowRate') : findText(basic, 'vehicleFlowRate'));
  if (flow !== undefined) value.flow = flow;
  const speedNode = find(basic, 'averageVehicleSpeed');
  const speed = speedNode && speedNode.attrs.numberOfInputValuesUsed !== '0' ? measurement(valueOf(speedNode, 'speed')) : undefined;
  if (speed !== undefined) value.speed = speed;
  const occupancy = measurement(valueOf(find(basic, 'occupancy'), 'percentage'));
  if (occupancy !== undefined && occupancy <= 100) value.occupancyPercent = occupancy;
  const headway = measurement(valueOf(find(basic, 'averageTimeHeadway'), 'duration'));
  if (headway !== undefined) value.headway = headway;
  if (value.time === undefined) delete value.time;
  return value;
}

/** The site a `siteMeasurements` is about: `measurementSiteReference/@id` (v2.0 also as its text). */
const SITE_REFERENCES = ['measurementSiteReference', 'measurementSiteRecordReference', 'measurementSiteRecordVersionedReference'];

/** `siteMeasurements` → record; undefined without a site reference. */
export function siteMeasurements(node: XmlNode): SiteMeasurementsRecord | undefined {
  let ref: XmlNode | undefined;
  for (const name of SITE_REFERENCES) ref ??= child(node, name);
  const siteId = ref && (ref.attrs.id?.trim() || textAt(ref));
  if (!siteId) return undefined;
  const timeNode = child(node, 'measurementTimeDefault');
  const values = [...children(node, 'measuredValue'), ...children(node, 'physicalQuantity')].map(measuredValue);
  return { kind: 'siteMeasurements', siteId, siteVersion: ref?.attrs.version, time: toUtc(textAt(timeNode) ?? textAt(timeNode, 'timeValue')), values };
}

/**
 * `elaboratedData` → record; undefined unless its `pertinentLocation` references a predefined location
 * (the only key a later publication shares). The value is read as a measured value's.
 */
export function elaboratedData(node: XmlNode): ElaboratedDataRecord | undefined {
  const where = find(node, 'pertinentLocation');
  const locationId = find(where, 'predefinedLocationReference')?.attrs.id?.trim();
  if (!locationId) return undefined;
  const { index: _index, ...value } = measuredValue(node, 0);
  return { kind: 'elaboratedData', locationId, geometry: geometryOf(where), value };
}

/**
 * `parkingRecord` (v2.3, v3) / `parkingFacility` (v2 MDM profile) / a `parkingArea` that is a car
 * park (UK v2 profile) → record; undefined without an id.
 * Location: `parkingLocation` (v2.3, v3), `facilityLocation` or `entranceLocation` (MDM), else the
 * first coordinates anywhere in the record (e.g. of an access).
 */
export function parkingSite(node: XmlNode): ParkingSiteRecord | undefined {
  const id = node.attrs.id?.trim();
  if (!id) return undefined;
  const spaces = findAll(node, 'parkingSpace')
    .filter((s) => s.attrs.id?.trim())
    .map((s) => ({ id: s.attrs.id.trim(), geometry: geometryOf(s) }));
  const where = child(node, 'parkingLocation') ?? child(node, 'facilityLocation') ?? child(node, 'entranceLocation');
  return {
    kind: 'parkingSite',
    id,
    version: node.attrs.version,
    name: multilingual(child(node, 'parkingName') ?? child(node, 'parkingFacilityName') ?? child(node, 'parkingAreaName')),
    geometry: geometryOf(where) ?? geometryOf(node),
    totalCapacity: nonNegativeInt(textAt(node, 'parkingNumberOfSpaces') ?? textAt(node, 'totalParkingCapacity') ?? textAt(node, 'totalParkingCapacityShortTerm')),
    spaces,
  };
}

/**
 * `parkingArea` of a `parkingFacilityTable`: a zone grouping the `parkingFacility` records it holds
 * (German MDM), which are the sites; or, holding none, the car park itself (UK v2 profile, e.g.
 * Cambridgeshire: its status comes as a `parkingFacilityStatus` with the same id).
 */
export function parkingAreaSites(node: XmlNode): ParkingSiteRecord[] {
  const facilities = findAll(node, 'parkingFacility').filter((f) => f.attrs.id?.trim());
  const sites = facilities.length ? facilities.map(parkingSite) : [parkingSite(node)];
  return sites.filter((s): s is ParkingSiteRecord => s !== undefined);
}

const OCCUPIED = new Set(['occupied', 'full', 'true']);
const FREE = new Set(['vacant', 'free', 'empty', 'spacesavailable', 'false']);

/** A space status word or occupancy flag → SDM ParkingSpot status. */
function spaceState(text: string | undefined): SpaceState {
  const t = text?.toLowerCase();
  if (t === undefined) return 'unknown';
  if (OCCUPIED.has(t)) return 'occupied';
  if (FREE.has(t)) return 'free';
  return t === 'closed' ? 'closed' : 'unknown';
}

function parkingSpaceState(node: XmlNode): ParkingSpaceState | undefined {
  const id = (child(node, 'parkingSpaceReference')?.attrs.id ?? node.attrs.id ?? node.attrs.index)?.trim();
  if (!id) return undefined;
  const flag = findText(node, 'parkingSpaceOccupancyDetected') ?? findText(node, 'occupied');
  const word = textAt(node, 'parkingSpaceStatus') ?? textAt(node, 'status');
  return { id, state: spaceState(flag ?? word) };
}

/** The words of `names` that `node` holds as children, in that order. */
export function words(node: XmlNode, names: string[]): string[] {
  return names.map((n) => textAt(node, n)).filter((s): s is string => s !== undefined);
}

/**
 * A car park's status from its occupancy element `occ`, whose counts are named `prefix` + VacantSpaces,
 * OccupiedSpaces and SpacesOverride, and its percentage `percentName` (v2 and v3.0–3.3:
 * `parkingNumberOf…` and `parkingOccupancy`; v3.4+: `numberOf…` and `occupancy`).
 */
export function occupancyStatus(
  siteId: string,
  time: string | undefined,
  occ: XmlNode | undefined,
  prefix: 'parkingNumberOf' | 'numberOf',
  percentName: string,
  status: string[],
  spaces: ParkingSpaceState[] = [],
): ParkingStatusRecord {
  const percent = measurement(textAt(occ, percentName));
  return {
    kind: 'parkingStatus',
    siteId,
    time,
    vacant: nonNegativeInt(textAt(occ, `${prefix}VacantSpaces`)),
    occupied: nonNegativeInt(textAt(occ, `${prefix}OccupiedSpaces`)),
    capacity: nonNegativeInt(textAt(occ, `${prefix}SpacesOverride`)),
    occupancyPercent: percent !== undefined && percent <= 100 ? percent : undefined,
    status,
    spaces,
  };
}

/** `parkingRecordStatus` → record; undefined without a parking record reference. */
export function parkingStatus(node: XmlNode): ParkingStatusRecord | undefined {
  const siteId = child(node, 'parkingRecordReference')?.attrs.id?.trim();
  if (!siteId) return undefined;
  const spaces = findAll(node, 'parkingSpaceStatus')
    .filter((s) => s.children.length > 0)
    .map(parkingSpaceState)
    .filter((s): s is ParkingSpaceState => s !== undefined);
  const status = words(node, ['parkingSiteStatus', 'parkingSiteOpeningStatus', 'openingStatus']);
  return occupancyStatus(siteId, toUtc(textAt(node, 'parkingStatusOriginTime')), child(node, 'parkingOccupancy'), 'parkingNumberOf', 'parkingOccupancy', status, spaces);
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
export function parkingFacilityStatus(node: XmlNode): ParkingStatusRecord | undefined {
  const siteId = child(node, 'parkingFacilityReference')?.attrs.id?.trim();
  if (!siteId) return undefined;
  const occupancyText = textAt(node, 'parkingFacilityOccupancy');
  const fraction = measurement(occupancyText);
  let vacant = nonNegativeInt(textAt(node, 'totalNumberOfVacantParkingSpaces'));
  let occupied = nonNegativeInt(textAt(node, 'totalNumberOfOccupiedParkingSpaces'));
  const assigned = children(node, 'assignedParkingSpacesStatus');
  const ukShape = vacant === undefined && occupied === undefined && assigned.length === 1 && /^\s*\d+\s*$/.test(occupancyText ?? '');
  const ukVacant = ukShape ? nonNegativeInt(findText(assigned[0], 'numberOfVacantAssignedParkingSpaces')) : undefined;
  if (ukVacant !== undefined) {
    vacant = ukVacant;
    occupied = nonNegativeInt(occupancyText);
  }
  return {
    kind: 'parkingStatus',
    siteId,
    time: toUtc(textAt(node, 'parkingFacilityStatusTime')),
    vacant,
    occupied,
    capacity: nonNegativeInt(textAt(node, 'totalParkingCapacityOverride') ?? textAt(node, 'totalParkingCapacityShortTermOverride')),
    occupancyPercent: ukVacant === undefined && fraction !== undefined && fraction <= 1 ? fraction * 100 : undefined,
    status: children(node, 'parkingFacilityStatus').map((s) => s.text.trim()).filter((s) => s !== ''),
    spaces: [],
  };
}
