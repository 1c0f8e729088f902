/** The store contract, run on a real SQLite file and on ':memory:' through the same interface. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredEntity } from '../../ngsi-ld/types';
import { parseQ, parseTypeExpr, qToSql, typeToSql } from '../../ngsi-ld/q';
import { matchGeo, parseGeoQuery, searchBox } from '../../ngsi-ld/geo';
import { createTenantRegistry } from './tenants';
import type { TenantDb } from './tenant-db';
import type { QueryResult, TenantRegistry } from './types';

const idsOf = (r: QueryResult) => r.rows.map((row) => (JSON.parse(row.doc) as StoredEntity).id);

const V = 'https://uri.etsi.org/ngsi-ld/default-context/';
const now = '2024-01-01T00:00:00.000Z';

function entity(n: number, type = 'Lamp'): StoredEntity {
  return {
    id: `urn:ngsi-ld:${type}:${n}`,
    types: [V + type],
    createdAt: now,
    modifiedAt: now,
    attrs: {
      [V + 'level']: [{ type: 'Property', value: n, createdAt: now, modifiedAt: now }],
      [V + 'location']: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [n, n] } }],
    },
  };
}

const dirs: string[] = [];
const kinds: Array<[string, () => TenantRegistry]> = [
  ['file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-store-'));
    dirs.push(dir);
    return createTenantRegistry({ dataDir: dir });
  }],
  [':memory:', () => createTenantRegistry({ dataDir: ':memory:' })],
];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe.each(kinds)('store on %s', (_kind, make) => {
  let reg: TenantRegistry;
  beforeEach(() => {
    reg = make();
  });
  afterEach(() => reg.close());

  it('forgets the attribute paths a rolled-back savepoint created, though the transaction commits', () => {
    const s = reg.forWrite(undefined);
    const lamp = (n: number, attr: string): StoredEntity => ({ ...entity(n), attrs: { [V + attr]: [{ type: 'Property', value: n }] } });
    s.transaction(() => {
      expect(() =>
        s.transaction(() => {
          s.insert(lamp(1, 'rolledBack')); // creates the path, then the savepoint rolls back
          throw new Error('job failed');
        }),
      ).toThrow('job failed');
      s.insert(lamp(2, 'level'));
    });
    s.insert(lamp(3, 'other')); // a new path, which may take the freed path id
    s.insert(lamp(4, 'rolledBack'));
    const withAttr = (attr: string) => idsOf(s.query({ selectors: [], attrsAny: [V + attr], limit: 10, offset: 0, count: false }));
    expect([withAttr('rolledBack'), withAttr('other')]).toEqual([['urn:ngsi-ld:Lamp:4'], ['urn:ngsi-ld:Lamp:3']]);
  });

  it('inserts, refuses duplicates, gets, updates, deletes', () => {
    const s = reg.forWrite(undefined);
    expect(s.insert(entity(1))).toBe(true);
    expect(s.insert(entity(1))).toBe(false);
    expect(s.get('urn:ngsi-ld:Lamp:1')).toEqual(entity(1));
    const changed = { ...entity(1), attrs: { [V + 'level']: [{ type: 'Property' as const, value: 42 }] } };
    expect(s.update(changed)).toBe(true);
    expect(s.get('urn:ngsi-ld:Lamp:1')).toEqual(changed);
    expect(s.update(entity(2))).toBe(false);
    expect(s.delete('urn:ngsi-ld:Lamp:1')).toBe(true);
    expect(s.delete('urn:ngsi-ld:Lamp:1')).toBe(false);
    expect(s.get('urn:ngsi-ld:Lamp:1')).toBeUndefined();
  });

  it('queries by type, q, ids, pattern and geo with stable paging and count; indexes follow updates', () => {
    const s = reg.forWrite(undefined);
    s.transaction(() => {
      for (let i = 0; i < 50; i++) s.insert(entity(i, i % 2 ? 'Lamp' : 'Meter'));
    });
    const type = typeToSql(parseTypeExpr('Lamp'), (t) => V + t);
    const q = qToSql(parseQ('level>=10;level<20'), (t) => V + t);
    const r = s.query({ selectors: [{ type }], q, limit: 3, offset: 1, count: true });
    expect(r.count).toBe(5);
    expect(idsOf(r)).toEqual(['urn:ngsi-ld:Lamp:13', 'urn:ngsi-ld:Lamp:15', 'urn:ngsi-ld:Lamp:17']);
    expect(s.query({ selectors: [{ ids: ['urn:ngsi-ld:Lamp:1', 'urn:ngsi-ld:Meter:2'] }], limit: 10, offset: 0, count: false }).rows).toHaveLength(2);
    expect(s.query({ selectors: [{ idPattern: 'Meter:4\\d$' }], limit: 100, offset: 0, count: true }).count).toBe(5);
    const g = parseGeoQuery({ georel: 'near;maxDistance==200000', geometry: 'Point', coordinates: '[10,10]' })!;
    const near = s.query({ selectors: [], geo: { path: V + 'location', box: searchBox(g), match: (x) => matchGeo(g, x) }, limit: 10, offset: 0, count: true });
    expect(idsOf(near).sort()).toEqual(['urn:ngsi-ld:Lamp:11', 'urn:ngsi-ld:Lamp:9', 'urn:ngsi-ld:Meter:10']) // (9,9) and (11,11) are ~156 km away;
    s.update({ ...entity(13, 'Lamp'), attrs: { [V + 'level']: [{ type: 'Property', value: 999 }] } });
    expect(s.query({ selectors: [{ type }], q, limit: 10, offset: 0, count: true }).count).toBe(4);
    s.delete('urn:ngsi-ld:Lamp:15');
    expect(s.query({ selectors: [{ type }], q, limit: 10, offset: 0, count: true }).count).toBe(3);
    expect(s.query({ selectors: [], attrsAny: [V + 'location'], limit: 1000, offset: 0, count: true }).count).toBe(48);
  });

  it('rolls a failed transaction back entirely', () => {
    const s = reg.forWrite(undefined);
    expect(() =>
      s.transaction(() => {
        s.insert(entity(1));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get('urn:ngsi-ld:Lamp:1')).toBeUndefined();
    expect(s.query({ selectors: [], attrsAny: [V + 'level'], limit: 10, offset: 0, count: true }).count).toBe(0);
  });

  it('group-commits writes of one event-loop turn; a failing write does not affect the others', async () => {
    const s = reg.forWrite(undefined);
    const results = await Promise.allSettled([
      s.write(() => s.insert(entity(1))),
      s.write(() => {
        s.insert(entity(2));
        throw new Error('this write fails after inserting');
      }),
      s.write(() => s.insert(entity(3))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(s.get('urn:ngsi-ld:Lamp:1')).toBeDefined();
    expect(s.get('urn:ngsi-ld:Lamp:2')).toBeUndefined();
    expect(s.get('urn:ngsi-ld:Lamp:3')).toBeDefined();
    expect(s.query({ selectors: [], attrsAny: [V + 'level'], limit: 10, offset: 0, count: true }).count).toBe(2);
  });

  it('gives every write a new version, never reused', () => {
    const s = reg.forWrite(undefined);
    s.insert(entity(1));
    const v1 = s.getRow('urn:ngsi-ld:Lamp:1')!.ver;
    s.update(entity(1));
    const v2 = s.getRow('urn:ngsi-ld:Lamp:1')!.ver;
    s.delete('urn:ngsi-ld:Lamp:1');
    expect(s.has('urn:ngsi-ld:Lamp:1')).toBe(false);
    s.insert(entity(1));
    expect(s.has('urn:ngsi-ld:Lamp:1')).toBe(true);
    const v3 = s.getRow('urn:ngsi-ld:Lamp:1')!.ver;
    expect(v2).toBeGreaterThan(v1);
    expect(v3).toBeGreaterThan(v2);
  });

  it('an update right after a get writes the row the get read; after a delete, a re-insert or a rollback it looks the row up again', async () => {
    const s = reg.forWrite(undefined);
    s.insert(entity(1));
    s.insert(entity(2));
    const level = () => (s.get('urn:ngsi-ld:Lamp:1')!.attrs[V + 'level'][0].value) as number;
    // get, then update the same entity in one write
    await s.write(() => {
      const e = s.get('urn:ngsi-ld:Lamp:1')!;
      e.attrs[V + 'level'] = [{ type: 'Property', value: 10 }];
      expect(s.update(e)).toBe(true);
    });
    expect(level()).toBe(10);
    // get, delete, insert again, then update: the row is the new one (its index rows too)
    s.transaction(() => {
      const e = s.get('urn:ngsi-ld:Lamp:1')!;
      s.delete('urn:ngsi-ld:Lamp:1');
      s.insert(entity(1));
      e.attrs[V + 'level'] = [{ type: 'Property', value: 11 }];
      expect(s.update(e)).toBe(true);
    });
    expect(level()).toBe(11);
    // a get, then a deletion of that entity: the update finds nothing
    s.transaction(() => {
      const e = s.get('urn:ngsi-ld:Lamp:1')!;
      s.delete('urn:ngsi-ld:Lamp:1');
      expect(s.update(e)).toBe(false);
      s.insert(entity(1));
    });
    // a get in a savepoint that rolls back, then an update of another entity and of the first one
    s.transaction(() => {
      expect(() =>
        s.transaction(() => {
          s.get('urn:ngsi-ld:Lamp:1');
          s.delete('urn:ngsi-ld:Lamp:1');
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      expect(s.update({ ...entity(1), attrs: { [V + 'level']: [{ type: 'Property', value: 12 }] } })).toBe(true);
    });
    expect(level()).toBe(12);
    const q = (value: number) => s.query({ selectors: [], q: qToSql(parseQ(`level==${value}`), (t) => V + t), limit: 10, offset: 0, count: true }).count;
    expect([q(10), q(11), q(12), q(2)]).toEqual([0, 0, 1, 1]);
  });
  it('keeps a small page cache while bulk loads are under way, the normal one after the last', () => {
    const s = reg.forWrite(undefined) as TenantDb;
    const normal = s.pageCacheKiB();
    const leaveA = s.bulk();
    const bulk = s.pageCacheKiB();
    expect(bulk).toBeLessThan(normal);
    const leaveB = s.bulk();
    leaveA();
    leaveA(); // leaving twice counts once
    expect(s.pageCacheKiB()).toBe(bulk);
    s.insert(entity(1));
    expect(s.get('urn:ngsi-ld:Lamp:1')).toEqual(entity(1));
    leaveB();
    expect(s.pageCacheKiB()).toBe(normal);
  });

  it('separates tenants and reports unknown ones', () => {
    reg.forWrite('commune-a').insert(entity(1));
    expect(reg.forWrite(undefined).get('urn:ngsi-ld:Lamp:1')).toBeUndefined();
    expect(reg.forRead('commune-a').get('urn:ngsi-ld:Lamp:1')).toBeDefined();
    expect(() => reg.forRead('nobody')).toThrow(expect.objectContaining({ errorName: 'NonexistentTenant' }));
    expect(() => reg.forWrite('../x')).toThrow(expect.objectContaining({ errorName: 'BadRequestData' }));
    expect(reg.tenants()).toContain('commune-a');
  });
});

it('keeps tenant data in one file per tenant that survives a reopen', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-store-'));
  dirs.push(dir);
  let reg = createTenantRegistry({ dataDir: dir });
  reg.forWrite('a').insert(entity(7));
  reg.close();
  expect(fs.existsSync(path.join(dir, 'tenants', 'a.sqlite'))).toBe(true);
  reg = createTenantRegistry({ dataDir: dir });
  expect(reg.forRead('a').get('urn:ngsi-ld:Lamp:7')).toEqual(entity(7));
  reg.close();
});
