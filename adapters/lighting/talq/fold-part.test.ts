import { foldTalqPart } from './fold-part';

const level = (v: number, t: string) => ({ data: { type: 'AttributeLogData', srcAddress: 'l1/act', timestamp: t, attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: v } } } });
const power = (w: number, t: string) => ({ data: { type: 'AttributeLogData', srcAddress: 'l1/mon', timestamp: t, attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: w } } });
const failure = (t: string, start = true) => ({ data: { type: 'EventLogData', srcAddress: 'l1/mon', timestamp: t, eventType: 'lampFailure', startEndFlag: start } });
const report = (address: string, ...entries: unknown[]) => JSON.stringify({ address, entries });

it('keeps the later report whole, and of the earlier the data the later does not give: a failure only the earlier held stays', () => {
  const folded = JSON.parse(foldTalqPart(report('logger-1', failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:00:00Z')), report('logger-1', level(140, '2025-01-15T05:15:00Z'))));
  expect(folded).toEqual({ address: 'logger-1', entries: [failure('2025-01-15T05:00:00Z'), level(140, '2025-01-15T05:15:00Z')] });
});

it('the value refused stays though a valid value of the same datum follows it, so that a replay is refused again', () => {
  const later = report('logger-1', level(130, '2025-01-15T05:15:00Z'), level(50, '2025-01-15T05:20:00Z'));
  expect(JSON.parse(foldTalqPart(report('logger-1', level(130, '2025-01-15T05:00:00Z'), failure('2025-01-15T05:00:00Z')), later)).entries)
    .toEqual([failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:15:00Z'), level(50, '2025-01-15T05:20:00Z')]);
});

it("of the earlier, each datum's latest entry; the letter stays as small as a report and the device's other data", () => {
  const earlier = report('logger-1', power(10, '2025-01-15T04:00:00Z'), power(12, '2025-01-15T04:30:00Z'), failure('2025-01-15T04:10:00Z'), failure('2025-01-15T04:20:00Z', false));
  let kept = earlier;
  for (let i = 0; i < 50; i++) kept = foldTalqPart(kept, report('logger-1', level(130, `2025-01-15T05:${String(i).padStart(2, '0')}:00Z`)));
  expect(JSON.parse(kept).entries).toEqual([power(12, '2025-01-15T04:30:00Z'), failure('2025-01-15T04:20:00Z', false), level(130, '2025-01-15T05:49:00Z')]);
});

it('a letter that holds an entity (refused as late, at the validate stage) keeps the later payload', () => {
  const entity = (v: number) => JSON.stringify({ '@context': ['x'], id: 'urn:ngsi-ld:Streetlight:x:l1', type: 'Streetlight', illuminanceLevel: { type: 'Property', value: v } });
  expect(foldTalqPart(entity(1), entity(2))).toBe(entity(2));
});
