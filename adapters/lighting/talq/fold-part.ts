/**
 * The dead letter of a refused TALQ device holds a log report of its entries (translate.ts). When the
 * device is refused again for the same reason, that letter counts the new report (src/ingest/
 * dead-letters.ts) and keeps the two reports' entries merged: the latest entry of each datum (source
 * function, log data type and attribute or event name), by its time, the later report's on a tie.
 * A replay then writes what both reports said, as one report does: the latest value of each
 * attribute, the latest condition (a lamp failure the earlier report held is not lost), and the
 * letter stays as small as the device's data, however often it is refused.
 */

interface Entry {
  data?: { srcAddress?: unknown; type?: unknown; attributeName?: unknown; eventType?: unknown; timestamp?: unknown; attributeValue?: { timestamp?: unknown } };
}
interface Report {
  address?: string;
  entries?: Entry[];
}

/** Which datum an entry is a value of. */
const keyOf = (e: Entry): string => JSON.stringify([e.data?.srcAddress, e.data?.type, e.data?.attributeName ?? e.data?.eventType]);

/** When the entry's value was measured (the attribute's own time, else the log entry's), epoch ms; NaN if unsaid. */
const timeOf = (e: Entry): number => {
  const t = e.data?.attributeValue?.timestamp ?? e.data?.timestamp;
  return typeof t === 'string' ? Date.parse(t) : NaN;
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
  const latest = new Map<string, Entry>();
  for (const e of [...a.entries, ...b.entries]) {
    const k = keyOf(e);
    const have = latest.get(k);
    // the later report's entry on a tie, or when a time is unsaid
    if (!have || !(timeOf(have) > timeOf(e))) {
      latest.delete(k);
      latest.set(k, e);
    }
  }
  const address = b.address ?? a.address;
  return JSON.stringify({ ...(address !== undefined ? { address } : {}), entries: [...latest.values()] });
}
