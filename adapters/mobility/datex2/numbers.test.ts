/** Numbers are read in their XML Schema lexical forms only, never in JavaScript-only forms (`0x10`, `0b101`). */
import { handle } from '../test-support.fixture';
import { toNumber } from './xml-tree';

describe('toNumber: XML Schema lexical forms', () => {
  it.each([
    ['12', true, 12], ['+7', true, 7], ['-0', true, 0], ['.5', true, 0.5], ['12.', true, 12], [' 3.25 ', true, 3.25],
    ['1.5e2', true, 150], ['1.5E-1', true, 0.15], ['1.5e2', false, undefined], ['1e400', true, undefined],
    ['0x10', true, undefined], ['0b101', true, undefined], ['0o17', true, undefined], ['1_000', true, undefined],
    ['Infinity', true, undefined], ['INF', true, undefined], ['NaN', true, undefined], ['n/a', true, undefined], ['   ', true, undefined], ['.', true, undefined],
  ])('%j (exponent %s) → %s', (text, exponent, expected) => {
    expect(toNumber(text, exponent)).toBe(expected);
  });
});

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const flow = (index: number, rate: string) => `<measuredValue index="${index}"><measuredValue><basicData xsi:type="TrafficFlow"><vehicleFlow><vehicleFlowRate>${rate}</vehicleFlowRate></vehicleFlow></basicData></measuredValue></measuredValue>`;
const speed = (index: number, kmh: string) => `<measuredValue index="${index}"><measuredValue><basicData xsi:type="TrafficSpeed"><averageVehicleSpeed><speed>${kmh}</speed></averageVehicleSpeed></basicData></measuredValue></measuredValue>`;

describe('traffic values that are not XML Schema numbers are no data', () => {
  it('keeps decimal flows and float speeds, drops 0b/0o/0x, 1_000, Infinity and exponents in flows', () => {
    const values = [flow(1, '0b101'), flow(2, '0o17'), flow(3, '0x10'), flow(4, '1_000'), flow(5, '1e2'), flow(6, '+7'), speed(7, '0x50'), speed(8, '8.5e1')];
    const xml = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><siteMeasurements><measurementSiteReference id="S"/>`
      + `<measurementTimeDefault>2025-01-01T00:00:00Z</measurementTimeDefault>${values.join('')}</siteMeasurements></payloadPublication></d2LogicalModel>`;
    const t = handle(xml);
    expect(t.entities.map((e) => [e.id.split(':').pop(), ((e.intensity ?? e.averageVehicleSpeed) as { value: number }).value])).toEqual([['6', 7], ['8', 85]]);
  });
});

describe('a traffic occupancy above 100 % is a detector fault: no data', () => {
  it('keeps 100 and drops 104, beside the index\'s other values', () => {
    const occ = (index: number, pct: string, extra = '') => `<measuredValue index="${index}"><measuredValue><basicData xsi:type="TrafficConcentration"><occupancy><percentage>${pct}</percentage></occupancy></basicData></measuredValue></measuredValue>${extra}`;
    const xml = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><siteMeasurements><measurementSiteReference id="S"/>`
      + `<measurementTimeDefault>2025-01-01T00:00:00Z</measurementTimeDefault>${occ(1, '100')}${occ(2, '104')}${occ(3, '1.04e2')}</siteMeasurements></payloadPublication></d2LogicalModel>`;
    const t = handle(xml);
    expect(t.entities.map((e) => [e.id.split(':').pop(), (e.occupancy as { value: number }).value])).toEqual([['1', 1]]);
    expect(t.refused).toBeUndefined();
  });
});

describe('parking counts that are not XML Schema numbers refuse the counts', () => {
  it('refuses hexadecimal and binary counts and percentages (0x15, 0b10101001, 0x58)', () => {
    const xml = '<d2:payload xmlns:d2="http://datex2.eu/schema/3/d2Payload" xmlns:prk="http://datex2.eu/schema/3/parking" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="prk:ParkingStatusPublication">'
      + '<prk:parkingRecordStatus><prk:parkingRecordReference id="P1"/><prk:parkingOccupancy><prk:parkingNumberOfVacantSpaces>0x15</prk:parkingNumberOfVacantSpaces>'
      + '<prk:parkingNumberOfOccupiedSpaces>0b10101001</prk:parkingNumberOfOccupiedSpaces><prk:parkingOccupancy>0x58</prk:parkingOccupancy></prk:parkingOccupancy>'
      + '<prk:parkingSiteStatus>almostFull</prk:parkingSiteStatus></prk:parkingRecordStatus></d2:payload>';
    const t = handle(xml);
    expect(t.entities).toHaveLength(1);
    expect(t.entities[0]).not.toHaveProperty('availableSpotNumber');
    expect(t.entities[0]).not.toHaveProperty('occupancy');
    expect(t.refused).toHaveLength(1);
    expect(t.refused?.[0].reason).toContain('parkingNumberOfVacantSpaces "0x15" is not a whole number ≥ 0');
    expect(t.refused?.[0].reason).toContain('parkingOccupancy "0x58" is not a number ≥ 0');
  });
});
