/** The change feed of tenant-db.ts: committed changes only, after the commit, with before and after. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredEntity } from '../../ngsi-ld/types';
import { openTenantDb, type TenantDb } from './tenant-db';
import { createTenantRegistry } from './tenants';
import type { EntityChange, EntityStore, TenantRegistry } from './types';

const V = 'https://uri.etsi.org/ngsi-ld/default-context/';
const now = '2024-01-01T00:00:00.000Z';
const entity = (id: string, level: number): StoredEntity => ({ id, types: [V + 'Lamp'], createdAt: now, modifiedAt: now, attrs: { [V + 'level']: [{ type: 'Property', value: level }] } });
const level = (doc: string | undefined): unknown => (doc === undefined ? undefined : (JSON.parse(doc) as StoredEntity).attrs[V + 'level'][0].value);

let reg: TenantRegistry;
let seen: Array<{ tenant: string | undefined; changes: EntityChange[] }>;
/** The tenant's store, its changes recorded in `seen`. */
function watched(tenant?: string): EntityStore {
  const store = reg.forWrite(tenant);
  store.setChangeListener((changes) => seen.push({ tenant, changes }));
  return store;
}
beforeEach(() => {
  reg = createTenantRegistry({ dataDir: ':memory:' });
  seen = [];
});
afterEach(() => reg.close());

const summary = () => seen.map((s) => s.changes.map((c) => `${c.id}:${String(level(c.before))}->${String(level(c.after))}`));

it('reports insert, update and delete with the documents before and after', async () => {
  const store = watched();
  await store.write(() => store.insert(entity('urn:a', 1)));
  await store.write(() => store.update(entity('urn:a', 2)));
  await store.write(() => store.delete('urn:a'));
  expect(summary()).toEqual([['urn:a:undefined->1'], ['urn:a:1->2'], ['urn:a:2->undefined']]);
  expect(seen[0].tenant).toBeUndefined();
});

it('reports the writes of one group commit together, after the commit, in order', async () => {
  const store = watched();
  let reportedBeforeCommit = false;
  const a = store.write(() => {
    store.insert(entity('urn:a', 1));
    reportedBeforeCommit = seen.length > 0;
  });
  const b = store.write(() => store.insert(entity('urn:b', 1)));
  await Promise.all([a, b]);
  expect(reportedBeforeCommit).toBe(false);
  expect(summary()).toEqual([['urn:a:undefined->1', 'urn:b:undefined->1']]);
});

it('never reports the changes of a savepoint that rolled back', async () => {
  const store = watched();
  const failing = store.write(() => {
    store.insert(entity('urn:x', 1));
    throw new Error('boom');
  });
  const fine = store.write(() => store.insert(entity('urn:ok', 1)));
  await expect(failing).rejects.toThrow('boom');
  await fine;
  store.transaction(() => {
    store.insert(entity('urn:outer', 1));
    try {
      store.transaction(() => {
        store.update(entity('urn:outer', 2));
        throw new Error('inner');
      });
    } catch {
      // the inner savepoint rolled back, the outer transaction goes on
    }
  });
  expect(summary()).toEqual([['urn:ok:undefined->1'], ['urn:outer:undefined->1']]);
  expect(store.get('urn:x')).toBeUndefined();
});

it('reports autocommitted writes at once, per tenant, and stops when the listener is removed', () => {
  const store = watched('commune-a');
  reg.forWrite(undefined).insert(entity('urn:other', 1));
  store.insert(entity('urn:a', 1));
  expect(seen).toEqual([{ tenant: 'commune-a', changes: [{ id: 'urn:a', ver: expect.any(Number), after: expect.any(String) }] }]);
  store.setChangeListener(undefined);
  store.update(entity('urn:a', 2));
  expect(seen).toHaveLength(1);
});

it('a listener that throws never fails the write', async () => {
  const store = reg.forWrite(undefined);
  store.setChangeListener(() => {
    throw new Error('listener');
  });
  await expect(store.write(() => store.insert(entity('urn:a', 1)))).resolves.toBe(true);
});

it('stores subscriptions and their counters', () => {
  const subs = reg.forWrite(undefined).subscriptions;
  expect(subs.insert({ id: 'urn:s', doc: '{"a":1}', counters: null })).toBe(true);
  expect(subs.insert({ id: 'urn:s', doc: '{}', counters: null })).toBe(false);
  expect(subs.replace('urn:s', '{"a":2}')).toBe(true);
  subs.saveCounters([{ id: 'urn:s', counters: '{"timesSent":3}' }, { id: 'urn:gone', counters: '{}' }]);
  expect(subs.all()).toEqual([{ id: 'urn:s', doc: '{"a":2}', counters: '{"timesSent":3}' }]);
  expect(subs.delete('urn:s')).toBe(true);
  expect(subs.get('urn:s')).toBeUndefined();
});

/** Runs `fn` with an owner connection to a new tenant file, then closes it and removes the file. */
async function onFile(fn: (owner: TenantDb, file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-feed-'));
  const file = path.join(dir, 'default.sqlite');
  const owner = openTenantDb(file);
  try {
    await fn(owner, file);
  } finally {
    owner.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

it("reports another connection's earlier commits before its own (setSettle), in version order", () =>
  onFile(async (owner, file) => {
    const other = openTenantDb(file, { versions: owner.shared()!.versions });
    try {
      const got: string[] = [];
      owner.setChangeListener((changes) => got.push(...changes.map((c) => `${c.id}:${String(level(c.after))}`)));
      // the other connection's changes, committed but not yet relayed (they travel between threads)
      let unrelayed: EntityChange[] = [];
      other.setChangeListener((changes) => unrelayed.push(...changes));
      owner.setSettle((before) => {
        owner.committedElsewhere(unrelayed.filter((c) => c.ver < before));
        unrelayed = unrelayed.filter((c) => c.ver >= before);
      });
      await other.write(() => other.insert(entity('urn:a', 1)));
      await owner.write(() => owner.update(entity('urn:a', 2)));
      expect(got).toEqual(['urn:a:1', 'urn:a:2']);
      expect(unrelayed).toEqual([]);
    } finally {
      other.close();
    }
  }));

it('clears a commit mark that another connection left when it stopped before reporting', () =>
  onFile(async (owner) => {
    const got: string[] = [];
    owner.setChangeListener((changes) => got.push(...changes.map((c) => c.id)));
    owner.setSettle(() => {});
    // versions[1] (TenantDbOptions.versions): the mark of a secondary connection that died after its commit
    await owner.write(() => owner.insert(entity('urn:a', 1)));
    const shared = new BigInt64Array(owner.shared()!.versions);
    shared[1] = shared[0]; // committed right after urn:a, never reported
    await owner.write(() => owner.insert(entity('urn:b', 1)));
    expect(got).toEqual(['urn:a', 'urn:b']);
    expect(shared[1]).toBe(0n); // the next reports do not wait for it
  }));
