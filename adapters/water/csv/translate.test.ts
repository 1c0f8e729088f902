import { FeedError } from '../../../src/ingest/types';
import { parseIndexCsv, parseIndexLine } from './translate';

test.each([
  ['W1;2026-09-01T00:00:00Z;5.938', { meterId: 'W1', time: '2026-09-01T00:00:00.000Z', litres: 5938 }],
  [' W1 ; 2026-09-01T02:00:00+02:00 ; 1234,5 ', { meterId: 'W1', time: '2026-09-01T00:00:00.000Z', litres: 1234500 }],
  ['W1;2026-09-01T00:00Z;0', { meterId: 'W1', time: '2026-09-01T00:00:00.000Z', litres: 0 }],
  ['W1;2026-09-01T00:00:00.5Z;0.0004', { meterId: 'W1', time: '2026-09-01T00:00:00.500Z', litres: 0 }],
])('%s', (line, row) => {
  expect(parseIndexLine(line, 7)).toEqual({ line: 7, ...row });
});

test.each([
  ['W1;2026-09-01T00:00:00Z', /line 7: expected 3 fields/],
  ['W1;2026-09-01T00:00:00Z;1;2', /line 7: expected 3 fields/],
  [';2026-09-01T00:00:00Z;1', /line 7: meterId '' must be/],
  ['W 1;2026-09-01T00:00:00Z;1', /line 7: meterId 'W 1'/],
  ['W1;2026-09-01;1', /line 7: timestamp '2026-09-01' is not/],
  ['W1;2026-02-30T00:00:00Z;1', /line 7: timestamp/],
  ['W1;2026-09-01T00:00:00Z;1e3', /line 7: index_m3 '1e3'/],
  ['W1;2026-09-01T00:00:00Z;', /line 7: index_m3 ''/],
  ['W1;2026-09-01T00:00:00Z;99999999999999999', /line 7: index_m3 .* too large/],
])('%s is refused', (line, reason) => {
  expect(() => parseIndexLine(line, 7)).toThrow(FeedError);
  expect(() => parseIndexLine(line, 7)).toThrow(reason);
});

test('header, BOM, CRLF and blank lines', () => {
  const rows = parseIndexCsv('\uFEFFMeterId;Timestamp;Index_m3\r\n\r\nA;2026-09-01T00:00:00Z;1\r\nB;2026-09-01T00:00:00Z;2\r\nA;2026-09-02T00:00:00Z;3\r\n');
  expect(rows.map((r) => [r.line, r.meterId, r.litres])).toEqual([
    [3, 'A', 1000],
    [4, 'B', 2000],
    [5, 'A', 3000],
  ]);
});

test('a header after the first line is a bad line', () => {
  expect(() => parseIndexCsv('A;2026-09-01T00:00:00Z;1\nmeterId;timestamp;index_m3\n')).toThrow(/line 2: timestamp 'timestamp'/);
});

test('the same instant written with another offset is a duplicate', () => {
  expect(() => parseIndexCsv('A;2026-09-01T00:00:00Z;1\nA;2026-09-01T02:00:00+02:00;1\n')).toThrow(/line 2: duplicate reading of meter A/);
});
