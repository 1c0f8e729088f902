/**
 * Pure translation of DATEX II records into Smart Data Models entities (normalized NGSI-LD).
 *
 * The runtime cannot join messages, so static and dynamic parts are translated separately and both
 * are written with `mode: 'merge'` on the same entity ids:
 * - MeasurementSiteTable → TrafficFlowObserved per site and measurement index (not for an index
 *   measuring a type we do not translate, e.g. travel times): name, location, laneId, vehicleType (when
 *   the index measures one class) / vehicleSubType, description (what the index measures);
 * - MeasuredData → the same entities: dateObserved, intensity (vehicleFlowRate, vehicles per hour),
 *   averageVehicleSpeed (km/h, unitCode KMH), occupancy (TrafficConcentration, 0..1),
 *   averageHeadwayTime (TrafficHeadway, s, unitCode SEC), each with observedAt;
 * - ElaboratedData → TrafficFlowObserved per predefined location, the same attributes (and location);
 * - ParkingTable → OffStreetParking (name, location, totalSpotNumber) and ParkingSpot per declared
 *   space (location, category, refParkingSite); an on-street site gives its spaces only;
 * - ParkingStatus → OffStreetParking (availableSpotNumber, occupiedSpotNumber, occupancy 0..1,
 *   status) and ParkingSpot (status free/occupied/closed/unknown) per reported space.
 * A record that cannot be translated (or its counts) is a refused part (`refusalOf`): a dead letter.
 */
import type { RefusedPart } from '../../../src/ingest/types';
import type { Entity, GeoProperty, Property, Relationship } from '../../../src/ngsi-ld/types';
import type {
  ElaboratedDataRecord, MeasuredValue, MeasurementSiteRecord, ParkingSiteRecord, ParkingStatusRecord, ParsedRecord, SiteGeometry, SiteMeasurementsRecord,
} from './types';

export const TRANSPORTATION_CONTEXT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld';
export const PARKING_CONTEXT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Parking/master/context.jsonld';

/** What the translation needs from the message and the runtime. */
export interface TranslateOptions {
  /** Territory part of entity ids. */
  territory: string;
  /** Arrival time: the observation time of last resort, when the document carries none. */
  receivedAt: string;
}

/** SDM TrafficFlowObserved `vehicleType` values that DATEX II VehicleTypeEnum also has. */
const SDM_VEHICLE_TYPES = new Set([
  'agriculturalVehicle', 'bicycle', 'bus', 'minibus', 'tram', 'car', 'caravan', 'carWithCaravan', 'carWithTrailer',
  'constructionOrMaintenanceVehicle', 'lorry', 'moped', 'motorcycle', 'motorcycleWithSideCar', 'motorscooter',
  'tanker', 'trailer', 'van',
]);

/** SDM OffStreetParking `status` values (DATEX II ParkingSiteStatusEnum and OpeningStatusEnum). */
const SDM_PARKING_STATUS = new Set(['almostFull', 'closed', 'closedAbnormal', 'full', 'fullAtEntrance', 'open', 'openingTimesInForce', 'spacesAvailable']);

/**
 * Local part of an entity id: characters outside `A-Z a-z 0-9 . _ ~ - :` are percent-encoded (UTF-8).
 * @example localId('PZH01_MST_0629_00') // 'PZH01_MST_0629_00'
 * @example localId('P+R Bondorf') // 'P%2BR%20Bondorf'
 */
export function localId(raw: string): string {
  return raw.trim().replace(/[^A-Za-z0-9._~:-]/gu, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * A parking record id as referenced by status records. Some publishers suffix the facility's name in
 * brackets in `parkingRecordReference/@id` (VRS Stuttgart: table `1035`, status `1035[P+R Bondorf]`);
 * the suffix is dropped so both land on the same entity.
 * @example parkingLocalId('1035[P+R Bondorf]') // '1035'
 */
export function parkingLocalId(raw: string): string {
  return localId(parkingRecordId(raw));
}

/** A parking record reference without the trailing `[name]` some publishers append (`1035[P+R Bondorf]` → `1035`). */
export function parkingRecordId(raw: string): string {
  const m = raw.trim().match(/^(.+?)\s*\[[^\]]*\]$/);
  return m ? m[1] : raw;
}

const urn = (type: string, territory: string, ...parts: string[]): string => ['urn:ngsi-ld', type, localId(territory), ...parts].join(':');

const prop = (value: Property['value'], extra: Partial<Property> = {}): Property => ({ type: 'Property', value, ...extra });
const dateTime = (iso: string): Property => prop(iso);
const geo = (g: SiteGeometry): GeoProperty => ({ type: 'GeoProperty', value: g });
const rel = (object: string): Relationship => ({ type: 'Relationship', object });
const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Sets `entity[name]` when `attr` is defined (entities never carry empty attributes). */
function set(entity: Entity, name: string, attr: unknown): void {
  if (attr !== undefined) entity[name] = attr;
}

function trafficId(territory: string, siteId: string, index: number): string {
  return urn('TrafficFlowObserved', territory, localId(siteId), String(index));
}

/**
 * `specificMeasurementValueType` values whose measurements ECLOR translates. An index measuring
 * another type (`travelTimeInformation`, `trafficStatusInformation`, weather …) would never get data.
 */
const TRANSLATED_VALUE_TYPES = new Set(['trafficFlow', 'trafficSpeed', 'trafficConcentration', 'trafficHeadway']);

/**
 * Static part of TrafficFlowObserved, one per measurement index of the site; an index whose measured
 * type is one ECLOR does not translate (e.g. NDW travel-time sites) gives none. An index that says no
 * type is kept.
 */
export function translateMeasurementSite(rec: MeasurementSiteRecord, opts: TranslateOptions): Entity[] {
  const translated = rec.characteristics.filter((c) => c.valueType === undefined || TRANSLATED_VALUE_TYPES.has(c.valueType));
  return translated.map((c) => {
    const e: Entity = { id: trafficId(opts.territory, rec.id, c.index), type: 'TrafficFlowObserved' };
    set(e, 'name', rec.name === undefined ? undefined : prop(rec.name));
    set(e, 'location', rec.geometry && geo(rec.geometry));
    const lane = c.lane?.match(/(\d+)$/);
    set(e, 'laneId', lane && Number(lane[1]) >= 1 ? prop(Number(lane[1])) : undefined);
    // SDM vehicleType is one class: set when the index measures exactly one (the description lists them all)
    const [only] = c.vehicleTypes;
    set(e, 'vehicleType', c.vehicleTypes.length === 1 && SDM_VEHICLE_TYPES.has(only) ? prop(only) : undefined);
    set(e, 'vehicleSubType', c.lengths.length > 0 ? prop(`length ${c.lengths.join(' and ')}`) : undefined);
    const vehicles = c.vehicleTypes.length > 0 ? c.vehicleTypes.join(' or ') : undefined;
    const what = [c.valueType, c.lane, vehicles, c.lengths.length > 0 ? `length ${c.lengths.join(' and ')}` : undefined, c.period !== undefined ? `period ${c.period} s` : undefined];
    const description = what.filter((w) => w !== undefined).join(', ');
    set(e, 'description', description ? prop(description) : undefined);
    return e;
  });
}

/** Sets the measured attributes of a value; false when it has none (no data). */
function setMeasured(e: Entity, v: Omit<MeasuredValue, 'index'>, observedAt: string): boolean {
  if (v.flow === undefined && v.speed === undefined && v.occupancyPercent === undefined && v.headway === undefined) return false;
  set(e, 'intensity', v.flow === undefined ? undefined : prop(v.flow, { observedAt }));
  set(e, 'averageVehicleSpeed', v.speed === undefined ? undefined : prop(v.speed, { unitCode: 'KMH', observedAt }));
  set(e, 'occupancy', v.occupancyPercent === undefined ? undefined : prop(round(v.occupancyPercent / 100), { observedAt }));
  set(e, 'averageHeadwayTime', v.headway === undefined ? undefined : prop(v.headway, { unitCode: 'SEC', observedAt }));
  return true;
}

/** Dynamic part of TrafficFlowObserved: one entity per index that has data (−1 / missing give none). */
export function translateSiteMeasurements(rec: SiteMeasurementsRecord, publicationTime: string | undefined, opts: TranslateOptions): Entity[] {
  const out: Entity[] = [];
  for (const v of rec.values) {
    const observedAt = v.time ?? rec.time ?? publicationTime ?? opts.receivedAt;
    const e: Entity = { id: trafficId(opts.territory, rec.siteId, v.index), type: 'TrafficFlowObserved', dateObserved: dateTime(observedAt) };
    if (setMeasured(e, v, observedAt)) out.push(e);
  }
  return out;
}

/**
 * An elaborated value → TrafficFlowObserved of its predefined location
 * (`urn:ngsi-ld:TrafficFlowObserved:<territory>:<locationId>`, no index: a location has one value per
 * quantity), with the location's coordinates when it carries any. `defaultTime`: the publication's
 * `timeDefault`, else its `publicationTime`.
 */
export function translateElaboratedData(rec: ElaboratedDataRecord, defaultTime: string | undefined, opts: TranslateOptions): Entity[] {
  const observedAt = rec.value.time ?? defaultTime ?? opts.receivedAt;
  const e: Entity = { id: urn('TrafficFlowObserved', opts.territory, localId(rec.locationId)), type: 'TrafficFlowObserved', dateObserved: dateTime(observedAt) };
  if (!setMeasured(e, rec.value, observedAt)) return [];
  set(e, 'location', rec.geometry && geo(rec.geometry));
  return [e];
}

function parkingIds(territory: string, siteId: string): { site: string; street: string; space: (id: string) => string } {
  const local = parkingLocalId(siteId);
  return {
    site: urn('OffStreetParking', territory, local),
    street: urn('OnStreetParking', territory, local),
    space: (id) => urn('ParkingSpot', territory, local, localId(id)),
  };
}

/**
 * Static OffStreetParking and its declared ParkingSpots (`category` `offStreet`). An on-street site
 * (`urbanParkingSiteType` `onStreetParking`) is no OffStreetParking and ECLOR has no OnStreetParking
 * type: it gives its spaces only, `category` `onStreet`, `refParkingSite` naming the street's
 * `urn:ngsi-ld:OnStreetParking:…` id (no such entity is written).
 */
export function translateParkingSite(rec: ParkingSiteRecord, opts: TranslateOptions): Entity[] {
  const ids = parkingIds(opts.territory, rec.id);
  const spaces = rec.spaces.map((s) => {
    const e: Entity = {
      id: ids.space(s.id), type: 'ParkingSpot', category: prop([rec.onStreet ? 'onStreet' : 'offStreet']), refParkingSite: rel(rec.onStreet ? ids.street : ids.site),
    };
    set(e, 'name', s.name === undefined ? undefined : prop(s.name));
    set(e, 'location', s.geometry && geo(s.geometry));
    return e;
  });
  if (rec.onStreet) return spaces;
  const site: Entity = { id: ids.site, type: 'OffStreetParking' };
  set(site, 'name', rec.name === undefined ? undefined : prop(rec.name));
  set(site, 'description', rec.description === undefined ? undefined : prop(rec.description));
  set(site, 'location', rec.geometry && geo(rec.geometry));
  set(site, 'totalSpotNumber', rec.totalCapacity !== undefined && rec.totalCapacity >= 1 ? prop(rec.totalCapacity) : undefined);
  return [site, ...spaces];
}

/**
 * The occupied fraction (SDM: occupied spots out of the total): the publisher's percentage, else
 * occupied / capacity when the record gives its capacity, else occupied / (occupied + vacant); at most
 * 1 (a car park holding more vehicles than its capacity is full).
 */
function occupancyOf(percent: number | undefined, occupied: number | undefined, vacant: number | undefined, capacity: number | undefined): number | undefined {
  let occupancy: number | undefined;
  if (percent !== undefined) occupancy = percent / 100;
  else if (occupied !== undefined && capacity !== undefined && capacity >= 1) occupancy = occupied / capacity;
  else if (occupied !== undefined && vacant !== undefined && occupied + vacant > 0) occupancy = occupied / (occupied + vacant);
  return occupancy === undefined ? undefined : Math.min(1, occupancy);
}

/**
 * Dynamic OffStreetParking (occupancy, availability, status) and per-space ParkingSpot status (the
 * status only: which site a space belongs to, and whether on or off street, is the table's part).
 */
export function translateParkingStatus(rec: ParkingStatusRecord, publicationTime: string | undefined, opts: TranslateOptions): Entity[] {
  const ids = parkingIds(opts.territory, rec.siteId);
  const observedAt = rec.time ?? publicationTime ?? opts.receivedAt;
  const { capacity } = rec;
  let { vacant, occupied } = rec;
  if (vacant === undefined && capacity !== undefined && occupied !== undefined && capacity >= occupied) vacant = capacity - occupied;
  if (occupied === undefined && capacity !== undefined && vacant !== undefined && capacity >= vacant) occupied = capacity - vacant;
  const occupancy = occupancyOf(rec.occupancyPercent, occupied, vacant, capacity);

  const site: Entity = { id: ids.site, type: 'OffStreetParking' };
  set(site, 'availableSpotNumber', vacant === undefined ? undefined : prop(vacant, { observedAt }));
  set(site, 'occupiedSpotNumber', occupied === undefined ? undefined : prop(occupied, { observedAt }));
  set(site, 'totalSpotNumber', capacity !== undefined && capacity >= 1 ? prop(capacity, { observedAt }) : undefined);
  set(site, 'occupancy', occupancy === undefined ? undefined : prop(round(occupancy), { observedAt }));
  const status = [...new Set(rec.status.filter((s) => SDM_PARKING_STATUS.has(s)))];
  set(site, 'status', status.length > 0 ? prop(status, { observedAt }) : undefined);
  const spaces = rec.spaces.map((s): Entity => ({ id: ids.space(s.id), type: 'ParkingSpot', status: prop(s.state, { observedAt: s.time ?? observedAt }) }));
  // A status record that carries nothing usable for the site itself yields only its spaces.
  return Object.keys(site).length > 2 ? [site, ...spaces] : spaces;
}

/**
 * One parsed record → its entities (pure).
 * @example
 * translateRecord(
 *   { publication: { type: 'MeasuredData', version: 2, publicationTime: '2025-08-15T21:49:42.016Z' },
 *     record: { kind: 'siteMeasurements', siteId: 'S1', time: '2025-08-15T21:48:00Z', values: [{ index: 1, flow: 120 }] } },
 *   { territory: 'demo', receivedAt: '2025-08-15T21:50:00Z' },
 * )[0].id; // 'urn:ngsi-ld:TrafficFlowObserved:demo:S1:1'
 */
export function translateRecord({ publication, record }: ParsedRecord, opts: TranslateOptions): Entity[] {
  switch (record.kind) {
    case 'measurementSite': return translateMeasurementSite(record, opts);
    case 'siteMeasurements': return translateSiteMeasurements(record, publication.publicationTime, opts);
    case 'elaboratedData': return translateElaboratedData(record, publication.timeDefault ?? publication.publicationTime, opts);
    case 'parkingSite': return translateParkingSite(record, opts);
    case 'parkingStatus': return translateParkingStatus(record, publication.publicationTime, opts);
    case 'refused': return [];
  }
}

/**
 * The part of a record refused (a dead letter of its own, `Translation.refused`): a record refused
 * whole, or a car park status whose counts are refused (its other attributes are written).
 * @example refusalOf({ publication, record: { kind: 'refused', reason: 'siteMeasurements without …' } }, opts)?.reason
 */
export function refusalOf({ publication, record }: ParsedRecord, opts: TranslateOptions): RefusedPart | undefined {
  if (record.kind === 'refused') return { reason: `${publication.type} publication: ${record.reason}`, payload: record.payload };
  if (record.kind === 'parkingStatus' && record.countsRefused) {
    return { ...record.countsRefused, entityId: parkingIds(opts.territory, record.siteId).site };
  }
  return undefined;
}

/** The time of an attribute (`observedAt`, or a DateTime value such as `dateObserved`) in ms, else NaN. */
function timeOf(attr: unknown): number {
  if (typeof attr !== 'object' || attr === null) return NaN;
  const { observedAt, value } = attr as { observedAt?: string; value?: unknown };
  return Date.parse(observedAt ?? (typeof value === 'string' ? value : ''));
}

/**
 * Two entities of the same id from one document (values of one location or index with their own
 * times) → one: for each attribute, the later time wins whatever the document order (an attribute
 * without a time: the later in the document), so `dateObserved` is the latest of the values' times.
 * @example mergeEntities(later, earlier).dateObserved // later.dateObserved
 */
export function mergeEntities(prev: Entity, next: Entity): Entity {
  const out: Entity = { ...prev };
  for (const [name, attr] of Object.entries(next)) {
    if (!(timeOf(out[name]) > timeOf(attr))) out[name] = attr;
  }
  return out;
}

/** The @context URLs for a set of entities (core context implied). */
export function contextFor(types: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of types) out.add(t === 'TrafficFlowObserved' ? TRANSPORTATION_CONTEXT : PARKING_CONTEXT);
  return [...out];
}
