/**
 * Daily meter index export (CSV) → WaterConsumptionObserved, one entity instance per line (pure).
 *
 * Format: `meterId;timestamp;index_m3`, optional header line (first field `meterId`), `;` separator,
 * UTF-8 with or without BOM, LF, CRLF or CR (old Mac exports), blank lines skipped. timestamp: ISO 8601 with a zone
 * (`Z` or `±hh:mm`), or without one when the territory has a `timeZone` (a local time of that zone,
 * `T` or a space between date and time); index: m³, decimal point `.` or `,`, ≥ 0. The index is
 * written in litres (`waterConsumption`, unitCode LTR, rounded to the litre, as the SDM model wants
 * an integer).
 *
 * Rejected (FeedError('translate', 'line N: …', 422), the whole file, nothing written):
 * a malformed line; the same meter and timestamp twice; a meter's timestamps not strictly increasing
 * in file order (the broker keeps the last instance as the current value, so order matters).
 */
import { FeedError, type AdapterEnv, type IngestMessage, type Translation } from '../../../src/ingest/types';
import type { Entity } from '../../../src/ngsi-ld/types';
import { CONTEXT, property, urn } from '../ngsi';
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

/** Parses one data line (1-based `line` for messages); `zone`: the territory's time zone, if any. */
export function parseIndexLine(text: string, line: number, zone?: string): IndexRow {
  const cells = text.split(';').map((c) => c.trim());
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
    if (i === 0 && /^\s*meterid\s*;/i.test(text)) return;
    const row = parseIndexLine(text, i + 1, zone);
    const prev = last.get(row.meterId);
    if (prev && prev.time === row.time) bad(row.line, `duplicate reading of meter ${row.meterId} at ${row.time} (first at line ${prev.line})`);
    if (prev && prev.time > row.time) bad(row.line, `reading of meter ${row.meterId} at ${row.time} is before the one at line ${prev.line} (${prev.time}); sort by time`);
    last.set(row.meterId, row);
    rows.push(row);
  });
  return rows;
}

/**
 * @example
 * translateIndexCsv({ body: 'meterId;timestamp;index_m3\nW1-0001;2026-09-02T00:00:00Z;5.938\n', … }, env)
 * // → one WaterConsumptionObserved urn:ngsi-ld:WaterConsumptionObserved:<territory>:W1-0001, waterConsumption 5938 LTR
 */
export function translateIndexCsv(message: IngestMessage, env: AdapterEnv): Translation {
  const rows = parseIndexCsv(message.body, env.timeZone);
  const context = [CONTEXT.waterConsumption];
  if (rows.length === 0) return { entities: [], context, ignored: 'no readings' };
  const entities = rows.map(
    (r): Entity => ({
      id: urn('WaterConsumptionObserved', env.territory, r.meterId),
      type: 'WaterConsumptionObserved',
      waterConsumption: property(r.litres, { unitCode: 'LTR', observedAt: r.time }),
    }),
  );
  return { entities, context, mode: 'merge' };
}
