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
  expect(dl.list({ limit: 10, offset: 0 }).items.map((d) => [d.payload, d.bodyKept])).toEqual([['<d2LogicalModel/>', true], ['', false]]);
  expect(dl.get(dl.add(letter))?.bodyKept).toBe(true);
  dl.close();
});
