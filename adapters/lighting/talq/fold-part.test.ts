import { foldTalqPart } from './fold-part';

const level = (v: number, t: string) => ({ data: { type: 'AttributeLogData', srcAddress: 'l1/act', timestamp: t, attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: v } } } });
const failure = (t: string, start = true) => ({ data: { type: 'EventLogData', srcAddress: 'l1/mon', timestamp: t, eventType: 'lampFailure', startEndFlag: start } });
const report = (address: string, ...entries: unknown[]) => JSON.stringify({ address, entries });

it("keeps each datum's latest entry of the two reports: a failure only the earlier held stays", () => {
  const folded = JSON.parse(foldTalqPart(report('logger-1', failure('2025-01-15T05:00:00Z'), level(130, '2025-01-15T05:00:00Z')), report('logger-1', level(140, '2025-01-15T05:15:00Z'))));
  expect(folded).toEqual({ address: 'logger-1', entries: [failure('2025-01-15T05:00:00Z'), level(140, '2025-01-15T05:15:00Z')] });
});

it("a letter that holds an entity (refused as late, at the validate stage) keeps the later payload", () => {
  const entity = (v: number) => JSON.stringify({ '@context': ['x'], id: 'urn:ngsi-ld:Streetlight:x:l1', type: 'Streetlight', illuminanceLevel: { type: 'Property', value: v } });
  expect(foldTalqPart(entity(1), entity(2))).toBe(entity(2));
});

it('an older entry arriving later does not replace a newer one; on a tie the later report wins; a condition that ended is the end', () => {
  const newer = report('logger-1', level(130, '2025-01-15T06:00:00Z'), failure('2025-01-15T05:00:00Z'));
  const older = report('logger-2', level(120, '2025-01-15T04:00:00Z'), failure('2025-01-15T05:30:00Z', false));
  expect(JSON.parse(foldTalqPart(newer, older))).toEqual({ address: 'logger-2', entries: [level(130, '2025-01-15T06:00:00Z'), failure('2025-01-15T05:30:00Z', false)] });
  expect(JSON.parse(foldTalqPart(report('a', level(130, 'T')), report('a', level(131, 'T')))).entries).toEqual([level(131, 'T')]);
});
