import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTerritory } from '../../../src/ingest/device-registry';
import { FeedError } from '../../../src/ingest/types';
import { parseIndexCsv, parseIndexLine, splitFields, translateIndexCsv } from './translate';

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

describe('quoted fields (RFC 4180)', () => {
  test.each([
    ['"W1";"2026-09-01T00:00:00Z";"12,5"', ['W1', '2026-09-01T00:00:00Z', '12,5']],
    [' "W1" ; 2026-09-01T00:00:00Z ;"1"', ['W1', '2026-09-01T00:00:00Z', '1']],
    ['"a;b";"say ""x""";""', ['a;b', 'say "x"', '']],
    ['W1;;', ['W1', '', '']],
  ])('%s', (line, cells) => {
    expect(splitFields(line, 2)).toEqual(cells);
  });
  test.each([
    ['"W1;2026-09-01T00:00:00Z;1', /^line 2: the quoted field 1 is not closed$/],
    ['W1;"2026"-09-01;1', /^line 2: text after the closing quote of field 2$/],
  ])('%s is refused', (line, reason) => {
    expect(() => splitFields(line, 2)).toThrow(reason);
  });
  test('a file in quotes, header included', () => {
    const rows = parseIndexCsv('"meterId";"timestamp";"index_m3"\r\n"CSV-8";"2026-11-21T00:00:00Z";"12,5"\r\n');
    expect(rows).toEqual([{ line: 2, meterId: 'CSV-8', time: '2026-11-21T00:00:00.000Z', litres: 12500 }]);
  });
  test('a quoted field that is not a valid value is refused as such', () => {
    expect(() => parseIndexLine('"W 1";"2026-09-01T00:00:00Z";"1"', 3)).toThrow("line 3: meterId 'W 1' must be");
  });
});

describe('what is written', () => {
  const env = { devices: { get: () => undefined }, territory: 't' };
  const write = (body: string, receivedAt = '2026-09-04T00:00:00Z') =>
    translateIndexCsv({ query: {}, headers: {}, receivedAt, body }, env).entities.map((e) => [e.id, (e.waterConsumption as { observedAt: string }).observedAt]);
  const A = 'urn:ngsi-ld:WaterConsumptionObserved:t:A';
  const B = 'urn:ngsi-ld:WaterConsumptionObserved:t:B';
  const file = 'A;2026-09-01T00:00:00Z;1\nB;2026-09-01T00:00:00Z;5\nA;2026-09-02T00:00:00Z;2\nA;2026-09-03T00:00:00Z;3\n';

  test("each meter's latest line, in file order: a re-sent file writes the same instances, none older than the first sending's", () => {
    expect(write(file)).toEqual([
      [B, '2026-09-01T00:00:00.000Z'],
      [A, '2026-09-03T00:00:00.000Z'],
    ]);
  });
  test('a line dated after the file arrived (a wrong clock) is written too, for the runtime to refuse, and does not hide the latest true one', () => {
    expect(write(file, '2026-09-02T12:00:00Z')).toEqual([
      [B, '2026-09-01T00:00:00.000Z'],
      [A, '2026-09-02T00:00:00.000Z'],
      [A, '2026-09-03T00:00:00.000Z'],
    ]);
  });
});

test('header, BOM, CRLF and blank lines', () => {
  const rows = parseIndexCsv('\uFEFFMeterId;Timestamp;Index_m3\r\n\r\nA;2026-09-01T00:00:00Z;1\r\nB;2026-09-01T00:00:00Z;2\r\nA;2026-09-02T00:00:00Z;3\r\n');
  expect(rows.map((r) => [r.line, r.meterId, r.litres])).toEqual([
    [3, 'A', 1000],
    [4, 'B', 2000],
    [5, 'A', 3000],
  ]);
});

test('CR line ends (old Mac exports) are lines too, not one long header', () => {
  const rows = parseIndexCsv('meterId;timestamp;index_m3\rA;2026-09-01T00:00:00Z;1,5\rB;2026-09-01T00:00:00Z;2\r');
  expect(rows.map((r) => [r.line, r.meterId, r.litres])).toEqual([
    [2, 'A', 1500],
    [3, 'B', 2000],
  ]);
});

test('a header after the first line is a bad line', () => {
  expect(() => parseIndexCsv('A;2026-09-01T00:00:00Z;1\nmeterId;timestamp;index_m3\n')).toThrow(/line 2: timestamp 'timestamp'/);
});

test('the same instant written with another offset is a duplicate', () => {
  expect(() => parseIndexCsv('A;2026-09-01T00:00:00Z;1\nA;2026-09-01T02:00:00+02:00;1\n')).toThrow(/line 2: duplicate reading of meter A/);
});

describe('with the territory time zone', () => {
  test('timestamps without a zone are local times of it, across the change to summer time', () => {
    const rows = parseIndexCsv('A;2026-03-28 00:00;1\nA;2026-03-29T00:00:00;2\nA;2026-03-30 00:00:00;3\nB;2026-03-30T00:00:00Z;4\n', 'Europe/Paris');
    expect(rows.map((r) => r.time)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T00:00:00.000Z']);
  });
  test('without one they are refused, with the reason', () => {
    expect(() => parseIndexLine('A;2026-03-28 00:00;1', 2)).toThrow(/line 2: timestamp '2026-03-28 00:00' is not an ISO 8601 date-time with a time zone$/);
    expect(() => parseIndexLine('A;2026-02-30 00:00;1', 2, 'Europe/Paris')).toThrow(/with a time zone or a local one of Europe\/Paris/);
  });
  test('a territory file with a timeZone: the file upload reads its local times', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-territory-'));
    try {
      const file = path.join(dir, 'territory.json');
      fs.writeFileSync(file, JSON.stringify({ territory: 'val', timeZone: 'Europe/Paris', devices: [] }));
      const t = loadTerritory(file);
      const env = { devices: t.devices, territory: t.territory, timeZone: t.timeZone };
      const out = translateIndexCsv({ query: {}, headers: {}, receivedAt: '2026-09-03T00:00:00Z', body: 'meterId;timestamp;index_m3\nW1;2026-09-02 00:00;5.938\n' }, env);
      expect(out.entities[0]).toMatchObject({ id: 'urn:ngsi-ld:WaterConsumptionObserved:val:W1', waterConsumption: { value: 5938, observedAt: '2026-09-01T22:00:00.000Z' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
