import Database from 'better-sqlite3';
import { compileRegex } from './regex';
import { registerQFunctions } from './sql-functions';

const db = new Database(':memory:');
registerQFunctions(db);
const regexp = db.prepare('SELECT regexp(?, ?) AS m');
const canon = db.prepare('SELECT q_canon(?) AS v');

const cases: Array<[unknown, unknown, number]> = [
  ['^urn:ngsi-ld:Road:', 'urn:ngsi-ld:Road:1', 1],
  ['^urn:ngsi-ld:Road:', 'urn:ngsi-ld:Street:1', 0],
  ['(?i)^park', 'Parking', 1],
  ['^park', 'Parking', 0],
  ['a|b', 'xbx', 1],
  ['(', 'anything', 0],
  ['x', null, 0],
  ['1', 1, 0],
];

describe('regexp()', () => {
  test.each(cases)('%j ~ %j', (pattern, value, expected) => {
    expect((regexp.get(pattern, value) as { m: number }).m).toBe(expected);
  });
  test('backs the REGEXP operator', () => {
    expect(db.prepare("SELECT 'abc' REGEXP '^a' AS m").get()).toEqual({ m: 1 });
  });
  test('compiled patterns are cached, invalid ones cached as null', () => {
    expect(compileRegex('^x')).toBe(compileRegex('^x'));
    expect(compileRegex('[')).toBeNull();
  });
});

describe('q_canon()', () => {
  test.each([
    ['2024-01-01T12:00:00+02:00', '2024-01-01T10:00:00.000Z'],
    ['text', 'text'],
    [5, 5],
    [null, null],
  ])('%j', (v, expected) => expect((canon.get(v) as { v: unknown }).v).toBe(expected));
});

describe('q_times()', () => {
  const times = db.prepare('SELECT q_times(?, ?) AS v');
  const A = 'https://x/a';
  const B = 'https://x/b';
  const instances = JSON.stringify([
    { type: 'Property', value: 1, observedAt: '2024-01-01T12:00:00+02:00', [B]: [{ type: 'Property', value: 2, observedAt: '2024-02-01T00:00:00Z' }] },
    { type: 'Property', value: 3, datasetId: 'urn:ds:1', observedAt: '2023-01-01T00:00:00Z' },
    { type: 'Property', value: 4 },
  ]);
  test.each([
    [instances, `${A} observedAt`, '["2024-01-01T10:00:00.000Z","2023-01-01T00:00:00.000Z"]'],
    [instances, `${A} ${B} observedAt`, '["2024-02-01T00:00:00.000Z"]'],
    [JSON.stringify([{ type: 'Property', value: 4 }]), `${A} observedAt`, null],
    [null, `${A} observedAt`, null],
    ['{"not":"an array"}', `${A} observedAt`, null],
    [instances, 'no separator', null],
  ])('%s at %s', (json, path, expected) => expect((times.get(json, path) as { v: unknown }).v).toBe(expected));
});
