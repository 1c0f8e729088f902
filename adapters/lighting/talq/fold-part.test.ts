import { foldTalqPart, KEPT_PER_DATUM } from './fold-part';

const level = (v: number, t: string) => ({ data: { type: 'AttributeLogData', srcAddress: 'l1/act', timestamp: t, attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: v } } } });
const power = (w: number, t: string) => ({ data: { type: 'AttributeLogData', srcAddress: 'l1/mon', timestamp: t, attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: w } } });
const failure = (t: string, start = true) => ({ data: { type: 'EventLogData', srcAddress: 'l1/mon', timestamp: t, eventType: 'lampFailure', startEndFlag: start } });
const report = (address: string, ...entries: unknown[]) => JSON.stringify({ address, entries });
const entries = (r: string) => (JSON.parse(r) as { entries: unknown[] }).entries;

it('keeps the entries of both reports in time order: a failure only the earlier held stays', () => {
  const folded = JSON.parse(foldTalqPart(report('logger-1', failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:00:00Z')), report('logger-1', level(140, '2025-01-15T05:15:00Z'))));
  expect(folded).toEqual({ address: 'logger-1', entries: [failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:00:00Z'), level(140, '2025-01-15T05:15:00Z')] });
});

it('the value refused stays though a valid value of the same datum follows it, so that a replay is refused again', () => {
  const later = report('logger-1', level(130, '2025-01-15T05:15:00Z'), level(50, '2025-01-15T05:20:00Z'));
  expect(entries(foldTalqPart(report('logger-1', failure('2025-01-15T05:00:00Z')), later))).toEqual([failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:15:00Z'), level(50, '2025-01-15T05:20:00Z')]);
});

it('the order the reports arrived in does not matter: a report that came between two others keeps its newer values', () => {
  const b1 = report('logger-1', level(60, '2025-01-15T21:10:00Z'), power(-5, '2025-01-15T21:10:00Z'));
  const w = report('logger-1', level(50, '2025-01-15T21:30:00Z'), power(-5, '2025-01-15T21:30:00Z'));
  const b2 = report('logger-1', power(-5, '2025-01-15T21:40:00Z'));
  const inOrder = foldTalqPart(foldTalqPart(b1, w), b2);
  expect(foldTalqPart(w, foldTalqPart(b1, b2))).toBe(inOrder);
  expect(entries(inOrder)).toContainEqual(level(50, '2025-01-15T21:30:00Z'));
});

it('the same entry twice is kept once; of each datum, the latest entries only, however often the device is refused', () => {
  let kept = report('logger-1', failure('2025-01-15T04:10:00Z'), failure('2025-01-15T04:20:00Z', false));
  for (let i = 0; i < 50; i++) kept = foldTalqPart(kept, report('logger-1', level(130, `2025-01-15T05:${String(i).padStart(2, '0')}:00Z`), failure('2025-01-15T04:10:00Z')));
  const levels = entries(kept).filter((e) => JSON.stringify(e).includes('actualLightState'));
  expect(levels).toHaveLength(KEPT_PER_DATUM);
  expect(levels.at(-1)).toEqual(level(130, '2025-01-15T05:49:00Z'));
  expect(entries(kept).slice(0, 2)).toEqual([failure('2025-01-15T04:10:00Z'), failure('2025-01-15T04:20:00Z', false)]);
});

it('a letter that holds an entity (refused as late, at the validate stage) keeps the later payload', () => {
  const entity = (v: number) => JSON.stringify({ '@context': ['x'], id: 'urn:ngsi-ld:Streetlight:x:l1', type: 'Streetlight', illuminanceLevel: { type: 'Property', value: v } });
  expect(foldTalqPart(entity(1), entity(2))).toBe(entity(2));
});
