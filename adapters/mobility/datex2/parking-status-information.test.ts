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

test('an untyped record is read as a car park; missing, negative or out-of-range values are no data', () => {
  const r = parkingStatusInformation(record(undefined, el('reference', { id: 'P2' }), occupancy(el('numberOfVacantSpaces', {}, '-1'), el('numberOfOccupiedSpaces', {}, '2.5'), el('occupancy', {}, '140'))));
  expect(r).toEqual({ kind: 'parkingStatus', siteId: 'P2', time: undefined, vacant: undefined, occupied: undefined, capacity: undefined, occupancyPercent: undefined, status: [], spaces: [] });
});

test.each(['AccessStatus', 'CampusStatus', 'SpaceStatus'])('%s: not a car park, skipped', (type) => {
  expect(parkingStatusInformation(record(type, el('reference', { id: 'X' }), occupancy(el('numberOfVacantSpaces', {}, '3'))))).toBeUndefined();
});

test('a record without a reference id is skipped', () => {
  expect(parkingStatusInformation(record('PlaceStatus', el('reference', { id: ' ' }), el('status', {}, 'full')))).toBeUndefined();
  expect(parkingStatusInformation(record('PlaceStatus', el('status', {}, 'full')))).toBeUndefined();
});
