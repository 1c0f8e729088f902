/** Replay of an entity's dead letter, with the write stage recorded. */
import { openDeadLetterStore, type DeadLetterStore } from './dead-letters';
import { createEpisodeTracker } from './episodes';
import { openPartStore, type PartStore } from './parts';
import { replay } from './replay';
import type { IngestDeps } from './run-message';
import { createStats } from './stats';
import type { Adapter, Translation } from './types';

const CTX = 'https://example.org/transport.jsonld';
const SITE = 'urn:ngsi-ld:TrafficFlowObserved:demo:S1:1';
const adapter: Adapter = { name: 'test/sites', path: '/ingest/test/sites', contentTypes: ['application/xml'], handle: () => ({ entities: [], context: [] }) };

let deadLetters: DeadLetterStore;
let parts: PartStore;
let writes: Translation[];
let deps: IngestDeps;
beforeEach(() => {
  deadLetters = openDeadLetterStore(':memory:');
  parts = openPartStore(':memory:');
  writes = [];
  deps = {
    env: { devices: { get: () => undefined }, territory: 'demo' },
    deadLetters,
    stats: createStats(),
    write: async (t) => {
      writes.push(t);
      return { written: t.entities.map((e) => String(e.id)), failed: [], retries: 0 };
    },
    episodes: createEpisodeTracker(async () => new Map()),
    parts,
    readComplete: async () => new Set<string>(),
  };
});
afterEach(() => {
  deadLetters.close();
  parts.close();
});

/** A reading: its value written, its unknown field refused on its own (about its entity). */
const readings: Adapter = {
  ...adapter,
  contentTypes: ['application/json'],
  handle: (m) => {
    const { t, extra } = JSON.parse(m.body) as { t: number; extra: number };
    return { entities: [{ id: SITE, type: 'TrafficFlowObserved', intensity: { type: 'Property', value: t } }], context: [CTX], refused: [{ reason: 'unknown field extra', entityId: SITE, payload: JSON.stringify({ extra }) }] };
  },
};
/** A whole reading refused before its adapter ran, at `at`. */
const refusedReading = (payload: string, at: string, reason = 'probe has no location') =>
  deadLetters.add({ adapter: readings.name, stage: 'translate', reason, status: 422, contentType: 'application/json', query: {}, headers: {}, payload, receivedAt: at });

const entityLetter = (entity: Record<string, unknown>) =>
  deadLetters.get(deadLetters.add({ adapter: adapter.name, stage: 'validate', reason: 'broker refused', status: 422, contentType: 'application/xml', query: {}, headers: {}, payload: JSON.stringify({ '@context': [CTX], ...entity }), receivedAt: '2026-11-23T01:00:00.000Z' }))!;

it("an entity is merged (it may be one part of an entity that others write: a replace would delete them), and its dead letter goes", async () => {
  const d = entityLetter({ id: SITE, type: 'TrafficFlowObserved', intensity: { type: 'Property', value: 600 } });
  expect(await replay(d, adapter, deps)).toMatchObject({ ok: true, written: [SITE] });
  expect(writes).toEqual([{ entities: [{ id: SITE, type: 'TrafficFlowObserved', intensity: { type: 'Property', value: 600 } }], context: [CTX], mode: 'merge' }]);
  expect(deadLetters.get(d.id)).toBeUndefined();
});

it('a part lacking what its type requires waits, as in a message; its entity complete, it is written with the rest', async () => {
  const sites = { ...adapter, requires: { TrafficFlowObserved: ['dateObserved'] } };
  const d = entityLetter({ id: SITE, type: 'TrafficFlowObserved', laneId: { type: 'Property', value: 1 } });
  expect(await replay(d, sites, deps)).toMatchObject({ ok: true, writtenCount: 0, held: [SITE], heldCount: 1 });
  expect([writes, parts.has(SITE), deps.stats.of(sites.name).held]).toEqual([[], true, 1]);
  const m = entityLetter({ id: SITE, type: 'TrafficFlowObserved', dateObserved: { type: 'Property', value: '2026-11-23T00:59:00Z' } });
  expect(await replay(m, sites, deps)).toMatchObject({ ok: true, written: [SITE] });
  expect(writes[0].entities[0]).toMatchObject({ laneId: { value: 1 }, dateObserved: { value: '2026-11-23T00:59:00Z' } });
  expect(parts.has(SITE)).toBe(false);
});

it('an entity refused again with its latest payload is judged against that payload\'s arrival, not the first one (the clock check)', async () => {
  const at = (h: number) => `2026-11-23T0${h}:00:00.000Z`;
  const refusal = (h: number) => ({
    adapter: adapter.name, stage: 'validate' as const, reason: 'broker refused', status: 422, contentType: 'application/xml', query: {}, headers: {}, about: SITE, receivedAt: at(h),
    payload: JSON.stringify({ '@context': [CTX], id: SITE, type: 'TrafficFlowObserved', intensity: { type: 'Property', value: 600 + h, observedAt: at(h) } }),
  });
  const id = deadLetters.add(refusal(1));
  expect(deadLetters.add(refusal(4))).toBe(id); // three hours later, the same refusal of the same entity: its latest payload kept
  expect(await replay(deadLetters.get(id)!, adapter, deps)).toMatchObject({ ok: true, written: [SITE] });
  expect(writes[0].entities[0]).toMatchObject({ intensity: { value: 604 } });
});

it("a replay refused for the reason another letter holds does not count on it nor delete it: the two are made one, keeping both arrivals", async () => {
  // a message adapter whose parts are refused by a rule the integrator changes between the two
  let limit = 100;
  const parts: Adapter = {
    ...adapter,
    contentTypes: ['application/json'],
    handle: (m) => {
      const { id, v } = JSON.parse(m.body) as { id: string; v: number };
      return { entities: [], context: [CTX], refused: [{ reason: `v ${v} above ${limit}`, entityId: id, payload: m.body }] };
    },
  };
  const filed = (body: string, at: string) => deadLetters.add({ adapter: parts.name, stage: 'translate', reason: `v ${JSON.parse(body).v} above ${limit}`, status: 422, contentType: 'application/json', query: {}, headers: {}, payload: body, receivedAt: at, about: SITE });
  const a = filed('{"id":"urn:ngsi-ld:TrafficFlowObserved:demo:S1:1","v":150}', '2026-11-23T01:00:00.000Z');
  limit = 120;
  const b = filed('{"id":"urn:ngsi-ld:TrafficFlowObserved:demo:S1:1","v":150}', '2026-11-23T02:00:00.000Z');
  expect(b).not.toBe(a); // another reason: another letter
  const out = await replay(deadLetters.get(a)!, parts, deps);
  expect(out).toMatchObject({ ok: false, deadLetter: a });
  expect(deadLetters.get(b)).toBeUndefined(); // folded into the letter replayed
  expect(deadLetters.get(a)).toMatchObject({ reason: 'v 150 above 120', replays: 1, repeats: 1, receivedAt: '2026-11-23T01:00:00.000Z', lastReceivedAt: '2026-11-23T02:00:00.000Z' });
  expect(deadLetters.count()).toBe(1);
});

it('a replay that writes part of its message, and refuses a part for the reason a letter filed before holds, counts it there at its arrival, with its payload when it came later', async () => {
  // a reading: its value written, its unknown field refused on its own (about the probe)
  const b = deadLetters.add({ adapter: readings.name, stage: 'translate', reason: 'unknown field extra', status: 422, contentType: 'application/json', query: {}, headers: {}, payload: '{"extra":210}', receivedAt: '2026-11-23T09:00:00.000Z', about: SITE });
  // the message of 10:00, refused whole for a cause since fixed
  const a = refusedReading('{"t":12,"extra":200}', '2026-11-23T10:00:00.000Z');
  const out = await replay(deadLetters.get(a)!, readings, deps);
  expect(out).toMatchObject({ ok: true, written: [SITE], rejected: [{ deadLetter: b }] });
  expect(deadLetters.get(a)).toBeUndefined();
  expect(deadLetters.get(b)).toMatchObject({ repeats: 1, receivedAt: '2026-11-23T09:00:00.000Z', lastReceivedAt: '2026-11-23T10:00:00.000Z', payload: '{"extra":200}', replays: 0 });
  // an earlier message replayed: counted, its first arrival kept in order, the later payload stays
  const early = refusedReading('{"t":11,"extra":190}', '2026-11-23T08:00:00.000Z');
  await replay(deadLetters.get(early)!, readings, deps);
  expect(deadLetters.get(b)).toMatchObject({ repeats: 2, receivedAt: '2026-11-23T08:00:00.000Z', lastReceivedAt: '2026-11-23T10:00:00.000Z', payload: '{"extra":200}' });
  expect(deadLetters.count()).toBe(1);
});

it("a message that came several times, replayed with part of it written: the letters of its refusals take over all its arrivals", async () => {
  const whole = { adapter: readings.name, stage: 'decode' as const, reason: 'media type text/plain', status: 415, contentType: 'application/json', query: {}, headers: {}, payload: '{"t":12,"extra":200}' };
  const w = deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:00:00.000Z' });
  deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:10:00.000Z' });
  deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:20:00.000Z' });
  const out = await replay(deadLetters.get(w)!, readings, deps);
  expect(out).toMatchObject({ ok: true, written: [SITE] });
  const [part] = deadLetters.list({ limit: 10, offset: 0 }).items;
  expect(deadLetters.count()).toBe(1);
  expect(part).toMatchObject({ about: SITE, repeats: 2, receivedAt: '2026-11-23T08:00:00.000Z', lastReceivedAt: '2026-11-23T08:20:00.000Z' });
  // that letter there before the replay of a message that came twice: it counts both arrivals
  const again = { ...whole, payload: '{"t":13,"extra":300}' };
  const w2 = deadLetters.add({ ...again, receivedAt: '2026-11-23T07:00:00.000Z' });
  deadLetters.add({ ...again, receivedAt: '2026-11-23T09:00:00.000Z' });
  await replay(deadLetters.get(w2)!, readings, deps);
  expect(deadLetters.get(w2)).toBeUndefined();
  expect(deadLetters.get(part.id)).toMatchObject({ repeats: 4, receivedAt: '2026-11-23T07:00:00.000Z', lastReceivedAt: '2026-11-23T09:00:00.000Z', payload: '{"extra":300}' });
});

it('a message whose two parts are refused into one letter: that letter counts both for every arrival, as when the message is sent again', async () => {
  const pair: Adapter = {
    ...adapter,
    contentTypes: ['application/json'],
    handle: (m) => ({
      entities: [{ id: SITE, type: 'TrafficFlowObserved', intensity: { type: 'Property', value: 1 } }],
      context: [CTX],
      refused: (JSON.parse(m.body) as number[]).map((v) => ({ reason: 'unknown field extra', entityId: SITE, payload: JSON.stringify({ extra: v }) })),
    }),
  };
  const whole = { adapter: pair.name, stage: 'decode' as const, reason: 'media type text/plain', status: 415, contentType: 'application/json', query: {}, headers: {}, payload: '[200,201]' };
  const w = deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:00:00.000Z' });
  deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:10:00.000Z' });
  deadLetters.add({ ...whole, receivedAt: '2026-11-23T08:20:00.000Z' });
  await replay(deadLetters.get(w)!, pair, deps);
  // sent three times, two refusals each: six, the first filed and five counted
  expect(deadLetters.list({ limit: 10, offset: 0 }).items).toEqual([expect.objectContaining({ repeats: 5, receivedAt: '2026-11-23T08:00:00.000Z', lastReceivedAt: '2026-11-23T08:20:00.000Z' })]);
});
