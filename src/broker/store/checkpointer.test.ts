/**
 * The background checkpointer on real SQLite files: committed pages reach the database file without the
 * writing connection checkpointing, reads see every commit, and closing lets the last connection remove
 * the WAL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createCheckpointer } from './checkpointer';
import { createTenantRegistry } from './tenants';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-ckpt-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writeRows(db: Database.Database, n: number): void {
  const ins = db.prepare('INSERT INTO t(v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run('x'.repeat(1000));
  })();
}

test('the worker copies committed WAL pages into the database file; the writer never checkpoints', async () => {
  const file = path.join(dir, 'a.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0'); // the writer alone would leave everything in the WAL
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
  const cp = createCheckpointer({ intervalMs: 20 });
  cp.watch(file);
  const before = fs.statSync(file).size;
  writeRows(db, 2000); // ~2 MB
  let grown = false;
  for (let i = 0; i < 100 && !grown; i++) {
    await sleep(20);
    grown = fs.statSync(file).size > before + 1_000_000;
  }
  expect(grown).toBe(true);
  expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
  cp.close();
  db.close();
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
});

test('a tenant registry on files checkpoints in the background and closes cleanly; writes are all there after reopening', async () => {
  let reg = createTenantRegistry({ dataDir: dir });
  const store = reg.forWrite('t1');
  for (let i = 0; i < 300; i++) {
    await store.write(() => store.insert({ id: `urn:ngsi-ld:T:${i}`, types: ['https://x/T'], createdAt: 't', modifiedAt: 't', attrs: { 'https://x/v': [{ type: 'Property', value: i }] } }));
  }
  await sleep(300);
  reg.close();
  expect(fs.existsSync(path.join(dir, 'tenants', 't1.sqlite-wal'))).toBe(false);
  reg = createTenantRegistry({ dataDir: dir });
  expect(reg.forRead('t1').get('urn:ngsi-ld:T:299')?.attrs['https://x/v'][0].value).toBe(299);
  reg.close();
});

test('watching a file that does not exist is reported, not thrown', async () => {
  const warnings: object[] = [];
  const cp = createCheckpointer({ intervalMs: 20, log: { warn: (o) => warnings.push(o) } });
  cp.watch(path.join(dir, 'missing.sqlite'));
  for (let i = 0; i < 100 && warnings.length === 0; i++) await sleep(10);
  cp.close();
  expect(warnings[0]).toMatchObject({ file: path.join(dir, 'missing.sqlite') });
});
