/**
 * The index rows of tenant-db.ts stay exactly what indexRows() says through inserts, updates (first
 * update of an entity read back from its rows, later ones from the kept state), rolled-back savepoints
 * and deletes: checked against the database itself after each step.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { indexRows } from './attr-index';
import { openTenantDb, type TenantDb } from './tenant-db';

const V = 'https://x/';
let dir: string;
let file: string;
let store: TenantDb;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-sync-'));
  file = path.join(dir, 't.sqlite');
  store = openTenantDb(file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const t = (n: number) => `2024-01-01T00:00:0${n}.000Z`;
function entity(id: string, attrs: Record<string, StoredAttribute[]>, n = 0, types = [V + 'T']): StoredEntity {
  return { id, types, createdAt: t(0), modifiedAt: t(n), attrs };
}
const prop = (value: unknown, n = 0, extra: object = {}): StoredAttribute[] => [{ type: 'Property', value, observedAt: t(n), createdAt: t(0), modifiedAt: t(n), ...extra }];
const geo = (x: number): StoredAttribute[] => [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [x, x] } }];

/** What the database holds for `id`, as comparable sorted lists; and what it should hold for `e`. */
function rowsOf(id: string): { types: string[]; attrs: string[]; geo: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rid = db.prepare('SELECT rid FROM entities WHERE id = ?').pluck().get(id);
    const types = db.prepare('SELECT type FROM entity_types WHERE rid = ?').pluck().all(rid) as string[];
    const attrs = db.prepare('SELECT p.path, a.dataset, a.kind, a.num, a.str, a.json FROM attr_index a JOIN paths p ON p.pid = a.path WHERE a.rid = ?').raw().all(rid).map((r) => JSON.stringify(r));
    const g = db.prepare('SELECT p.path, g.dataset, g.minx, g.miny, g.maxx, g.maxy, g.geojson FROM geo_index g JOIN paths p ON p.pid = g.path WHERE g.rid = ?').raw().all(rid).map((r) => JSON.stringify(r));
    return { types: types.sort(), attrs: attrs.sort(), geo: g.sort() };
  } finally {
    db.close();
  }
}
function expected(e: StoredEntity): { types: string[]; attrs: string[]; geo: string[] } {
  const attrs = indexRows(e, false).map((r) => JSON.stringify([r.path, r.dataset, r.kind, r.num, r.str, r.json]));
  const g: string[] = [];
  for (const [name, list] of Object.entries(e.attrs)) for (const i of list) {
    if (i.type !== 'GeoProperty') continue;
    const [x, y] = (i.value as { coordinates: number[] }).coordinates;
    g.push(JSON.stringify([name, i.datasetId ?? null, x, y, x, y, JSON.stringify(i.value)]));
  }
  return { types: [...e.types].sort(), attrs: attrs.sort(), geo: g.sort() };
}
const check = (e: StoredEntity) => expect(rowsOf(e.id)).toEqual(expected(e));

it('keeps the rows right through updates, a rollback, a reopen and a delete', async () => {
  const a1 = entity('urn:a', { [V + 'n']: prop(1), [V + 's']: prop('x', 0, { unitCode: 'C' }), [V + 'loc']: geo(1) });
  expect(await store.write(() => store.insert(a1))).toBe(true);
  expect(store.insert(a1)).toBe(false);
  check(a1);
  // first update: from the rows; later ones: from the kept state
  const steps: StoredEntity[] = [
    entity('urn:a', { [V + 'n']: prop(1, 1), [V + 's']: prop('x', 0, { unitCode: 'C' }), [V + 'loc']: geo(1) }, 1),
    entity('urn:a', { [V + 'n']: prop(2, 1), [V + 's']: prop('x', 0, { unitCode: 'C' }), [V + 'loc']: geo(2) }, 2),
    entity('urn:a', { [V + 'n']: prop([2, 3], 1), [V + 'm']: prop({ a: 1 }), [V + 'loc']: geo(2) }, 3, [V + 'T', V + 'U']),
    entity('urn:a', { [V + 'n']: [{ type: 'Property', value: 2, datasetId: 'urn:d', sub: { type: 'Property', value: 'q' } } as StoredAttribute] }, 4, [V + 'U']),
  ];
  for (const e of steps) {
    await store.write(() => store.update(e));
    check(e);
  }
  // a savepoint that rolls back after an update: the next update must still see the committed rows
  const undone = entity('urn:a', { [V + 'z']: prop(9) }, 5);
  await expect(store.write(() => {
    store.update(undone);
    throw new Error('boom');
  })).rejects.toThrow('boom');
  check(steps[steps.length - 1]);
  const next = entity('urn:a', { [V + 'n']: prop(7), [V + 'loc']: geo(3) }, 6);
  await store.write(() => store.update(next));
  check(next);
  // another connection changed the row: the kept state no longer matches its version
  store.close();
  store = openTenantDb(file);
  const after = entity('urn:a', { [V + 'n']: prop(8), [V + 'loc']: geo(3) }, 7);
  await store.write(() => store.update(after));
  check(after);
  await store.write(() => store.delete('urn:a'));
  expect(rowsOf('urn:a')).toEqual({ types: [], attrs: [], geo: [] });
});
