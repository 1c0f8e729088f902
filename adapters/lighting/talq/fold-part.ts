/**
 * The dead letter of a refused TALQ device holds a log report of its entries (translate.ts). When the
 * device is refused again for the same reason, that letter counts the new report (src/ingest/
 * dead-letters.ts) and keeps the entries of both: of each datum (source function, log data type and
 * attribute or event name), its latest KEPT_PER_DATUM entries by their own time, each once, whatever
 * order the reports arrived in. A replay reads them as one report does (the latest value of each
 * attribute, the latest condition: a lamp failure only one report said is not lost), and is refused
 * again while a refused value is among them; the letter stays as small as the device's data.
 */

/** Entries of one datum a letter keeps: the refused value stays unless that many newer ones of it came. */
export const KEPT_PER_DATUM = 16;

interface Entry {
  data?: { srcAddress?: unknown; type?: unknown; attributeName?: unknown; eventType?: unknown; timestamp?: unknown; attributeValue?: { timestamp?: unknown } };
}
interface Report {
  address?: string;
  entries?: Entry[];
}

/** Which datum an entry is a value of. */
const keyOf = (e: Entry): string => JSON.stringify([e.data?.srcAddress, e.data?.type, e.data?.attributeName ?? e.data?.eventType]);

/** When the entry's value was measured (the attribute's own time, else the log entry's), epoch ms; -∞ if unsaid. */
const timeOf = (e: Entry): number => {
  const t = e.data?.attributeValue?.timestamp ?? e.data?.timestamp;
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : -Infinity;
};

/**
 * @example
 * foldTalqPart('{"entries":[{"data":{"type":"EventLogData","srcAddress":"l/m","eventType":"lampFailure","timestamp":"T1"}}]}',
 *   '{"entries":[{"data":{"type":"AttributeLogData","srcAddress":"l/a","attributeName":"actualLightState","timestamp":"T2"}}]}');
 * // a report of both entries
 */
export function foldTalqPart(kept: string, later: string): string {
  const a = JSON.parse(kept) as Report;
  const b = JSON.parse(later) as Report;
  // the device's other letters (an entity refused as late, at the validate stage) hold an entity: the later
  if (!Array.isArray(a.entries) || !Array.isArray(b.entries)) return later;
  const seen = new Set<string>();
  const byDatum = new Map<string, Array<{ e: Entry; t: number; n: number }>>();
  let n = 0;
  for (const e of [...a.entries, ...b.entries]) {
    const text = JSON.stringify(e);
    if (seen.has(text)) continue;
    seen.add(text);
    const k = keyOf(e);
    if (!byDatum.has(k)) byDatum.set(k, []);
    byDatum.get(k)!.push({ e, t: timeOf(e), n: n++ });
  }
  // per datum the latest by time (the later given on a tie), then all in time order, as one report
  const entries = [...byDatum.values()]
    .flatMap((xs) => xs.sort((x, y) => x.t - y.t || x.n - y.n).slice(-KEPT_PER_DATUM))
    .sort((x, y) => x.t - y.t || x.n - y.n)
    .map((x) => x.e);
  const address = b.address ?? a.address;
  return JSON.stringify({ ...(address !== undefined ? { address } : {}), entries });
}
