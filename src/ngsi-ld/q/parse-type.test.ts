import { NgsiError } from '../errors';
import type { TypeExpr } from './ast';
import { matchType } from './match';
import { parseTypeExpr } from './parse-type';
import { typeToSql } from './type-to-sql';

const t = (name: string): TypeExpr => ({ kind: 'type', name });
const expand = (term: string): string => (term.includes(':') ? term : `https://x.org/${term}`);

const valid: Array<[string, TypeExpr]> = [
  ['A', t('A')],
  ['A,B', { kind: 'or', items: [t('A'), t('B')] }],
  ['A|B', { kind: 'or', items: [t('A'), t('B')] }],
  ['A,B|C', { kind: 'or', items: [t('A'), t('B'), t('C')] }],
  ['A;B', { kind: 'and', items: [t('A'), t('B')] }],
  ['A;B|C', { kind: 'or', items: [{ kind: 'and', items: [t('A'), t('B')] }, t('C')] }],
  ['A|B;C', { kind: 'or', items: [t('A'), { kind: 'and', items: [t('B'), t('C')] }] }],
  ['(A|B);C', { kind: 'and', items: [{ kind: 'or', items: [t('A'), t('B')] }, t('C')] }],
  ['((A))', t('A')],
  [' A , B ', { kind: 'or', items: [t('A'), t('B')] }],
  ['ex:Parking', t('ex:Parking')],
  ['https://smartdatamodels.org/dataModel.Parking/OffStreetParking', t('https://smartdatamodels.org/dataModel.Parking/OffStreetParking')],
];

describe('parseTypeExpr: valid', () => {
  test.each(valid)('%s', (src, expected) => expect(parseTypeExpr(src)).toEqual(expected));
});

const invalid: Array<[string, RegExp, string]> = [
  ['', /empty/, 'BadRequestData'],
  ['A,', /expected a type name/, 'BadRequestData'],
  [',A', /expected a type name/, 'BadRequestData'],
  ['A;;B', /expected a type name/, 'BadRequestData'],
  ['(A', /expected '\)' closing/, 'BadRequestData'],
  ['A)', /unbalanced/, 'BadRequestData'],
  ['A B', /position 3: expected/, 'BadRequestData'],
  ['A"B', /character '"'/, 'BadRequestData'],
  ['A=B', /character '='/, 'BadRequestData'],
  ['X'.repeat(5000), /too complex/, 'TooComplexQuery'],
  ['('.repeat(20) + 'A' + ')'.repeat(20), /nested/, 'TooComplexQuery'],
  [Array.from({ length: 70 }, (_, i) => `T${i}`).join(','), /type names/, 'TooComplexQuery'],
];

describe('parseTypeExpr: invalid', () => {
  test.each(invalid)('%s', (src, message, name) => {
    let err: unknown;
    try {
      parseTypeExpr(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NgsiError);
    expect((err as NgsiError).errorName).toBe(name);
    expect((err as NgsiError).message).toMatch(message);
  });
});

const sql: Array<[string, string, unknown[]]> = [
  ['A', 'e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type = ?)', ['https://x.org/A']],
  ['A,B|A', 'e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type IN (?, ?))', ['https://x.org/A', 'https://x.org/B']],
  [
    'A;B',
    '(e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type = ?) AND e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type = ?))',
    ['https://x.org/A', 'https://x.org/B'],
  ],
  [
    'A|B;C|D',
    '(e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type IN (?, ?)) OR (e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type = ?) AND e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type = ?)))',
    ['https://x.org/A', 'https://x.org/D', 'https://x.org/B', 'https://x.org/C'],
  ],
];

describe('typeToSql', () => {
  test.each(sql)('%s', (src, expectedSql, params) => {
    expect(typeToSql(parseTypeExpr(src), expand)).toEqual({ sql: expectedSql, params });
  });
  test('alias', () => {
    expect(typeToSql(t('A'), expand, 'x').sql).toMatch(/^x\.rid IN/);
    expect(() => typeToSql(t('A'), expand, 'x; DROP')).toThrow(/alias/);
  });
});

const matching: Array<[string, string[], boolean]> = [
  ['A', ['https://x.org/A'], true],
  ['A', ['https://x.org/B'], false],
  ['A,B', ['https://x.org/B'], true],
  ['A;B', ['https://x.org/A'], false],
  ['A;B', ['https://x.org/A', 'https://x.org/B'], true],
  ['(A|B);C', ['https://x.org/B', 'https://x.org/C'], true],
  ['(A|B);C', ['https://x.org/C'], false],
  ['ex:A', ['ex:A'], true],
];

describe('matchType', () => {
  test.each(matching)('%s on %j → %s', (src, types, expected) => {
    expect(matchType(parseTypeExpr(src), types, expand)).toBe(expected);
  });
});
