/** The dead-letter store on a real SQLite file: a store written by an earlier version opens and upgrades. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDeadLetterStore } from './dead-letters';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-dl-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const letter = { adapter: 'water/csv', stage: 'translate' as const, reason: 'line 2: bad', status: 422, contentType: 'text/csv', query: {}, headers: {}, payload: 'a;b', receivedAt: '2026-11-22T00:00:00.000Z' };

it('keeps whether the body was kept, across a reopen', () => {
  const file = path.join(dir, 'ingest.sqlite');
  let dl = openDeadLetterStore(file);
  const kept = dl.add(letter);
  const unkept = dl.add({ ...letter, payload: '', bodyKept: false });
  const empty = dl.add({ ...letter, payload: '' });
  dl.close();
  dl = openDeadLetterStore(file);
  expect([kept, unkept, empty].map((id) => dl.get(id)?.bodyKept)).toEqual([true, false, true]);
  dl.close();
});

it('upgrades a store without body_kept: its empty payloads were streamed documents, not kept', () => {
  const file = path.join(dir, 'ingest.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, adapter TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL,
    status INTEGER NOT NULL, content_type TEXT NOT NULL, query TEXT NOT NULL, headers TEXT NOT NULL, payload TEXT NOT NULL,
    received_at TEXT NOT NULL, replays INTEGER NOT NULL DEFAULT 0)`);
  const ins = db.prepare("INSERT INTO dead_letters(adapter, stage, reason, status, content_type, query, headers, payload, received_at) VALUES ('mobility/datex2', 'decode', 'r', 400, 'application/xml', '{}', '{}', ?, 'x')");
  ins.run('<d2LogicalModel/>');
  ins.run('');
  db.close();
  const dl = openDeadLetterStore(file);
  expect(dl.list({ limit: 10, offset: 0 }).items.map((d) => [d.payload, d.bodyKept, d.repeats])).toEqual([['<d2LogicalModel/>', true, 0], ['', false, 0]]);
  expect(dl.get(dl.add(letter))?.bodyKept).toBe(true);
  // the dead letters filed before fingerprints existed got theirs on opening: the same message again is counted there
  const old = { ...letter, adapter: 'mobility/datex2', stage: 'decode' as const, reason: 'r', status: 400, contentType: 'application/xml', payload: '<d2LogicalModel/>' };
  expect(dl.add(old)).toBe(1);
  expect(dl.get(1)).toMatchObject({ repeats: 1 });
  dl.close();
});

it('files the same refusal once: the one there counts it again (repeats, lastReceivedAt), across a reopen', () => {
  const file = path.join(dir, 'ingest.sqlite');
  let dl = openDeadLetterStore(file);
  const first = dl.add(letter);
  expect(dl.add({ ...letter, headers: { 'x-request-id': 'other' }, receivedAt: '2026-11-22T01:00:00.000Z' })).toBe(first);
  dl.close();
  dl = openDeadLetterStore(file);
  expect(dl.add({ ...letter, receivedAt: '2026-11-22T02:00:00.000Z' })).toBe(first);
  expect(dl.get(first)).toMatchObject({ receivedAt: letter.receivedAt, repeats: 2, lastReceivedAt: '2026-11-22T02:00:00.000Z', replays: 0 });
  // the query's parameters in another order are the same query
  const q1 = dl.add({ ...letter, query: { event: 'up', x: '1' } });
  expect(dl.add({ ...letter, query: { x: '1', event: 'up' } })).toBe(q1);
  dl.delete(q1);
  // the same refusal of two polled publishers is two
  const polled = dl.add({ ...letter, headers: { 'x-eclor-poll-source': 'http://a.example/p.xml' } });
  expect(dl.add({ ...letter, headers: { 'x-eclor-poll-source': 'http://b.example/p.xml' } })).not.toBe(polled);
  expect(dl.add({ ...letter, headers: { 'x-eclor-poll-source': 'http://a.example/p.xml', 'user-agent': 'x' } })).toBe(polled);
  for (const id of [polled, polled + 1]) dl.delete(id);
  // another payload, reason, query, stage or status is another refusal
  const others = [{ payload: 'a;c' }, { reason: 'line 3: bad' }, { query: { event: 'up' } }, { stage: 'validate' as const }, { status: 409 }].map((x) => dl.add({ ...letter, ...x }));
  expect(new Set([first, ...others]).size).toBe(6);
  // a body not kept says nothing of what the message was: never taken for another
  const unkept = { ...letter, payload: '', bodyKept: false };
  expect(dl.add(unkept)).not.toBe(dl.add(unkept));
  expect(dl.count()).toBe(8);
  dl.close();
});

it('a dead letter replayed and refused anew is the same as that new refusal; one deleted is filed afresh', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'));
  const id = dl.add(letter);
  dl.update(id, 'write', 'broker refused it', 400);
  expect(dl.add({ ...letter, stage: 'write', reason: 'broker refused it', status: 400 })).toBe(id);
  expect(dl.add(letter)).not.toBe(id);
  expect(dl.get(id)).toMatchObject({ replays: 1, repeats: 1 });
  dl.delete(id);
  const again = dl.add({ ...letter, stage: 'write', reason: 'broker refused it', status: 400 });
  expect(again).not.toBe(id);
  expect(dl.get(again)).toMatchObject({ repeats: 0 });
  expect(dl.get(again)?.lastReceivedAt).toBeUndefined();
  dl.close();
});

it('a replay refused for the reason a dead letter filed since holds: the two are one, counted on the one replayed', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'));
  const first = dl.add({ ...letter, reason: 'unknown device' });
  // the device registered since, the same message sent again is refused at another stage
  const later = dl.add({ ...letter, stage: 'decode', reason: 'frame of 12 bytes', status: 400, receivedAt: '2026-11-22T05:00:00.000Z' });
  dl.add({ ...letter, stage: 'decode', reason: 'frame of 12 bytes', status: 400, receivedAt: '2026-11-22T06:00:00.000Z' });
  dl.update(first, 'decode', 'frame of 12 bytes', 400);
  expect(dl.get(later)).toBeUndefined();
  expect(dl.get(first)).toMatchObject({ replays: 1, repeats: 2, lastReceivedAt: '2026-11-22T06:00:00.000Z', receivedAt: letter.receivedAt });
  expect(dl.add({ ...letter, stage: 'decode', reason: 'frame of 12 bytes', status: 400 })).toBe(first);
  dl.close();
});

it('a part refused on its own is about its entity: refused again for the same reason, whatever its payload, it is the same dead letter, holding the latest payload', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'));
  const part = { ...letter, reason: 'counts refused: -1', about: 'urn:ngsi-ld:OffStreetParking:x:P1' };
  const id = dl.add({ ...part, payload: '<record time="1"/>' });
  expect(dl.add({ ...part, payload: '<record time="2"/>', headers: { 'x-request-id': '2' }, receivedAt: '2026-11-22T01:00:00.000Z' })).toBe(id);
  expect(dl.get(id)).toMatchObject({ payload: '<record time="2"/>', headers: { 'x-request-id': '2' }, repeats: 1, about: part.about, receivedAt: letter.receivedAt });
  // another entity, or another reason, is another refusal
  expect(dl.add({ ...part, about: 'urn:ngsi-ld:OffStreetParking:x:P2' })).not.toBe(id);
  expect(dl.add({ ...part, reason: 'counts refused: -2' })).not.toBe(id);
  // replayed and refused anew, it stays about its entity
  dl.update(id, 'translate', 'counts refused: -3', 422);
  expect(dl.add({ ...part, reason: 'counts refused: -3', payload: '<record time="4"/>' })).toBe(id);
  dl.close();
});

it('folded into the dead letter replayed, a later refusal about the same entity leaves it its later payload', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'));
  const about = 'urn:ngsi-ld:AirQualityObserved:x:S1';
  const first = dl.add({ ...letter, reason: 'no2 3000 is out of range 0..2000', about, payload: '{"t":1}' });
  const later = dl.add({ ...letter, reason: 'no2 3000 is out of range 0..2500', about, payload: '{"t":2}', receivedAt: '2026-11-22T00:05:00.000Z' });
  dl.update(first, 'translate', 'no2 3000 is out of range 0..2500', 422);
  expect(dl.get(later)).toBeUndefined();
  expect(dl.get(first)).toMatchObject({ payload: '{"t":2}', repeats: 1, lastReceivedAt: '2026-11-22T00:05:00.000Z' });
  dl.close();
});

it('folding an earlier dead letter into a later one: first arrival the earlier, last arrival the later', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'));
  const about = 'urn:ngsi-ld:AirQualityObserved:x:S1';
  dl.add({ ...letter, reason: 'out of range 0..2000', about, payload: '{"t":1}' });
  const later = dl.add({ ...letter, reason: 'out of range 0..2500', about, payload: '{"t":2}', receivedAt: '2026-11-22T00:05:00.000Z' });
  dl.update(later, 'translate', 'out of range 0..2000', 422);
  expect(dl.get(later)).toMatchObject({ payload: '{"t":2}', repeats: 1, receivedAt: letter.receivedAt, lastReceivedAt: '2026-11-22T00:05:00.000Z' });
  dl.close();
});

it('about one entity, whatever the request id and media type: the dead letter holds the latest payload with its request id and media type', () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'), (adapter) => (adapter === letter.adapter ? { requestIds: ['requestId'] } : undefined));
  const part = { ...letter, reason: 'pm10 -4 is out of range', about: 'urn:ngsi-ld:AirQualityObserved:x:S1' };
  const id = dl.add({ ...part, query: { gw: 'a', requestId: '1' }, payload: '{"t":1}' });
  expect(dl.add({ ...part, query: { gw: 'a', requestId: '2' }, contentType: 'application/json', payload: '{"t":2}', receivedAt: '2026-11-22T01:00:00.000Z' })).toBe(id);
  expect(dl.get(id)).toMatchObject({ query: { gw: 'a', requestId: '2' }, contentType: 'application/json', payload: '{"t":2}', repeats: 1 });
  // another query (another kind of event, another gateway) or poll source is still told apart
  expect(dl.add({ ...part, query: { gw: 'b', requestId: '3' } })).not.toBe(id);
  expect(dl.add({ ...part, query: { gw: 'a' }, headers: { 'x-eclor-poll-source': 'http://a.example/p' } })).not.toBe(id);
  dl.close();
});

it("leaves out the query parameters an adapter names as request ids; its other parameters still tell refusals apart", () => {
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'), (adapter) => (adapter === 'lighting/talq' ? { requestIds: ['talqRequestId'] } : undefined));
  const talq = { ...letter, adapter: 'lighting/talq', stage: 'decode' as const, reason: 'not JSON', status: 400, contentType: 'application/json', payload: '{' };
  const id = dl.add({ ...talq, query: { clientAddress: 'g1', talqRequestId: 'r1' } });
  expect(dl.add({ ...talq, query: { clientAddress: 'g1', talqRequestId: 'r2' } })).toBe(id);
  expect(dl.add({ ...talq, query: { clientAddress: 'g2', talqRequestId: 'r3' } })).not.toBe(id);
  // another adapter's parameter of that name is part of what its message says
  const other = { ...talq, adapter: 'mapping/x' };
  expect(dl.add({ ...other, query: { talqRequestId: 'r1' } })).not.toBe(dl.add({ ...other, query: { talqRequestId: 'r2' } }));
  dl.close();
});

it('a store fingerprinted by an earlier rule gets this rule on opening: the same refusal with a new request id is counted there', () => {
  const file = path.join(dir, 'ingest.sqlite');
  const rules = () => ({ requestIds: ['talqRequestId'] });
  let dl = openDeadLetterStore(file, rules);
  const part = { ...letter, reason: 'level 120 % out of range', about: 'urn:ngsi-ld:Streetlight:x:L1' };
  const id = dl.add({ ...part, query: { talqRequestId: 'r1' } });
  dl.close();
  const db = new Database(file);
  db.exec("UPDATE dead_letters SET fingerprint = 'earlier rule'; DELETE FROM dead_letters_meta");
  db.close();
  dl = openDeadLetterStore(file, rules);
  expect(dl.add({ ...part, query: { talqRequestId: 'r2' } })).toBe(id);
  dl.close();
});

it("about one entity, an adapter's foldPart merges the payload kept with the later one (in arrival order), when counted and when folded by a replay", () => {
  const merge = (kept: string, later: string) => JSON.stringify([...(JSON.parse(kept) as string[]), ...(JSON.parse(later) as string[])]);
  const dl = openDeadLetterStore(path.join(dir, 'ingest.sqlite'), (adapter) => (adapter === 'lighting/talq' ? { foldPart: merge } : undefined));
  const part = { ...letter, adapter: 'lighting/talq', reason: 'level 130 % out of range', about: 'urn:ngsi-ld:Streetlight:x:L1' };
  const id = dl.add({ ...part, payload: '["failure","level"]' });
  expect(dl.add({ ...part, payload: '["level2"]', receivedAt: '2026-11-22T01:00:00.000Z' })).toBe(id);
  expect(dl.get(id)?.payload).toBe('["failure","level","level2"]');
  // replayed and refused for another reason, then a letter filed since for that reason folds into it
  dl.update(id, 'translate', 'level 140 % out of range', 422);
  const since = dl.add({ ...part, reason: 'level 150 % out of range', payload: '["level3"]', receivedAt: '2026-11-22T02:00:00.000Z' });
  dl.update(id, 'translate', 'level 150 % out of range', 422);
  expect(dl.get(since)).toBeUndefined();
  expect(dl.get(id)?.payload).toBe('["failure","level","level2","level3"]');
  // another adapter keeps the later payload
  const other = { ...part, adapter: 'water/quality' };
  const w = dl.add({ ...other, payload: '["a"]' });
  dl.add({ ...other, payload: '["b"]' });
  expect(dl.get(w)?.payload).toBe('["b"]');
  dl.close();
});
