import { joinParts, type CompletenessReader } from './join-parts';
import { openPartStore, type PartStore } from './parts';
import type { Translation } from './types';

const CTX = 'https://example.org/transport.jsonld';
const T0 = '2026-11-23T01:00:00.000Z';
const T1 = '2026-11-23T01:01:00.000Z';
const REQ = { TrafficFlowObserved: ['dateObserved'] };
const site = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'TrafficFlowObserved', laneId: { type: 'Property', value: 1 }, ...extra });
const measured = (id: string) => ({ id, type: 'TrafficFlowObserved', dateObserved: { type: 'Property', value: T1 }, intensity: { type: 'Property', value: 600, observedAt: T1 } });
const merge = (entities: Translation['entities'], extra: Partial<Translation> = {}): Translation => ({ entities, context: [CTX], mode: 'merge', ...extra });

let parts: PartStore;
let asked: Array<[string[], readonly string[]]>;
let complete: Set<string>;
const reader: CompletenessReader = async (ids, attrs) => {
  asked.push([ids, attrs]);
  return new Set(ids.filter((id) => complete.has(id)));
};
beforeEach(() => {
  parts = openPartStore(':memory:');
  asked = [];
  complete = new Set();
});
afterEach(() => parts.close());

it('a part lacking what its type requires, of an entity not complete on the broker, waits', async () => {
  const park = { id: 'urn:p', type: 'OffStreetParking' };
  const j = await joinParts(merge([site('urn:s1'), park]), REQ, parts, reader, 'mobility/datex2', T0);
  expect(j).toEqual({ translation: merge([park]), held: ['urn:s1'], completed: [] });
  expect(asked).toEqual([[['urn:s1'], ['dateObserved']]]);
  expect(parts.get('urn:s1')).toEqual({ entity: site('urn:s1'), context: [CTX], adapter: 'mobility/datex2', missing: ['dateObserved'], since: T0, updatedAt: T0 });
});

it('the next part that completes it is written with the waiting one merged in, which is dropped only once written', async () => {
  await joinParts(merge([site('urn:s1', { name: { type: 'Property', value: 'A1' } })]), REQ, parts, reader, 'a', T0);
  const j = await joinParts(merge([measured('urn:s1')]), REQ, parts, reader, 'a', T1);
  expect(j.translation.entities).toEqual([{ ...site('urn:s1', { name: { type: 'Property', value: 'A1' } }), ...measured('urn:s1') }]);
  expect(j).toMatchObject({ held: [], completed: ['urn:s1'] });
  expect(parts.has('urn:s1')).toBe(true); // the caller drops it after the write
  expect(asked).toHaveLength(1); // complete parts and waiting ones: no read
});

it('parts of one entity that wait are merged, a later attribute over an earlier one', async () => {
  await joinParts(merge([site('urn:s1')]), REQ, parts, reader, 'a', T0);
  const j = await joinParts(merge([site('urn:s1', { laneId: { type: 'Property', value: 2 }, name: { type: 'Property', value: 'A1' } })]), REQ, parts, reader, 'a', T1);
  expect(j).toMatchObject({ held: ['urn:s1'], translation: { entities: [] } });
  expect(parts.get('urn:s1')).toMatchObject({ entity: site('urn:s1', { laneId: { type: 'Property', value: 2 }, name: { type: 'Property', value: 'A1' } }), since: T0, updatedAt: T1 });
});

it('a part of an entity the broker holds complete is written at once', async () => {
  complete.add('urn:s1');
  const j = await joinParts(merge([site('urn:s1'), site('urn:s2')]), REQ, parts, reader, 'a', T0);
  expect(j).toMatchObject({ translation: { entities: [site('urn:s1')] }, held: ['urn:s2'] });
});

it('a waiting part whose entity another message completed meanwhile is written with the next part, and waits no more', async () => {
  await joinParts(merge([site('urn:s1')]), REQ, parts, reader, 'a', T0);
  complete.add('urn:s1'); // a measurement written while the part was being held
  const j = await joinParts(merge([site('urn:s1', { name: { type: 'Property', value: 'A1' } })]), REQ, parts, reader, 'a', T1);
  expect(j).toMatchObject({ held: [], completed: ['urn:s1'], translation: { entities: [site('urn:s1', { name: { type: 'Property', value: 'A1' } })] } });
});

it('one id twice in a message: once complete, its later parts go through', async () => {
  const j = await joinParts(merge([site('urn:s1'), measured('urn:s1'), site('urn:s1', { name: { type: 'Property', value: 'B' } })]), REQ, parts, reader, 'a', T0);
  expect(j.translation.entities).toEqual([{ ...site('urn:s1'), ...measured('urn:s1') }, site('urn:s1', { name: { type: 'Property', value: 'B' } })]);
  expect(j).toMatchObject({ held: [], completed: [] });
  expect(parts.has('urn:s1')).toBe(false);
});

it('no removal on an entity that waits; a waiting part from another context brings its context', async () => {
  parts.put([{ entity: site('urn:s1'), context: ['https://example.org/other.jsonld'], adapter: 'a', missing: ['dateObserved'], since: T0, updatedAt: T0 }]);
  const remove = [{ id: 'urn:s2', attribute: 'laneId', context: CTX }, { id: 'urn:p', attribute: 'x', context: CTX }];
  const j = await joinParts(merge([measured('urn:s1'), site('urn:s2')], { remove }), REQ, parts, reader, 'a', T0);
  expect(j.translation.context).toEqual([CTX, 'https://example.org/other.jsonld']);
  expect(j.translation.remove).toEqual([remove[1]]);
});

it('replace-mode translations and types without requirements are left as they are', async () => {
  const t: Translation = { entities: [site('urn:s1')], context: [CTX] };
  expect(await joinParts(t, REQ, parts, reader, 'a', T0)).toEqual({ translation: t, held: [], completed: [] });
  const other = merge([{ id: 'urn:x', type: 'Device' }]);
  expect((await joinParts(other, REQ, parts, reader, 'a', T0)).translation).toBe(other);
  expect(asked).toEqual([]);
});
