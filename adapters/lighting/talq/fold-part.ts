/**
 * The dead letter of a refused TALQ device holds a log report of its entries (translate.ts). When the
 * device is refused again for the same reason, that letter counts the new report (src/ingest/
 * dead-letters.ts) and keeps the later report whole (it holds the value refused, so that a replay is
 * refused again until the cause is fixed), with, of the earlier, the latest entry of each datum
 * (source function, log data type and attribute or event name) the later report does not give: a
 * lamp failure only the earlier report said is not lost, and the letter stays as small as one report
 * and the device's other data, however often the device is refused.
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
  const given = new Set(b.entries.map(keyOf));
  const earlier = new Map<string, Entry>();
  for (const e of a.entries) {
    const k = keyOf(e);
    if (given.has(k)) continue;
    const have = earlier.get(k);
    if (!have || !(timeOf(have) > timeOf(e))) earlier.set(k, e);
  }
  const address = b.address ?? a.address;
  return JSON.stringify({ ...(address !== undefined ? { address } : {}), entries: [...earlier.values(), ...b.entries] });
}
