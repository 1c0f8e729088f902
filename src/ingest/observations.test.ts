import type { Entity } from '../ngsi-ld/types';
import { createObservationGuard, observedTimes, screenEntity, type ObservationReader, type ObservedTimes } from './observations';
import type { Translation } from './types';

const at = (h: number): string => new Date(Date.UTC(2026, 8, 2, h)).toISOString();
const ms = (h: number): number => Date.UTC(2026, 8, 2, h);
const prop = (value: unknown, h?: number, datasetId?: string) => ({ type: 'Property', value, ...(h === undefined ? {} : { observedAt: at(h) }), ...(datasetId ? { datasetId } : {}) });
const meter = (h: number, extra: Record<string, unknown> = {}): Entity => ({
  id: 'urn:ngsi-ld:WaterConsumptionObserved:t:m1',
  type: 'WaterConsumptionObserved',
  waterConsumption: prop(100 + h, h),
  alarmInProgress: prop(0, h),
  refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:t:d1' },
  ...extra,
});

describe('observedTimes', () => {
  test('the latest time per attribute and datasetId; attributes without observedAt are not listed', () => {
    const e = { ...meter(10), flow: [prop(1, 9, 'urn:a'), prop(2, 11, 'urn:a'), prop(3, 8, 'urn:b'), prop(4, 7)], note: prop('x') };
    expect(observedTimes(e)).toEqual(new Map([['waterConsumption', ms(10)], ['alarmInProgress', ms(10)], ['flow#urn:a', ms(11)], ['flow#urn:b', ms(8)], ['flow', ms(7)]]));
  });
});

describe('screenEntity', () => {
  const stored: ObservedTimes = new Map([['waterConsumption', ms(10)], ['alarmInProgress', ms(12)]]);

  test('nothing stored, or only newer or equal observations: the entity as it is, with the times it brings', () => {
    const e = meter(12);
    const times = new Map([['waterConsumption', ms(12)], ['alarmInProgress', ms(12)]]);
    expect(screenEntity(e, undefined)).toEqual({ entity: e, kept: times });
    expect(screenEntity(e, new Map())).toEqual({ entity: e, kept: times });
    expect((screenEntity(e, stored) as { entity: Entity }).entity).toBe(e);
  });

  test('an older instance is dropped, the newer ones and the unobserved attributes stay', () => {
    const r = screenEntity(meter(11), stored);
    expect(r).toEqual({
      entity: { id: meter(11).id, type: 'WaterConsumptionObserved', waterConsumption: prop(111, 11), refDevice: meter(11).refDevice },
      kept: new Map([['waterConsumption', ms(11)]]),
    });
  });

  test("partly older: its locations and dates without observedAt are dropped too (they are the older message's)", () => {
    const place = { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.8, 45.7] } };
    const dated = { type: 'Property', value: at(11) };
    const r = screenEntity(meter(11, { location: place, dateObserved: dated }), stored) as { entity: Entity };
    expect(Object.keys(r.entity)).toEqual(['id', 'type', 'waterConsumption', 'refDevice']);
    // a client's typed literal is a date too; a plain text is not
    const typed = { type: 'Property', value: { '@type': 'DateTime', '@value': at(11) } };
    const text = { type: 'Property', value: 'meter 11' };
    expect(Object.keys((screenEntity(meter(11, { dateLastValueReported: typed, name: text }), stored) as { entity: Entity }).entity)).toEqual(['id', 'type', 'waterConsumption', 'refDevice', 'name']);
    // nothing stale: they stay
    expect(Object.keys((screenEntity(meter(13, { location: place, dateObserved: dated }), stored) as { entity: Entity }).entity)).toContain('location');
  });

  test('partly older in replace mode: out of order as a whole (a replace would delete the newer attributes)', () => {
    expect(screenEntity(meter(11), stored, true)).toEqual({
      reason: `out of order: alarmInProgress observed at ${at(11)}, the broker holds one of ${at(12)} (a replace would delete what the broker holds newer)`,
    });
  });

  test('every observation older: out of order, with the first stale attribute in the reason', () => {
    expect(screenEntity(meter(9), stored)).toEqual({
      reason: `out of order: waterConsumption observed at ${at(9)}, the broker holds one of ${at(10)}`,
    });
  });

  test('instances of a multi-attribute are judged by datasetId', () => {
    const e = meter(13, { flow: [prop(1, 9, 'urn:a'), prop(2, 9, 'urn:b')] });
    const r = screenEntity(e, new Map([['flow#urn:a', ms(10)]])) as { entity: Entity };
    expect(r.entity.flow).toEqual([prop(2, 9, 'urn:b')]);
    const single = screenEntity(meter(13, { flow: [prop(1, 9, 'urn:a')] }), new Map([['flow#urn:a', ms(10)]])) as { entity: Entity };
    expect(single.entity.flow).toBeUndefined();
  });

  test('an entity with no observation at all is never out of order', () => {
    const e: Entity = { id: 'urn:ngsi-ld:Device:t:d1', type: 'Device', serialNumber: prop('W1') };
    expect(screenEntity(e, stored)).toEqual({ entity: e, kept: new Map() });
  });
});

describe('createObservationGuard', () => {
  const translation = (...entities: Entity[]): Translation => ({ entities, context: ['ctx'], mode: 'merge' });

  function reader(stored: Record<string, ObservedTimes>): ObservationReader & { calls: string[][] } {
    const calls: string[][] = [];
    const read = async (ids: string[]) => {
      calls.push(ids);
      return new Map(ids.filter((id) => stored[id]).map((id) => [id, stored[id]]));
    };
    return Object.assign(read, { calls });
  }

  test('reads what the broker holds once, then judges each message against the previous one', async () => {
    const read = reader({ [meter(0).id]: new Map([['waterConsumption', ms(10)], ['alarmInProgress', ms(10)]]) });
    const guard = createObservationGuard(read);
    const first = await guard.screen(translation(meter(12)));
    expect(first.outOfOrder).toEqual([]);
    expect(first.translation.entities).toEqual([meter(12)]);
    const late = await guard.screen(translation(meter(11)));
    expect(late.translation.entities).toEqual([]);
    expect(late.outOfOrder.map((o) => o.reason)).toEqual([`out of order: waterConsumption observed at ${at(11)}, the broker holds one of ${at(12)}`]);
    expect((await guard.screen(translation(meter(12)))).translation.entities).toEqual([meter(12)]); // the same again: kept
    expect(read.calls).toEqual([[meter(0).id]]);
  });

  test('several entities of one id in a translation are judged in turn: an older one after a newer one is out of order', async () => {
    const guard = createObservationGuard(reader({ [meter(0).id]: new Map([['waterConsumption', ms(10)]]) }));
    const r = await guard.screen(translation(meter(12), meter(11), meter(13)));
    expect(r.translation.entities).toEqual([meter(12), meter(13)]);
    expect(r.outOfOrder.map((o) => o.reason)).toEqual([`out of order: waterConsumption observed at ${at(11)}, the broker holds one of ${at(12)}`]);
  });

  test('an entity the broker does not have is read once and then followed', async () => {
    const read = reader({});
    const guard = createObservationGuard(read);
    expect((await guard.screen(translation(meter(5)))).outOfOrder).toEqual([]);
    expect((await guard.screen(translation(meter(4)))).outOfOrder).toHaveLength(1);
    expect(read.calls).toHaveLength(1);
  });

  test('messages in flight are judged in the order they came, even while the first one reads', async () => {
    let release: () => void = () => undefined;
    const slow: ObservationReader = () => new Promise((ok) => (release = () => ok(new Map())));
    const guard = createObservationGuard(slow);
    const newer = guard.screen(translation(meter(12)));
    const older = guard.screen(translation(meter(11)));
    await new Promise((r) => setImmediate(r));
    release();
    expect((await newer).outOfOrder).toEqual([]);
    expect((await older).outOfOrder).toHaveLength(1);
  });

  test("another entity's message does not wait for a read that hangs (a broker down holds up its own entities only)", async () => {
    const other = (h: number) => meter(h, { id: 'urn:ngsi-ld:WaterConsumptionObserved:t:m2' });
    const hanging = new Set([meter(0).id]);
    const read: ObservationReader = (ids) => (ids.some((id) => hanging.has(id)) ? new Promise(() => undefined) : Promise.resolve(new Map()));
    const guard = createObservationGuard(read);
    let first = false;
    void guard.screen(translation(meter(12))).then(() => (first = true));
    expect((await guard.screen(translation(other(12)))).outOfOrder).toEqual([]);
    expect(first).toBe(false);
  });

  test('a refusal on a remembered time is checked with the broker once no write is in flight (an entity deleted meanwhile)', async () => {
    const stored: Record<string, ObservedTimes> = {};
    const read = reader(stored);
    const guard = createObservationGuard(read);
    expect((await guard.screen(translation(meter(12)))).outOfOrder).toEqual([]);
    // in flight: the remembered 12:00 stands without asking the broker
    expect((await guard.screen(translation(meter(11)))).outOfOrder).toHaveLength(1);
    expect(read.calls).toHaveLength(1);
    guard.settle([meter(0).id]);
    stored[meter(0).id] = new Map([['waterConsumption', ms(12)], ['alarmInProgress', ms(12)]]); // written
    expect((await guard.screen(translation(meter(11)))).outOfOrder).toHaveLength(1); // asked, and the broker has 12:00
    expect(read.calls).toHaveLength(2);
    delete stored[meter(0).id]; // the entity is deleted through the API
    expect((await guard.screen(translation(meter(11)))).outOfOrder).toEqual([]); // asked again: nothing newer, written
    expect(read.calls).toHaveLength(3);
    expect((await guard.screen(translation(meter(12)))).outOfOrder).toEqual([]); // newer, from the remembered 11:00
    expect(read.calls).toHaveLength(3);
  });

  test('a doubtful refusal is checked in a message that also reads an unknown entity', async () => {
    const stored: Record<string, ObservedTimes> = {};
    const read = reader(stored);
    const guard = createObservationGuard(read);
    const other = (h: number): Entity => ({ ...meter(h), id: 'urn:ngsi-ld:WaterConsumptionObserved:t:m2' });
    await guard.screen(translation(meter(12)));
    guard.settle([meter(0).id]); // written, then deleted from the broker (stored stays empty)
    const both = await guard.screen(translation(other(11), meter(11)));
    expect(both.outOfOrder).toEqual([]);
    expect(both.translation.entities).toEqual([other(11), meter(11)]);
    expect(read.calls).toEqual([[meter(0).id], [other(0).id], [meter(0).id]]);
  });

  test('forget: read again (an entity that was not written after all)', async () => {
    const read = reader({});
    const guard = createObservationGuard(read);
    await guard.screen(translation(meter(12)));
    guard.forget([meter(0).id]);
    expect((await guard.screen(translation(meter(11)))).outOfOrder).toEqual([]); // the broker never got 12:00
    expect(read.calls).toHaveLength(2);
  });

  test('a failing read fails that message only', async () => {
    let fail = true;
    const guard = createObservationGuard(async () => {
      if (fail) throw new Error('broker down');
      return new Map();
    });
    await expect(guard.screen(translation(meter(12)))).rejects.toThrow('broker down');
    fail = false;
    expect((await guard.screen(translation(meter(12)))).outOfOrder).toEqual([]);
  });

  test('the cache is bounded: the least recently used entity is read again', async () => {
    const read = reader({});
    const guard = createObservationGuard(read, { maxEntries: 2 });
    const m = (n: number): Entity => ({ ...meter(10), id: `urn:ngsi-ld:WaterConsumptionObserved:t:m${n}` });
    for (const n of [1, 2, 3]) await guard.screen(translation(m(n)));
    await guard.screen(translation(m(1)));
    expect(read.calls.map((c) => c[0].slice(-2))).toEqual(['m1', 'm2', 'm3', 'm1']);
  });
});
