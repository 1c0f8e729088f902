/**
 * The mark the log-report adapter puts on every `illuminanceLevel` it writes, so that the lighting
 * commands (../commands/) can tell the adapter's own writes (the level the lamp reported) from a
 * target set by a flow or an operator.
 *
 * The mark is a sub-Property `talqReport` whose value repeats the value and the observedAt written
 * with it: `"<value>@<observedAt>"`. An `illuminanceLevel` is the adapter's own write only when the
 * mark is there AND it matches the attribute's value and observedAt. A flow that replaces the
 * attribute (PATCH …/attrs) drops the mark; a flow that merges a new value (PATCH /entities/{id},
 * which keeps sub-attributes and observedAt) leaves a mark that no longer matches. Stateless: the
 * rule reads only the attribute, so it holds across restarts and against any broker.
 */

/** Name of the marking sub-Property. */
export const REPORT_MARK = 'talqReport';
/** The attribute that carries the mark: the level a lamp reports, and a flow sets as a target. */
export const REPORTED_LEVEL = 'illuminanceLevel';
/** The on/off/low state every light-state report writes with the level (mapping.ts levelReadings). */
const LIGHT_STATE = 'powerState';

/**
 * The mark's value for a reported level.
 * @example
 * reportMark(0.8, '2025-01-15T03:12:44.000Z'); // '0.8@2025-01-15T03:12:44.000Z'
 */
export function reportMark(value: number, observedAt: string): string {
  return `${value}@${observedAt}`;
}

const sameTime = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b) && Number.isFinite(Date.parse(a));

/**
 * Whether an `illuminanceLevel` attribute (normalized, one instance) is as the adapter wrote it.
 * @example
 * isReportedLevel({ type: 'Property', value: 0.8, observedAt: 'T', talqReport: { type: 'Property', value: '0.8@T' } }); // true
 * isReportedLevel({ type: 'Property', value: 0.3, observedAt: 'T', talqReport: { type: 'Property', value: '0.8@T' } }); // false (merged by a flow)
 */
export function isReportedLevel(attr: unknown): boolean {
  if (typeof attr !== 'object' || attr === null) return false;
  const a = attr as Record<string, unknown>;
  const mark = (a[REPORT_MARK] as { value?: unknown } | undefined)?.value;
  if (typeof mark !== 'string') return false;
  const at = mark.lastIndexOf('@');
  if (at <= 0) return false;
  const value = Number(mark.slice(0, at));
  return typeof a.value === 'number' && a.value === value && sameTime(a.observedAt, mark.slice(at + 1));
}

/**
 * When the lamp reported a stored attribute, for the ingest runtime's late-report check
 * (`Adapter.reportedAt`): `illuminanceLevel` by its mark, since a flow's target may have changed its
 * value and observedAt since (a merged target keeps the mark of the last report); a level a flow
 * replaced whole has no mark: then by the lamp's `powerState`, which every light-state report writes
 * with the level. Any other attribute by its `observedAt`.
 * @example
 * reportedAt('illuminanceLevel', { type: 'Property', value: 0.3, observedAt: 'T2', talqReport: { type: 'Property', value: '0.8@T1' } }, lamp); // 'T1'
 */
export function reportedAt(name: string, instance: Record<string, unknown>, entity: Record<string, unknown>): string | undefined {
  const observed = (i: unknown) => (typeof (i as { observedAt?: unknown } | undefined)?.observedAt === 'string' ? (i as { observedAt: string }).observedAt : undefined);
  if (name !== REPORTED_LEVEL) return observed(instance);
  const mark = (instance[REPORT_MARK] as { value?: unknown } | undefined)?.value;
  if (typeof mark !== 'string') return observed(Array.isArray(entity[LIGHT_STATE]) ? (entity[LIGHT_STATE] as unknown[])[0] : entity[LIGHT_STATE]);
  const at = mark.lastIndexOf('@');
  return at > 0 ? mark.slice(at + 1) : undefined;
}
