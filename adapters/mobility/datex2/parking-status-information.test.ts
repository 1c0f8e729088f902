import { parkingStatusInformation } from './parking-status-information';
import type { XmlNode } from './xml-tree';

const el = (name: string, attrs: Record<string, string> = {}, ...children: Array<XmlNode | string>): XmlNode => ({
  name,
  attrs,
  children: children.filter((c): c is XmlNode => typeof c !== 'string'),
  text: children.filter((c): c is string => typeof c === 'string').join(''),
});

const record = (type: string | undefined, ...children: XmlNode[]): XmlNode => el('parkingStatusInformation', type ? { type } : {}, ...children);
const occupancy = (...children: XmlNode[]) => el('occupancy', {}, ...children);

test('a PlaceStatus gives the car park status: counts, percent, words and time', () => {
  const r = parkingStatusInformation(
    record(
      'PlaceStatus',
      el('reference', { id: ' P1 ', version: '2' }),
      el('lastUpdated', {}, '2026-03-02T07:29:40+01:00'),
      el('openingStatus', {}, 'open'),
      occupancy(el('numberOfSpacesOverride', {}, '350'), el('numberOfVacantSpaces', {}, '126'), el('numberOfOccupiedSpaces', {}, '224'), el('occupancy', {}, '64')),
      el('status', {}, 'spacesAvailable'),
    ),
  );
  expect(r).toEqual({ kind: 'parkingStatus', siteId: 'P1', time: '2026-03-02T06:29:40Z', vacant: 126, occupied: 224, capacity: 350, occupancyPercent: 64, status: ['spacesAvailable', 'open'], spaces: [] });
});

test('an untyped record is read as a car park; missing values are no data, a percentage above 100 is kept (over capacity)', () => {
  const r = parkingStatusInformation(record(undefined, el('reference', { id: 'P2' }), occupancy(el('numberOfOccupiedSpaces', {}, '461'), el('occupancy', {}, '102.4'))));
  expect(r).toEqual({ kind: 'parkingStatus', siteId: 'P2', time: undefined, vacant: undefined, occupied: 461, capacity: undefined, occupancyPercent: 102.4, status: [], spaces: [] });
});

test('a count that is not one (negative, fractional) refuses all the counts of the record, not its status words', () => {
  const r = parkingStatusInformation(record(undefined, el('reference', { id: 'P2' }), el('status', {}, 'full'),
    occupancy(el('numberOfVacantSpaces', {}, '-1'), el('numberOfOccupiedSpaces', {}, '2.5'), el('occupancy', {}, '40'))));
  expect(r).toMatchObject({ kind: 'parkingStatus', siteId: 'P2', vacant: undefined, occupied: undefined, capacity: undefined, occupancyPercent: undefined, status: ['full'] });
  expect(r).toHaveProperty('countsRefused.reason',
    'parking status of P2: numberOfVacantSpaces "-1" is not a whole number ≥ 0; numberOfOccupiedSpaces "2.5" is not a whole number ≥ 0: '
    + 'none of its counts (available, occupied, total spots, occupancy) is written, only its status words and spaces');
  expect(r).toHaveProperty('countsRefused.payload', expect.stringContaining('<numberOfVacantSpaces>-1</numberOfVacantSpaces>'));
});

test.each(['AccessStatus', 'CampusStatus', 'SpaceStatus'])('%s: not a car park, skipped', (type) => {
  expect(parkingStatusInformation(record(type, el('reference', { id: 'X' }), occupancy(el('numberOfVacantSpaces', {}, '3'))))).toBeUndefined();
});

test('a record without a reference id is refused', () => {
  const reason = 'parkingStatusInformation without a reference id: its status belongs to no car park';
  expect(parkingStatusInformation(record('PlaceStatus', el('reference', { id: ' ' }), el('status', {}, 'full')))).toMatchObject({ kind: 'refused', reason });
  expect(parkingStatusInformation(record('PlaceStatus', el('status', {}, 'full')))).toEqual({
    kind: 'refused', reason, payload: '<parkingStatusInformation type="PlaceStatus"><status>full</status></parkingStatusInformation>',
  });
});
