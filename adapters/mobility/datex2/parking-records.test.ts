/** Parking records: v2.3 and v3 tables (spaces, groups, on-street sites) and statuses (spaces, counts), through the parser. */
import { parseDatex2 } from './parse';
import type { Datex2Record } from './types';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const V3 = 'xmlns:d2="http://datex2.eu/schema/3/d2Payload" xmlns:prk="http://datex2.eu/schema/3/parking" xmlns:com="http://datex2.eu/schema/3/common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

const v2 = (type: string, body: string, lang = 'fr'): Datex2Record[] =>
  parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="${type}" lang="${lang}">${body}</payloadPublication></d2LogicalModel>`).map((r) => r.record);
const v3 = (type: string, body: string): Datex2Record[] =>
  parseDatex2(`<d2:payload ${V3} xsi:type="prk:${type}" lang="fr">${body}</d2:payload>`).map((r) => r.record);

const point = (lat: number, lon: number) => `<pointByCoordinates><pointCoordinates><latitude>${lat}</latitude><longitude>${lon}</longitude></pointCoordinates></pointByCoordinates>`;
/** A v2.3 status of record R1 holding one indexed space status. */
const spaceStatus = (inner: string) => v2('ParkingStatusPublication', '<parkingRecordStatus xsi:type="ParkingSiteStatus"><parkingRecordReference id="R1"/>'
  + `<parkingSpaceStatus parkingSpaceIndex="4"><parkingSpaceStatus>${inner}</parkingSpaceStatus></parkingSpaceStatus></parkingRecordStatus>`);
const v3SpaceStatus = (inner: string) => v3('ParkingStatusPublication', '<prk:parkingRecordStatus><prk:parkingRecordReference id="R1"/>'
  + `<prk:parkingSpaceStatus><prk:parkingSpaceReference id="S-9"/>${inner}</prk:parkingSpaceStatus></prk:parkingRecordStatus>`);

describe('space status → ParkingSpot status', () => {
  it.each([
    ['v2.3 parkingSpaceOccupied true', spaceStatus('<parkingSpaceOccupied>true</parkingSpaceOccupied>'), '4', 'occupied'],
    ['v2.3 parkingSpaceOccupied false', spaceStatus('<parkingSpaceOccupied>false</parkingSpaceOccupied>'), '4', 'free'],
    ['v2.3 xs:boolean 1', spaceStatus('<parkingSpaceOccupied>1</parkingSpaceOccupied>'), '4', 'occupied'],
    ['v2.3 xs:boolean 0', spaceStatus('<parkingSpaceOccupied>0</parkingSpaceOccupied>'), '4', 'free'],
    ['v2.3 closed wins over occupied', spaceStatus('<parkingSpaceOccupied>true</parkingSpaceOccupied><parkingSpaceClosed>true</parkingSpaceClosed>'), '4', 'closed'],
    ['v2.3 closed 1', spaceStatus('<parkingSpaceOccupied>0</parkingSpaceOccupied><parkingSpaceClosed>1</parkingSpaceClosed>'), '4', 'closed'],
    ['v2.3 not closed', spaceStatus('<parkingSpaceOccupied>0</parkingSpaceOccupied><parkingSpaceClosed>false</parkingSpaceClosed>'), '4', 'free'],
    ['v2.3 nothing said', spaceStatus('<parkingSpaceOccupancyDetectionType>none</parkingSpaceOccupancyDetectionType>'), '4', 'unknown'],
    ['v3 parkingSpaceOccupied true', v3SpaceStatus('<prk:parkingSpaceOccupied>true</prk:parkingSpaceOccupied>'), 'S-9', 'occupied'],
    ['v3 parkingSpaceOccupied 0', v3SpaceStatus('<prk:parkingSpaceOccupied>0</prk:parkingSpaceOccupied>'), 'S-9', 'free'],
    ['v3 parkingSpaceOccupancyDetected', v3SpaceStatus('<prk:parkingSpaceOccupancyDetected>true</prk:parkingSpaceOccupancyDetected>'), 'S-9', 'occupied'],
    ['v3 closed', v3SpaceStatus('<prk:parkingSpaceClosed>true</prk:parkingSpaceClosed>'), 'S-9', 'closed'],
    ['v3 a status word', v3SpaceStatus('<prk:parkingSpaceStatus>vacant</prk:parkingSpaceStatus>'), 'S-9', 'free'],
    ['v3 nothing said', v3SpaceStatus(''), 'S-9', 'unknown'],
  ])('%s', (_name, records, id, state) => {
    expect(records).toMatchObject([{ kind: 'parkingStatus', siteId: 'R1', spaces: [{ id, state }] }]);
  });

  it("keeps a space's own measurement time", () => {
    const [r] = spaceStatus('<parkingSpaceOccupied>true</parkingSpaceOccupied><measurementOrCalculationTime>2026-05-04T10:00:30+02:00</measurementOrCalculationTime>');
    expect(r).toMatchObject({ spaces: [{ id: '4', state: 'occupied', time: '2026-05-04T08:00:30Z' }] });
  });
});

describe('parking table sites', () => {
  it('reads v2.3 indexed spaces (parkingSpace[@parkingSpaceIndex]/parkingSpace) with their location', () => {
    const [site] = v2('ParkingTablePublication', '<parkingTable><parkingRecord xsi:type="UrbanParkingSite" id="R1"><parkingNumberOfSpaces>2</parkingNumberOfSpaces>'
      + `<parkingSpace parkingSpaceIndex="1"><parkingSpace><location xsi:type="Point">${point(45.1, 4.1)}</location></parkingSpace></parkingSpace>`
      + '<parkingSpace parkingSpaceIndex="2"><parkingSpace><parkingSpaceOrGroupIdentifier><values><value>B</value></values></parkingSpaceOrGroupIdentifier></parkingSpace></parkingSpace>'
      + '</parkingRecord></parkingTable>');
    expect(site).toMatchObject({ kind: 'parkingSite', id: 'R1', totalCapacity: 2, spaces: [{ id: '1', geometry: { type: 'Point', coordinates: [4.1, 45.1] } }, { id: '2', name: 'B', geometry: undefined }] });
    expect((site as { spaces: object[] }).spaces[0]).not.toHaveProperty('name');
  });

  it("reads a car park's description and a space's label in the publication's language (v2.3 and v3)", () => {
    const ml = (fr: string, en: string) => `<values><value lang="en">${en}</value><value lang="fr">${fr}</value></values>`;
    const [site] = v2('ParkingTablePublication', `<parkingTable><parkingRecord xsi:type="UrbanParkingSite" id="R1"><parkingDescription>${ml('Parking couvert, 3 niveaux', 'Covered, 3 levels')}</parkingDescription>`
      + `<parkingSpace parkingSpaceIndex="1"><parkingSpace><parkingSpaceOrGroupIdentifier>${ml('Place A-12', 'Bay A-12')}</parkingSpaceOrGroupIdentifier></parkingSpace></parkingSpace></parkingRecord></parkingTable>`);
    expect(site).toMatchObject({ description: 'Parking couvert, 3 niveaux', spaces: [{ id: '1', name: 'Place A-12' }] });
    const [v3site] = v3('ParkingTablePublication', '<prk:parkingTable><prk:parkingRecord xsi:type="prk:ParkingSite" id="R2"><prk:parkingDescription><com:values><com:value lang="fr">Souterrain</com:value></com:values></prk:parkingDescription>'
      + '<prk:parkingSpace id="S-1"><prk:parkingSpaceOrGroupIdentifier>P-7</prk:parkingSpaceOrGroupIdentifier></prk:parkingSpace></prk:parkingRecord></prk:parkingTable>');
    expect(v3site).toMatchObject({ description: 'Souterrain', spaces: [{ id: 'S-1', name: 'P-7' }] });
  });

  it('marks an on-street site (urbanParkingSiteType onStreetParking)', () => {
    const [street, park] = v2('ParkingTablePublication', '<parkingTable>'
      + '<parkingRecord xsi:type="UrbanParkingSite" id="RUE"><urbanParkingSiteType>onStreetParking</urbanParkingSiteType></parkingRecord>'
      + '<parkingRecord xsi:type="UrbanParkingSite" id="P"><urbanParkingSiteType>offStreetParking</urbanParkingSiteType></parkingRecord></parkingTable>');
    expect(street).toMatchObject({ id: 'RUE', onStreet: true });
    expect(park).not.toHaveProperty('onStreet');
  });

  it('a GroupOfParkingSites is no site: the parkingSite records nested in it are (v2.3)', () => {
    const records = v2('ParkingTablePublication', '<parkingTable><parkingRecord xsi:type="GroupOfParkingSites" id="ZONE"><parkingNumberOfSpaces>900</parkingNumberOfSpaces>'
      + '<groupOfParkingSitesType>parkingArea</groupOfParkingSitesType>'
      + `<parkingSite xsi:type="UrbanParkingSite" id="A"><parkingNumberOfSpaces>400</parkingNumberOfSpaces><parkingLocation xsi:type="Point">${point(45.2, 4.2)}</parkingLocation></parkingSite>`
      + '<parkingSite xsi:type="UrbanParkingSite" id="B"><parkingNumberOfSpaces>500</parkingNumberOfSpaces></parkingSite>'
      + '</parkingRecord></parkingTable>');
    expect(records).toMatchObject([
      { kind: 'parkingSite', id: 'A', totalCapacity: 400, geometry: { type: 'Point', coordinates: [4.2, 45.2] } },
      { kind: 'parkingSite', id: 'B', totalCapacity: 500, geometry: undefined },
    ]);
  });

  it('a v3 group that references its sites gives nothing of its own', () => {
    const records = v3('ParkingTablePublication', '<prk:parkingTable>'
      + '<prk:parkingRecord xsi:type="prk:UrbanParkingSite" id="A"><prk:parkingNumberOfSpaces>10</prk:parkingNumberOfSpaces></prk:parkingRecord>'
      + '<prk:parkingRecord xsi:type="prk:GroupOfParkingSites" id="ALL"><prk:parkingNumberOfSpaces>10</prk:parkingNumberOfSpaces><prk:parkingSiteReference id="A"/></prk:parkingRecord>'
      + '</prk:parkingTable>');
    expect(records.map((r) => (r as { id: string }).id)).toEqual(['A']);
  });

  it('a site without an id is refused', () => {
    expect(v2('ParkingTablePublication', '<parkingTable><parkingRecord xsi:type="UrbanParkingSite"><parkingNumberOfSpaces>3</parkingNumberOfSpaces></parkingRecord></parkingTable>'))
      .toMatchObject([{ kind: 'refused', reason: 'parkingRecord without an id: not a car park we can name', payload: expect.stringContaining('<parkingNumberOfSpaces>3</parkingNumberOfSpaces>') }]);
  });
});

describe('parking status counts', () => {
  const status = (occupancy: string) => v2('ParkingStatusPublication', `<parkingRecordStatus><parkingRecordReference id="R1"/><parkingOccupancy>${occupancy}</parkingOccupancy>`
    + '<parkingSiteStatus>full</parkingSiteStatus></parkingRecordStatus>')[0];

  it('reads the capacity override, counts and percentage', () => {
    expect(status('<parkingNumberOfSpacesOverride>24</parkingNumberOfSpacesOverride><parkingNumberOfVacantSpaces>14</parkingNumberOfVacantSpaces>'
      + '<parkingNumberOfOccupiedSpaces>6</parkingNumberOfOccupiedSpaces>')).toMatchObject({ capacity: 24, vacant: 14, occupied: 6, occupancyPercent: undefined, status: ['full'] });
  });

  it.each([
    ['a negative count', '<parkingNumberOfVacantSpaces>-3</parkingNumberOfVacantSpaces><parkingNumberOfOccupiedSpaces>123</parkingNumberOfOccupiedSpaces>', 'parkingNumberOfVacantSpaces "-3" is not a whole number ≥ 0'],
    ['a count that is no number', '<parkingNumberOfOccupiedSpaces>n/a</parkingNumberOfOccupiedSpaces><parkingNumberOfVacantSpaces>5</parkingNumberOfVacantSpaces>', 'parkingNumberOfOccupiedSpaces "n/a" is not a whole number ≥ 0'],
    ['a negative capacity', '<parkingNumberOfSpacesOverride>-1</parkingNumberOfSpacesOverride><parkingNumberOfVacantSpaces>5</parkingNumberOfVacantSpaces>', 'parkingNumberOfSpacesOverride "-1" is not a whole number ≥ 0'],
    ['a negative percentage', '<parkingOccupancy>-5</parkingOccupancy><parkingNumberOfVacantSpaces>5</parkingNumberOfVacantSpaces>', 'parkingOccupancy "-5" is not a number ≥ 0'],
  ])('%s refuses every count of the record (no mix of new and stale counts), not its status words', (_name, occupancy, why) => {
    const r = status(occupancy);
    expect(r).toMatchObject({ kind: 'parkingStatus', siteId: 'R1', vacant: undefined, occupied: undefined, capacity: undefined, occupancyPercent: undefined, status: ['full'] });
    expect((r as { countsRefused: { reason: string } }).countsRefused.reason).toContain(why);
  });

  it('a status without a reference id is refused', () => {
    expect(v2('ParkingStatusPublication', '<parkingRecordStatus><parkingRecordReference version="1"/><parkingOccupancy><parkingNumberOfVacantSpaces>3</parkingNumberOfVacantSpaces></parkingOccupancy></parkingRecordStatus>'))
      .toMatchObject([{ kind: 'refused', reason: 'parkingRecordStatus without a parkingRecordReference id: its status belongs to no car park' }]);
  });

  it('an MDM facility status whose count is negative keeps none of its counts', () => {
    const [r] = v2('GenericPublication', '<genericPublicationExtension><parkingFacilityTableStatusPublication><parkingFacilityStatus>'
      + '<parkingFacilityReference id="F1"/><parkingFacilityStatus>open</parkingFacilityStatus><parkingFacilityOccupancy>0.5</parkingFacilityOccupancy>'
      + '<totalNumberOfVacantParkingSpaces>-2</totalNumberOfVacantParkingSpaces><totalParkingCapacityOverride>40</totalParkingCapacityOverride>'
      + '</parkingFacilityStatus></parkingFacilityTableStatusPublication></genericPublicationExtension>');
    expect(r).toMatchObject({ siteId: 'F1', vacant: undefined, capacity: undefined, occupancyPercent: undefined, status: ['open'] });
    expect((r as { countsRefused: { reason: string } }).countsRefused.reason).toContain('totalNumberOfVacantParkingSpaces "-2"');
  });
});
