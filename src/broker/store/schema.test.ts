/**
 * A tenant file written by an earlier schema version is brought up to date when it is opened, on a
 * real SQLite file: here version 4, whose attr_index held a row per observedAt.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseQ } from '../../ngsi-ld/q/parse-q';
import { qToSql } from '../../ngsi-ld/q/to-sql';
import type { StoredEntity } from '../../ngsi-ld/types';
import { indexRows } from './attr-index';
import { SCHEMA_VERSION } from './schema';
import { openTenantDb } from './tenant-db';

const V = 'https://x/';
let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-schema-'));
  file = path.join(dir, 't.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const meter = (id: string, observedAt: string): StoredEntity => ({
  id,
  types: [V + 'Meter'],
  createdAt: observedAt,
  modifiedAt: observedAt,
  attrs: { [V + 'volume']: [{ type: 'Property', value: 5, observedAt, unitCode: 'MTQ' }], [V + 'status']: [{ type: 'Property', value: 'ok' }] },
});

/** Turns the file back into what schema version 4 wrote: every row indexRows() gives, observedAt included. */
function downgradeToV4(entities: StoredEntity[]): void {
  const db = new Database(file);
  db.transaction(() => {
    const pid = (p: string) => {
      db.prepare('INSERT OR IGNORE INTO paths(path) VALUES (?)').run(p);
      return db.prepare('SELECT pid FROM paths WHERE path = ?').pluck().get(p);
    };
    for (const e of entities) {
      const rid = db.prepare('SELECT rid FROM entities WHERE id = ?').pluck().get(e.id);
      db.prepare('DELETE FROM attr_index WHERE rid = ?').run(rid);
      indexRows(e).forEach((r, pos) =>
        db.prepare('INSERT INTO attr_index(rid, pos, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(rid, pos, pid(r.path), r.dataset, r.kind, r.num, r.str, r.json),
      );
    }
    db.prepare("UPDATE meta SET value = '4' WHERE key = 'schemaVersion'").run();
  })();
  db.close();
}

function inspect(): { version: string; paths: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").pluck().get() as string,
      paths: db.prepare('SELECT p.path FROM attr_index a JOIN paths p ON p.pid = a.path ORDER BY a.rid, a.pos').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

const plan = (q: string) => ({ selectors: [], q: qToSql(parseQ(q), (t) => V + t), limit: 10, offset: 0, count: true });

it('migrates a version 4 file on open: its observedAt rows go, queries on them still answer', async () => {
  const meters = [meter('urn:m:1', '2026-01-01T00:00:00.000Z'), meter('urn:m:2', '2026-02-01T00:00:00.000Z')];
  const store = openTenantDb(file);
  await store.write(() => meters.forEach((m) => store.insert(m)));
  store.close();
  downgradeToV4(meters);
  expect(inspect().paths).toContain(V + 'volume observedAt');

  const reopened = openTenantDb(file);
  try {
    const after = inspect();
    expect(after.version).toBe(String(SCHEMA_VERSION));
    const perMeter = [V + 'volume', V + 'volume unitCode', V + 'status'];
    expect(after.paths).toEqual([...perMeter, ...perMeter]);
    // queries on both kinds of path still find the same entities
    expect(reopened.query(plan('volume.observedAt>2026-01-15')).count).toBe(1);
    expect(reopened.query(plan('volume.unitCode=="MTQ";status=="ok"')).count).toBe(2);
    // later writes add no observedAt row, and the query sees the new time
    await reopened.write(() => reopened.update(meter('urn:m:1', '2026-03-01T00:00:00.000Z')));
    expect(inspect().paths).toEqual([...perMeter, ...perMeter]);
    expect(reopened.query(plan('volume.observedAt>2026-02-15')).count).toBe(1);
    expect(reopened.query(plan('volume.observedAt<2026-01-15')).count).toBe(0);
  } finally {
    reopened.close();
  }
});

it('refuses a file of a version it cannot migrate, and leaves it untouched', () => {
  openTenantDb(file).close();
  const db = new Database(file);
  db.prepare("UPDATE meta SET value = '3' WHERE key = 'schemaVersion'").run();
  db.close();
  expect(() => openTenantDb(file)).toThrow(/has schema version 3; this version of ECLOR needs 5/);
  expect(inspect().version).toBe('3');
});
