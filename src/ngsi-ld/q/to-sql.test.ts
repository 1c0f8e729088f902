import { parseQ } from './parse-q';
import { qToSql } from './to-sql';

const expand = (term: string): string => (term.includes(':') ? term : `https://x.org/${term}`);
const A = 'https://x.org/a';
const SUB = 'e.rid IN (SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?)';
const NOT_SUB = 'e.rid NOT IN (SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?)';
const JSON_SUB = "e.rid IN (SELECT ai.rid FROM attr_index ai, json_each(ai.json, ?) je WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?) AND ai.num IS NULL AND ai.kind = 'j' AND json_type(ai.json, ?) <> 'object'";
/** On an observedAt path: the values read from the document. */
const TIMES = (not = '') => `${not}EXISTS (SELECT 1 FROM json_each(q_times(json_extract(e.doc, ?), ?)) je WHERE`;
const AJ = `$.attrs."${A}"`;
/** A date or date-time compares with stored dates and date-times only (values.ts formOf). */
const DATED = (expr: string) => ` AND (${expr} GLOB ? OR ${expr} GLOB ?)`;
const DATED_GLOBS = ['[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]', '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'];
/** Existence: the path's rows in both partial indexes. */
const EXISTS = (not = '') =>
  `e.rid ${not}IN (SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?) AND ai.num IS NULL UNION ALL SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?) AND ai.num IS NOT NULL)`;

const cases: Array<[string, string, unknown[]]> = [
  ['a', EXISTS(), [A, A]],
  ['!a', EXISTS('NOT '), [A, A]],
  ['a>5', `${SUB} AND ai.kind = 'n' AND ai.num > ?)`, [A, 5]],
  ['a=="x"', `${SUB} AND ai.num IS NULL AND ai.str = ?)`, [A, 'x']],
  ['a<2024-01-01T02:00:00+02:00', `${SUB} AND ai.num IS NULL AND ai.str < ?${DATED('ai.str')})`, [A, '2024-01-01T00:00:00.000Z', ...DATED_GLOBS]],
  ['a==true', `${SUB} AND ai.kind = 'b' AND ai.num = ?)`, [A, 1]],
  ['a!=1', `(${EXISTS()} AND ${NOT_SUB} AND ai.kind = 'n' AND ai.num = ?))`, [A, A, A, 1]],
  ['a==1..5', `${SUB} AND ai.kind = 'n' AND ai.num BETWEEN ? AND ?)`, [A, 1, 5]],
  ['a==1,2,"x"', `(${SUB} AND ai.kind = 'n' AND ai.num IN (?, ?)) OR ${SUB} AND ai.num IS NULL AND ai.str IN (?)))`, [A, 1, 2, A, 'x']],
  ['a~=^x', `${SUB} AND ai.num IS NULL AND ai.kind = 's' AND regexp(?, ai.str))`, [A, '^x']],
  ['a.observedAt>2024-01-01', `${TIMES()} je.type = 'text' AND q_canon(je.value) > ?${DATED('q_canon(je.value)')})`, [AJ, `${A} observedAt`, '2024-01-01', ...DATED_GLOBS]],
  ['a.observedAt', 'q_times(json_extract(e.doc, ?), ?) IS NOT NULL', [AJ, `${A} observedAt`]],
  ['!a.observedAt', 'q_times(json_extract(e.doc, ?), ?) IS NULL', [AJ, `${A} observedAt`]],
  [
    'a.observedAt!=2024-01-01',
    `(q_times(json_extract(e.doc, ?), ?) IS NOT NULL AND ${TIMES('NOT ')} je.type = 'text' AND q_canon(je.value) = ?${DATED('q_canon(je.value)')}))`,
    [AJ, `${A} observedAt`, AJ, `${A} observedAt`, '2024-01-01', ...DATED_GLOBS],
  ],
  ['a.b.observedAt~=^2024', `${TIMES()} je.type = 'text' AND regexp(?, q_canon(je.value)))`, [AJ, `${A} https://x.org/b observedAt`, '^2024']],
  ['a.observedAt[k]', '0', []],
  ['!a.observedAt[k]', '1', []],
  ['a.b', EXISTS(), [`${A} https://x.org/b`, `${A} https://x.org/b`]],
  ['a[k]', `${SUB} AND ai.num IS NULL AND ai.kind = 'j' AND json_type(ai.json, ?) IS NOT NULL)`, [A, '$."k"']],
  ['a[k][l]==1', `${JSON_SUB} AND je.type IN ('integer', 'real') AND je.value = ?)`, ['$."k"."l"', A, '$."k"."l"', 1]],
  ['a[k]=="x"', `${JSON_SUB} AND je.type = 'text' AND q_canon(je.value) = ?)`, ['$."k"', A, '$."k"', 'x']],
  ['a[k]==false', `${JSON_SUB} AND je.type IN ('true', 'false') AND (je.type = 'true') = ?)`, ['$."k"', A, '$."k"', 0]],
  ['a;b|c', `((${EXISTS()} AND ${EXISTS()}) OR ${EXISTS()})`, [A, A, 'https://x.org/b', 'https://x.org/b', 'https://x.org/c', 'https://x.org/c']],
];

describe('qToSql', () => {
  test.each(cases)('%s', (q, sql, params) => {
    const out = qToSql(parseQ(q), expand);
    expect(out).toEqual({ sql, params });
    expect(out.sql.split('?').length - 1).toBe(out.params.length);
  });

  test('alias', () => {
    expect(qToSql(parseQ('a'), expand, 'ent').sql).toBe(EXISTS().replace('e.rid', 'ent.rid'));
    expect(() => qToSql(parseQ('a'), expand, 'e)--')).toThrow(/alias/);
  });

  test('JSON member names that SQLite paths cannot hold are rejected', () => {
    const ast = { kind: 'exists' as const, attr: { path: ['a'], members: ['x"y'] }, negated: false };
    expect(() => qToSql(ast, expand)).toThrow(/JSON member/);
  });
});
