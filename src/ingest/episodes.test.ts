import { applyMark, createEpisodeTracker, isOpen, statesOf, timeOf, type EpisodeMark, type EpisodeState } from './episodes';
import type { Translation } from './types';

const CTX = 'https://example.org/alert-context.jsonld';
const T = (h: number) => `2026-09-02T${String(h).padStart(2, '0')}:00:00.000Z`;
const alert = (id = 'urn:ngsi-ld:Alert:x:leak') => ({ id, type: 'Alert', category: { type: 'Property', value: 'environment' } });
const mark = (active: boolean, h: number, id?: string): EpisodeMark => ({ entity: alert(id), active, time: T(h), context: CTX });
const at = (t: string) => ({ type: 'Property', value: t });
const translation = (...episodes: EpisodeMark[]): Translation => ({ entities: [{ id: 'urn:ngsi-ld:Meter:x', type: 'Meter' }], context: [CTX], mode: 'merge', episodes });

describe('applyMark', () => {
  const open: EpisodeState = { validFrom: T(10) };
  const closed: EpisodeState = { validFrom: T(10), validTo: T(12) };
  const reopened: EpisodeState = { validFrom: T(14), validTo: T(12) };

  it('knows an open episode: validFrom and no validTo, or a validTo before validFrom', () => {
    expect([undefined, {}, open, closed, reopened].map(isOpen)).toEqual([false, false, true, false, true]);
  });

  it.each<[string, EpisodeMark, EpisodeState | undefined, Record<string, unknown> | undefined, EpisodeState | undefined]>([
    ['raised, no entity: opens', mark(true, 11), undefined, { dateIssued: at(T(11)), validFrom: at(T(11)) }, { validFrom: T(11), validTo: undefined }],
    ['raised while open: nothing (validFrom stays)', mark(true, 11), open, undefined, open],
    ['raised while open, earlier (late frame): validFrom moves back', mark(true, 9), open, { dateIssued: at(T(9)), validFrom: at(T(9)) }, { validFrom: T(9) }],
    ['raised after a close: a new episode (the old validTo deleted, its time kept here)', mark(true, 13), closed, { dateIssued: at(T(13)), validFrom: at(T(13)) }, { validFrom: T(13), lastEnd: T(12) }],
    ['raised before the end of the episode before (its late frame): nothing', mark(true, 11), { validFrom: T(13), lastEnd: T(12) }, undefined, { validFrom: T(13), lastEnd: T(12) }],
    ['raised before the close (late frame of the closed episode): nothing', mark(true, 11), closed, undefined, closed],
    ['raised while reopened but its old end not deleted (a broker failure between the writes): the end goes now', mark(true, 15), reopened, { dateIssued: at(T(14)), validFrom: at(T(14)) }, { validFrom: T(14), lastEnd: T(12) }],
    ['the same, a late frame of the new episode: the start moves back, the end goes', mark(true, 13), reopened, { dateIssued: at(T(13)), validFrom: at(T(13)) }, { validFrom: T(13), lastEnd: T(12) }],
    ['clear, no entity: nothing', mark(false, 11), undefined, undefined, undefined],
    ['clear while open: closes, dateIssued stays the start', mark(false, 11), open, { dateIssued: at(T(10)), validFrom: at(T(10)), validTo: at(T(11)) }, { validFrom: T(10), validTo: T(11) }],
    ['clear while reopened: closes the new episode', mark(false, 15), reopened, { dateIssued: at(T(14)), validFrom: at(T(14)), validTo: at(T(15)) }, { validFrom: T(14), validTo: T(15) }],
    ['clear before the open (late frame): nothing', mark(false, 9), open, undefined, open],
    ['clear after the close: nothing (validTo stays)', mark(false, 13), closed, undefined, closed],
    ['clear inside the closed episode (late frame): validTo moves back', mark(false, 11), closed, { dateIssued: at(T(10)), validFrom: at(T(10)), validTo: at(T(11)) }, { validFrom: T(10), validTo: T(11) }],
  ])('%s', (_name, m, state, written, next) => {
    const r = applyMark(m, state);
    expect(r.removeValidTo).toBe(state?.validTo !== undefined && r.write !== undefined && m.active ? true : undefined);
    if (written) expect(r.write).toEqual({ ...alert(), ...written });
    else expect(r.write).toBeUndefined();
    expect(r.next).toEqual(next);
  });
});

describe('createEpisodeTracker', () => {
  function reader(initial: Record<string, EpisodeState> = {}) {
    const calls: string[][] = [];
    const read = async (ids: string[], context: string) => {
      expect(context).toBe(CTX);
      calls.push(ids);
      return new Map(ids.filter((id) => initial[id]).map((id) => [id, initial[id]] as const));
    };
    return { calls, read };
  }

  it('reads each entity once, then follows its own writes: one opening and one closing per episode', async () => {
    const r = reader();
    const tracker = createEpisodeTracker(r.read);
    const written = async (...marks: EpisodeMark[]) => (await tracker.resolve(translation(...marks))).entities.slice(1);
    expect(await written(mark(false, 8))).toEqual([]); // never alarmed: no Alert
    expect(await written(mark(true, 9))).toEqual([{ ...alert(), dateIssued: at(T(9)), validFrom: at(T(9)) }]);
    expect(await written(mark(true, 10))).toEqual([]);
    expect(await written(mark(true, 11))).toEqual([]);
    expect(await written(mark(false, 12))).toEqual([{ ...alert(), dateIssued: at(T(9)), validFrom: at(T(9)), validTo: at(T(12)) }]);
    expect(await written(mark(false, 13))).toEqual([]);
    expect(r.calls).toEqual([['urn:ngsi-ld:Alert:x:leak']]);
  });

  it('an episode opening after a closed one asks for the old validTo to be deleted, unless the same message closes it again', async () => {
    const tracker = createEpisodeTracker(reader({ 'urn:ngsi-ld:Alert:x:leak': { validFrom: T(5), validTo: T(6) } }).read);
    const reopened = await tracker.resolve(translation(mark(true, 9)));
    expect(reopened.remove).toEqual([{ id: 'urn:ngsi-ld:Alert:x:leak', attribute: 'validTo', context: CTX }]);
    const other = createEpisodeTracker(reader({ 'urn:ngsi-ld:Alert:x:leak': { validFrom: T(5), validTo: T(6) } }).read);
    const again = await other.resolve(translation(mark(true, 9), mark(false, 10)));
    expect(again.remove).toBeUndefined();
    expect(again.entities.slice(1)).toEqual([{ ...alert(), dateIssued: at(T(9)), validFrom: at(T(9)), validTo: at(T(10)) }]);
  });

  it("starts from the broker's state: an episode open before a restart is not reopened", async () => {
    const r = reader({ 'urn:ngsi-ld:Alert:x:leak': { validFrom: T(5) } });
    const tracker = createEpisodeTracker(r.read);
    const t = await tracker.resolve(translation(mark(true, 9), mark(false, 9, 'urn:ngsi-ld:Alert:x:burst')));
    expect(t.entities).toHaveLength(1);
    expect(t.episodes).toBeUndefined();
    expect(r.calls).toEqual([['urn:ngsi-ld:Alert:x:leak', 'urn:ngsi-ld:Alert:x:burst']]);
  });

  it('forget makes it read an entity again (its write failed)', async () => {
    const r = reader();
    const tracker = createEpisodeTracker(r.read);
    await tracker.resolve(translation(mark(true, 9)));
    tracker.forget(['urn:ngsi-ld:Alert:x:leak']);
    const t = await tracker.resolve(translation(mark(true, 10)));
    expect(t.entities[1]).toMatchObject({ validFrom: at(T(10)) }); // the broker still has nothing
    expect(r.calls).toHaveLength(2);
  });

  it('resolves concurrent translations one after the other (no double opening)', async () => {
    const r = reader();
    const tracker = createEpisodeTracker(r.read);
    const [a, b] = await Promise.all([tracker.resolve(translation(mark(true, 9))), tracker.resolve(translation(mark(true, 10)))]);
    expect(a.entities).toHaveLength(2);
    expect(b.entities).toHaveLength(1);
    expect(r.calls).toHaveLength(1);
  });

  it('a failing reader fails that translation only', async () => {
    let fail = true;
    const tracker = createEpisodeTracker(async () => {
      if (fail) throw new Error('broker down');
      return new Map();
    });
    await expect(tracker.resolve(translation(mark(true, 9)))).rejects.toThrow('broker down');
    fail = false;
    expect((await tracker.resolve(translation(mark(true, 9)))).entities).toHaveLength(2);
  });

  it('keeps at most maxEntries states', async () => {
    const r = reader();
    const tracker = createEpisodeTracker(r.read, { maxEntries: 2 });
    for (const id of ['urn:a', 'urn:b', 'urn:c', 'urn:a']) await tracker.resolve(translation(mark(false, 9, id)));
    expect(r.calls).toEqual([['urn:a'], ['urn:b'], ['urn:c'], ['urn:a']]);
  });

  it('refuses episodes outside merge mode, and passes translations without episodes as they are', async () => {
    const tracker = createEpisodeTracker(reader().read);
    await expect(tracker.resolve({ ...translation(mark(true, 9)), mode: 'replace' })).rejects.toThrow('merge mode');
    const plain: Translation = { entities: [], context: [] };
    expect(await tracker.resolve(plain)).toBe(plain);
  });
});

describe('reading states back', () => {
  it('accepts DateTime strings and typed values, normalized to UTC', () => {
    expect(timeOf('2026-09-02T12:00:00+02:00')).toBe(T(10));
    expect(timeOf({ '@type': 'DateTime', '@value': '2026-09-02T10:00:00Z' })).toBe(T(10));
    expect([timeOf('soon'), timeOf(3), timeOf(undefined)]).toEqual([undefined, undefined, undefined]);
    expect(statesOf([{ id: 'urn:a', validFrom: T(1) }, { id: 'urn:b', validTo: { '@value': T(2) } }, { type: 'no id' }])).toEqual(
      new Map([
        ['urn:a', { validFrom: T(1), validTo: undefined }],
        ['urn:b', { validFrom: undefined, validTo: T(2) }],
      ]),
    );
  });
});
