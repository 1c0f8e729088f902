/** DATEX II records → SDM entities (pure). */
import { contextFor, localId, parkingLocalId, PARKING_CONTEXT, refusalOf, translateRecord, TRANSPORTATION_CONTEXT, type TranslateOptions } from './translate';
import type { Datex2Record, Publication } from './types';

const OPTS: TranslateOptions = { territory: 'demo', receivedAt: '2030-01-01T00:00:00Z' };
const pub = (type: Publication['type'], publicationTime?: string): Publication => ({ type, version: 2, publicationTime });
const run = (type: Publication['type'], record: Datex2Record, publicationTime?: string) => translateRecord({ publication: pub(type, publicationTime), record }, OPTS);

describe('ids', () => {
  it.each([
    ['PZH01_MST_0629_00', 'PZH01_MST_0629_00'],
    ['RWS01_MONIBAS_0271hrl0063ra', 'RWS01_MONIBAS_0271hrl0063ra'],
    ['TRUCK:1', 'TRUCK:1'],
    ['P+R Bondorf', 'P%2BR%20Bondorf'],
    ['a/b#c?(d)', 'a%2Fb%23c%3F%28d%29'],
    ['Gare Saint-Jean é', 'Gare%20Saint-Jean%20%C3%A9'],
  ])('localId(%s) = %s', (raw, id) => expect(localId(raw)).toBe(id));

  it.each([
    ['1035[P+R Bondorf]', '1035'],
    ['1035 [P+R Bondorf]', '1035'],
    ['1035', '1035'],
    ['[only]', '%5Bonly%5D'],
  ])('parkingLocalId(%s) = %s', (raw, id) => expect(parkingLocalId(raw)).toBe(id));
});

describe('traffic', () => {
  const table: Datex2Record = {
    kind: 'measurementSite', id: 'S1', name: 'N457', geometry: { type: 'Point', coordinates: [4.6, 52] },
    characteristics: [{ index: 3, lane: 'lane2', valueType: 'trafficFlow', vehicleTypes: ['anyVehicle'], period: 60, lengths: [] }],
  };
  const data: Datex2Record = { kind: 'siteMeasurements', siteId: 'S1', time: '2025-01-01T00:00:00Z', values: [{ index: 3, flow: 240 }, { index: 4 }] };

  it('site table and measured data land on the same entity with disjoint attributes (merge)', () => {
    const [stat] = run('MeasurementSiteTable', table);
    const [dyn] = run('MeasuredData', data);
    expect(stat.id).toBe('urn:ngsi-ld:TrafficFlowObserved:demo:S1:3');
    expect(dyn.id).toBe(stat.id);
    const shared = Object.keys(stat).filter((k) => k in dyn);
    expect(shared).toEqual(['id', 'type']);
    expect(stat).toMatchObject({ laneId: { value: 2 }, location: { type: 'GeoProperty' }, name: { value: 'N457' } });
    expect(stat.vehicleType).toBeUndefined(); // anyVehicle is not an SDM vehicleType
  });

  it('indices without data give no entity', () => {
    expect(run('MeasuredData', data).map((e) => e.id)).toEqual(['urn:ngsi-ld:TrafficFlowObserved:demo:S1:3']);
  });

  it('observation time: value time, else site time, else publication time, else arrival', () => {
    const rec = (time?: string, valueTime?: string): Datex2Record => ({ kind: 'siteMeasurements', siteId: 'S', time, values: [{ index: 1, speed: 50, time: valueTime }] });
    const at = (r: Datex2Record, p?: string) => (run('MeasuredData', r, p)[0].averageVehicleSpeed as { observedAt: string }).observedAt;
    expect(at(rec('2025-01-01T00:01:00Z', '2025-01-01T00:00:30Z'), '2025-01-01T00:02:00Z')).toBe('2025-01-01T00:00:30Z');
    expect(at(rec('2025-01-01T00:01:00Z'), '2025-01-01T00:02:00Z')).toBe('2025-01-01T00:01:00Z');
    expect(at(rec(), '2025-01-01T00:02:00Z')).toBe('2025-01-01T00:02:00Z');
    expect(at(rec())).toBe(OPTS.receivedAt);
  });

  it('speed carries unitCode KMH and dateObserved is a DateTime', () => {
    const [e] = run('MeasuredData', { kind: 'siteMeasurements', siteId: 'S', time: '2025-01-01T00:00:00Z', values: [{ index: 1, speed: 87.5 }] });
    expect(e.averageVehicleSpeed).toEqual({ type: 'Property', value: 87.5, unitCode: 'KMH', observedAt: '2025-01-01T00:00:00Z' });
    expect(e.dateObserved).toEqual({ type: 'Property', value: '2025-01-01T00:00:00Z' });
  });
});

describe('parking', () => {
  const status = (over: Partial<Extract<Datex2Record, { kind: 'parkingStatus' }>>): Datex2Record => ({ kind: 'parkingStatus', siteId: 'P', status: [], spaces: [], ...over });

  it.each([
    ['percent wins', { occupancyPercent: 40, vacant: 1, occupied: 1 }, 0.4],
    ['occupied / (occupied + vacant) without a capacity', { vacant: 30, occupied: 10 }, 0.25],
    ['capacity override and occupied', { capacity: 50, occupied: 5 }, 0.1],
    ['occupied / capacity, not occupied / (occupied + vacant), when the record gives its capacity', { capacity: 24, vacant: 14, occupied: 6 }, 0.25],
    ['capacity and vacant', { capacity: 40, vacant: 30 }, 0.25],
    ['more vehicles than the capacity: full', { capacity: 450, vacant: 0, occupied: 461 }, 1],
    ['a percentage above 100: full', { occupancyPercent: 102.4 }, 1],
    ['nothing usable', { capacity: 0 }, undefined],
  ])('occupancy: %s', (_n, over, occupancy) => {
    const [site] = run('ParkingStatus', status(over), '2025-01-01T00:00:00Z');
    expect((site?.occupancy as { value: number } | undefined)?.value).toBe(occupancy);
  });

  it('status keeps SDM values only, once', () => {
    const [site] = run('ParkingStatus', status({ vacant: 1, status: ['full', 'unknown', 'open', 'full', 'noParkingInformationAvailable'] }));
    expect((site.status as { value: string[] }).value).toEqual(['full', 'open']);
  });

  it('a status without site data yields only its spaces, with their status only (the table says where they belong)', () => {
    const out = run('ParkingStatus', status({ spaces: [{ id: '7', state: 'occupied' }, { id: '8', state: 'free', time: '2024-12-31T23:59:00Z' }] }), '2025-01-01T00:00:00Z');
    expect(out).toEqual([
      { id: 'urn:ngsi-ld:ParkingSpot:demo:P:7', type: 'ParkingSpot', status: { type: 'Property', value: 'occupied', observedAt: '2025-01-01T00:00:00Z' } },
      { id: 'urn:ngsi-ld:ParkingSpot:demo:P:8', type: 'ParkingSpot', status: { type: 'Property', value: 'free', observedAt: '2024-12-31T23:59:00Z' } },
    ]);
  });

  it('an on-street site gives its spaces only, on street, referring to the street (no OffStreetParking)', () => {
    const out = run('ParkingTable', { kind: 'parkingSite', id: 'RUE', name: 'Rue Haute', totalCapacity: 2, onStreet: true, spaces: [{ id: '1', geometry: { type: 'Point', coordinates: [4, 45] } }] });
    expect(out).toEqual([{
      id: 'urn:ngsi-ld:ParkingSpot:demo:RUE:1', type: 'ParkingSpot',
      category: { type: 'Property', value: ['onStreet'] },
      refParkingSite: { type: 'Relationship', object: 'urn:ngsi-ld:OnStreetParking:demo:RUE' },
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4, 45] } },
    }]);
    expect(run('ParkingTable', { kind: 'parkingSite', id: 'RUE', onStreet: true, spaces: [] })).toEqual([]);
  });

  it("an off-street site's spaces are off street and refer to it", () => {
    const [, spot] = run('ParkingTable', { kind: 'parkingSite', id: 'P', spaces: [{ id: '1' }] });
    expect(spot).toMatchObject({ category: { value: ['offStreet'] }, refParkingSite: { object: 'urn:ngsi-ld:OffStreetParking:demo:P' } });
  });

  it("a car park's description and a space's label are the SDM description and name", () => {
    const [site, spot] = run('ParkingTable', { kind: 'parkingSite', id: 'P', description: 'Souterrain', spaces: [{ id: '1', name: 'A-12' }] });
    expect(site.description).toEqual({ type: 'Property', value: 'Souterrain' });
    expect(spot.name).toEqual({ type: 'Property', value: 'A-12' });
  });

  it('a status whose counts are refused writes its status words and gives the refused part, with the car park id', () => {
    const rec = status({ status: ['full'], countsRefused: { reason: 'parking status of P: x', payload: '<parkingRecordStatus/>' } });
    expect(run('ParkingStatus', rec, '2025-01-01T00:00:00Z')).toEqual([{
      id: 'urn:ngsi-ld:OffStreetParking:demo:P', type: 'OffStreetParking', status: { type: 'Property', value: ['full'], observedAt: '2025-01-01T00:00:00Z' },
    }]);
    expect(refusalOf({ publication: pub('ParkingStatus'), record: rec }, OPTS)).toEqual({ reason: 'parking status of P: x', payload: '<parkingRecordStatus/>', entityId: 'urn:ngsi-ld:OffStreetParking:demo:P' });
    expect(refusalOf({ publication: pub('ParkingStatus'), record: status({ vacant: 1 }) }, OPTS)).toBeUndefined();
  });

  it('a table site with zero capacity has no totalSpotNumber (SDM minimum 1)', () => {
    const [site] = run('ParkingTable', { kind: 'parkingSite', id: 'P', totalCapacity: 0, spaces: [] });
    expect(site).toEqual({ id: 'urn:ngsi-ld:OffStreetParking:demo:P', type: 'OffStreetParking' });
  });
});

describe('refused records', () => {
  it('give no entity, and a refused part naming their publication', () => {
    const parsed = { publication: pub('MeasuredData'), record: { kind: 'refused', reason: 'siteMeasurements without a measurementSiteReference id', payload: '<siteMeasurements/>' } as const };
    expect(translateRecord(parsed, OPTS)).toEqual([]);
    expect(refusalOf(parsed, OPTS)).toEqual({ reason: 'MeasuredData publication: siteMeasurements without a measurementSiteReference id', payload: '<siteMeasurements/>' });
  });
});

describe('elaborated data', () => {
  const rec = (time?: string): Datex2Record => ({ kind: 'elaboratedData', locationId: 'L1', value: { flow: 900, time } });
  const at = (r: Datex2Record, publication: Publication) => (translateRecord({ publication, record: r }, OPTS)[0].intensity as { observedAt: string }).observedAt;

  it("observation time: the value's own, else the publication's timeDefault, else its publicationTime", () => {
    const withDefault: Publication = { ...pub('ElaboratedData', '2026-01-01T10:05:00Z'), timeDefault: '2026-01-01T10:00:00Z' };
    expect(at(rec('2026-01-01T09:59:00Z'), withDefault)).toBe('2026-01-01T09:59:00Z');
    expect(at(rec(), withDefault)).toBe('2026-01-01T10:00:00Z');
    expect(at(rec(), pub('ElaboratedData', '2026-01-01T10:05:00Z'))).toBe('2026-01-01T10:05:00Z');
  });
});

it('contextFor maps types to the SDM domain contexts', () => {
  expect(contextFor(['TrafficFlowObserved'])).toEqual([TRANSPORTATION_CONTEXT]);
  expect(contextFor(['OffStreetParking', 'ParkingSpot'])).toEqual([PARKING_CONTEXT]);
});
