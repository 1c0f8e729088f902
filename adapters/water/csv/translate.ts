/**
 * Daily meter index export (CSV) → WaterConsumptionObserved, one entity instance per line (pure).
 *
 * Format: `meterId;timestamp;index_m3`, optional header line (first field `meterId`), `;` separator,
 * fields optionally in double quotes (RFC 4180: a quote inside is doubled, `;` allowed; a line break
 * is not, no field can hold one), UTF-8 with or without BOM, LF, CRLF or CR (old Mac exports), blank
 * lines skipped. timestamp: ISO 8601 with a zone
 * (`Z` or `±hh:mm`), or without one when the territory has a `timeZone` (a local time of that zone,
 * `T` or a space between date and time); index: m³, decimal point `.` or `,`, ≥ 0. The index is
 * written in litres (`waterConsumption`, unitCode LTR, rounded to the litre, as the SDM model wants
 * an integer).
 *
 * Rejected (FeedError('translate', 'line N: …', 422), the whole file, nothing written):
 * a malformed line; the same meter and timestamp twice; a meter's timestamps not strictly increasing
 * in file order.
 *
 * Written: each meter's latest line (its earlier days in the file are checked, then superseded: the
 * broker holds one current index, and a re-sent file then changes nothing and leaves no out-of-order
 * dead letter), plus any line dated more than MAX_CLOCK_LEAD_MS after the file arrived, which the
 * runtime refuses on its own as a wrong clock without holding the meter's true latest line back.
 */
import { FeedError, type AdapterEnv, type IngestMessage, type Translation } from '../../../src/ingest/types';
import type { Entity } from '../../../src/ngsi-ld/types';
import { CONTEXT, property, urn } from '../ngsi';
import { MAX_CLOCK_LEAD_MS } from '../../../src/ingest/observations';
import { isoTime } from '../payload';

const METER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NUMBER = /^\d+([.,]\d+)?$/;
const MAX_LINES = 200000;

export interface IndexRow {
  line: number;
  meterId: string;
  time: string;
  litres: number;
}

function bad(line: number, reason: string): never {
  throw new FeedError('translate', `line ${line}: ${reason}`, 422);
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * The `;`-separated fields of a line, trimmed; a field may be in double quotes (RFC 4180), a quote
 * inside doubled. An unclosed quote or text after a closing one → FeedError('translate', 'line N: …', 422).
 * @example splitFields('"CSV-8";"2026-11-21T00:00:00Z";"12,5"', 2) // ['CSV-8', '2026-11-21T00:00:00Z', '12,5']
 */
export function splitFields(text: string, line: number): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let j = i;
    while (isBlank(text[j])) j++;
    let end: number;
    if (text[j] === '"') {
      let value = '';
      let k = j + 1;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q < 0) bad(line, `the quoted field ${cells.length + 1} is not closed`);
        value += text.slice(k, q);
        k = q + 1;
        if (text[k] !== '"') break;
        value += '"';
        k++;
      }
      while (isBlank(text[k])) k++;
      if (k < text.length && text[k] !== ';') bad(line, `text after the closing quote of field ${cells.length + 1}`);
      cells.push(value.trim());
      end = k;
    } else {
      const semi = text.indexOf(';', i);
      end = semi < 0 ? text.length : semi;
      cells.push(text.slice(i, end).trim());
    }
    if (end >= text.length) return cells;
    i = end + 1;
  }
}

/** Parses one data line (1-based `line` for messages); `zone`: the territory's time zone, if any. */
export function parseIndexLine(text: string, line: number, zone?: string): IndexRow {
  return rowOf(splitFields(text, line), line, zone);
}

function rowOf(cells: string[], line: number, zone?: string): IndexRow {
  if (cells.length !== 3) bad(line, `expected 3 fields 'meterId;timestamp;index_m3', got ${cells.length}`);
  const [meterId, ts, index] = cells;
  if (!METER_ID.test(meterId)) bad(line, `meterId '${meterId.slice(0, 40)}' must be 1-64 letters, digits, '.', '_' or '-'`);
  const time = isoTime(ts, () => bad(line, `timestamp '${ts.slice(0, 40)}' is not an ISO 8601 date-time with a time zone${zone ? ` or a local one of ${zone}` : ''}`), zone);
  if (!NUMBER.test(index)) bad(line, `index_m3 '${index.slice(0, 40)}' is not a non-negative decimal number`);
  const litres = Math.round(Number(index.replace(',', '.')) * 1000);
  if (!Number.isSafeInteger(litres)) bad(line, `index_m3 '${index.slice(0, 40)}' is too large`);
  return { line, meterId, time, litres };
}

/** All rows of a file, checked for duplicates and per-meter order. */
export function parseIndexCsv(body: string, zone?: string): IndexRow[] {
  const lines = body.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.length > MAX_LINES) throw new FeedError('translate', `too many lines (${lines.length} > ${MAX_LINES})`, 413);
  const rows: IndexRow[] = [];
  const last = new Map<string, IndexRow>();
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const cells = splitFields(text, i + 1);
    if (i === 0 && cells.length > 1 && cells[0].toLowerCase() === 'meterid') return; // the header
    const row = rowOf(cells, i + 1, zone);
    const prev = last.get(row.meterId);
    if (prev && prev.time === row.time) bad(row.line, `duplicate reading of meter ${row.meterId} at ${row.time} (first at line ${prev.line})`);
    if (prev && prev.time > row.time) bad(row.line, `reading of meter ${row.meterId} at ${row.time} is before the one at line ${prev.line} (${prev.time}); sort by time`);
    last.set(row.meterId, row);
    rows.push(row);
  });
  return rows;
}

/**
 * The rows to write: each meter's latest row not after `limit` (epoch ms), and the rows after it (a
 * wrong clock, each refused by the runtime), in file order.
 */
export function rowsToWrite(rows: IndexRow[], limit: number): IndexRow[] {
  const latest = new Map<string, IndexRow>();
  const ahead: IndexRow[] = [];
  for (const r of rows) {
    if (Date.parse(r.time) > limit) ahead.push(r);
    else latest.set(r.meterId, r); // a meter's rows increase: the last one is its latest
  }
  return [...latest.values(), ...ahead].sort((a, b) => a.line - b.line);
}

/**
 * @example
 * translateIndexCsv({ body: 'meterId;timestamp;index_m3\nW1-0001;2026-09-01T00:00:00Z;5.802\nW1-0001;2026-09-02T00:00:00Z;5.938\n', … }, env)
 * // → one WaterConsumptionObserved urn:ngsi-ld:WaterConsumptionObserved:<territory>:W1-0001, waterConsumption 5938 LTR (the latest line)
 */
export function translateIndexCsv(message: IngestMessage, env: AdapterEnv): Translation {
  const rows = parseIndexCsv(message.body, env.timeZone);
  const context = [CONTEXT.waterConsumption];
  if (rows.length === 0) return { entities: [], context, ignored: 'no readings' };
  const entities = rowsToWrite(rows, Date.parse(message.receivedAt) + MAX_CLOCK_LEAD_MS).map(
    (r): Entity => ({
      id: urn('WaterConsumptionObserved', env.territory, r.meterId),
      type: 'WaterConsumptionObserved',
      waterConsumption: property(r.litres, { unitCode: 'LTR', observedAt: r.time }),
    }),
  );
  return { entities, context, mode: 'merge' };
}
