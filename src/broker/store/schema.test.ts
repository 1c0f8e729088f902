/**
 * A tenant file written by an earlier schema version is brought up to date when it is opened, on a
 * real SQLite file: here version 4, whose observedAt rows were kind `s` inside index attr_index_str.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseQ } from '../../ngsi-ld/q/parse-q';
import { qToSql } from '../../ngsi-ld/q/to-sql';
import type { StoredEntity } from '../../ngsi-ld/types';
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

/** Turns the file back into what schema version 4 wrote. */
function downgradeToV4(): void {
  const db = new Database(file);
  db.exec(`
    DROP INDEX attr_index_str;
    CREATE INDEX attr_index_str ON attr_index(path, str) WHERE num IS NULL;
    UPDATE attr_index SET kind = 's' WHERE kind = 't';
    UPDATE meta SET value = '4' WHERE key = 'schemaVersion';`);
  db.close();
}

function inspect(): { version: string; kinds: Array<[string, string]>; indexSql: string } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").pluck().get() as string,
      kinds: db.prepare('SELECT p.path, a.kind FROM attr_index a JOIN paths p ON p.pid = a.path ORDER BY a.rid, a.pos').raw().all() as Array<[string, string]>,
      indexSql: db.prepare("SELECT sql FROM sqlite_master WHERE name = 'attr_index_str'").pluck().get() as string,
    };
  } finally {
    db.close();
  }
}

const plan = (q: string) => ({ selectors: [], q: qToSql(parseQ(q), (t) => V + t), limit: 10, offset: 0, count: true });

it('migrates a version 4 file on open: observedAt rows become kind t and leave the string index', async () => {
  const store = openTenantDb(file);
  await store.write(() => {
    store.insert(meter('urn:m:1', '2026-01-01T00:00:00.000Z'));
    store.insert(meter('urn:m:2', '2026-02-01T00:00:00.000Z'));
  });
  store.close();
  downgradeToV4();
  expect(inspect().kinds.filter(([, k]) => k === 't')).toEqual([]);

  const reopened = openTenantDb(file);
  try {
    const after = inspect();
    expect(after.version).toBe(String(SCHEMA_VERSION));
    const perMeter = [
      [V + 'volume', 'n'],
      [V + 'volume observedAt', 't'],
      [V + 'volume unitCode', 's'],
      [V + 'status', 's'],
    ];
    expect(after.kinds).toEqual([...perMeter, ...perMeter]);
    expect(after.indexSql).toMatch(/WHERE num IS NULL AND kind <> 't'/);
    // queries on both kinds of path still find the same entities
    expect(reopened.query(plan('volume.observedAt>2026-01-15')).count).toBe(1);
    expect(reopened.query(plan('volume.unitCode=="MTQ";status=="ok"')).count).toBe(2);
    // and later writes keep to the new kinds
    await reopened.write(() => reopened.update(meter('urn:m:1', '2026-03-01T00:00:00.000Z')));
    expect(reopened.query(plan('volume.observedAt>2026-02-15')).count).toBe(1);
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
