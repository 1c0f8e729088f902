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
