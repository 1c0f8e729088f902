/**
 * One tenant's SQLite database (better-sqlite3): the only place that runs SQL on entities.
 * WAL journal; `synchronous=NORMAL` keeps every committed transaction through a process crash
 * (kill -9), `FULL` also through a power loss.
 */
import Database from 'better-sqlite3';
import type { Geometry, StoredEntity } from '../../ngsi-ld/types';
import { boundingBox } from '../../ngsi-ld/geo';
import { registerQFunctions } from '../../ngsi-ld/q/sql-functions';
import { indexRows } from './attr-index';
import { SCHEMA_DDL, SCHEMA_VERSION } from './schema';
import type { EntityStore, QueryPlan, QueryResult, Selector } from './types';

type Stmt = Database.Statement;

export interface TenantDbOptions {
  sync?: 'NORMAL' | 'FULL';
}

const STMT_CACHE = 256;

/** Opens (and creates if needed) a tenant database at `file` (or ':memory:'). */
export function openTenantDb(file: string, opts: TenantDbOptions = {}): EntityStore & { close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.sync ?? 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  db.exec(SCHEMA_DDL);
  db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run('schemaVersion', String(SCHEMA_VERSION));
  registerQFunctions(db);

  const s = {
    get: db.prepare('SELECT rid, doc FROM entities WHERE id = ?'),
    insert: db.prepare('INSERT INTO entities(id, doc) VALUES (?, ?)'),
    exists: db.prepare('SELECT rid FROM entities WHERE id = ?'),
    update: db.prepare('UPDATE entities SET doc = ? WHERE rid = ?'),
    del: db.prepare('DELETE FROM entities WHERE rid = ?'),
    insType: db.prepare('INSERT OR IGNORE INTO entity_types(type, rid) VALUES (?, ?)'),
    delTypes: db.prepare('DELETE FROM entity_types WHERE rid = ?'),
    insAttr: db.prepare('INSERT INTO attr_index(rid, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    delAttrs: db.prepare('DELETE FROM attr_index WHERE rid = ?'),
    insGeo: db.prepare('INSERT INTO geo_index(rid, path, dataset, minx, miny, maxx, maxy, geojson) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delGeo: db.prepare('DELETE FROM geo_index WHERE rid = ?'),
  };
  const tx = db.transaction((fn: () => unknown) => fn());
  const cache = new Map<string, Stmt>();
  const prepared = (sql: string): Stmt => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      if (cache.size >= STMT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, st);
    }
    return st;
  };

  function writeIndexes(rid: number | bigint, e: StoredEntity): void {
    for (const t of e.types) s.insType.run(t, rid);
    for (const r of indexRows(e)) s.insAttr.run(rid, r.path, r.dataset, r.kind, r.num, r.str, r.json);
    for (const [name, instances] of Object.entries(e.attrs)) {
      for (const inst of instances) {
        if (inst.type !== 'GeoProperty') continue;
        const g = inst.value as Geometry;
        const [minx, miny, maxx, maxy] = boundingBox(g);
        s.insGeo.run(rid, name, (inst.datasetId as string | undefined) ?? null, minx, miny, maxx, maxy, JSON.stringify(g));
      }
    }
  }
  function clearIndexes(rid: number | bigint): void {
    s.delTypes.run(rid);
    s.delAttrs.run(rid);
    s.delGeo.run(rid);
  }

  function selectorSql(sel: Selector, params: unknown[]): string {
    const parts: string[] = [];
    if (sel.ids?.length) {
      parts.push(`e.id IN (${sel.ids.map(() => '?').join(',')})`);
      params.push(...sel.ids);
    }
    if (sel.idPattern !== undefined) {
      parts.push('regexp(?, e.id)');
      params.push(sel.idPattern);
    }
    if (sel.type) {
      parts.push(`(${sel.type.sql})`);
      params.push(...sel.type.params);
    }
    return parts.length ? parts.join(' AND ') : '1';
  }

  function buildWhere(plan: QueryPlan): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (plan.selectors.length) parts.push(`(${plan.selectors.map((sel) => `(${selectorSql(sel, params)})`).join(' OR ')})`);
    if (plan.attrsAny?.length) {
      parts.push(`e.rid IN (SELECT rid FROM attr_index WHERE path IN (${plan.attrsAny.map(() => '?').join(',')}))`);
      params.push(...plan.attrsAny);
    }
    if (plan.q) {
      parts.push(`(${plan.q.sql})`);
      params.push(...plan.q.params);
    }
    return { sql: parts.length ? parts.join(' AND ') : '1', params };
  }

  function queryGeo(plan: QueryPlan, where: { sql: string; params: unknown[] }): QueryResult {
    const geo = plan.geo!;
    let sql = `SELECT g.rid AS rid, g.geojson AS geojson FROM geo_index g JOIN entities e ON e.rid = g.rid WHERE g.path = ? AND ${where.sql}`;
    const params: unknown[] = [geo.path, ...where.params];
    if (geo.box) {
      sql += ' AND g.minx <= ? AND g.maxx >= ? AND g.miny <= ? AND g.maxy >= ?';
      params.push(geo.box[2], geo.box[0], geo.box[3], geo.box[1]);
    }
    sql += ' ORDER BY g.rid';
    const matched: number[] = [];
    let last = -1;
    for (const row of prepared(sql).iterate(...params) as Iterable<{ rid: number; geojson: string }>) {
      if (row.rid === last) continue;
      if (geo.match(JSON.parse(row.geojson) as Geometry)) {
        matched.push(row.rid);
        last = row.rid;
      }
    }
    const page = matched.slice(plan.offset, plan.offset + plan.limit);
    const entities = page.length
      ? (prepared(`SELECT doc FROM entities WHERE rid IN (${page.map(() => '?').join(',')}) ORDER BY rid`).all(...page) as Array<{ doc: string }>).map(
          (r) => JSON.parse(r.doc) as StoredEntity,
        )
      : [];
    return { entities, count: plan.count ? matched.length : undefined };
  }

  const store: EntityStore & { close(): void } = {
    get(id) {
      const row = s.get.get(id) as { doc: string } | undefined;
      return row ? (JSON.parse(row.doc) as StoredEntity) : undefined;
    },
    insert(e) {
      if (s.exists.get(e.id)) return false;
      const { lastInsertRowid } = s.insert.run(e.id, JSON.stringify(e));
      writeIndexes(lastInsertRowid, e);
      return true;
    },
    update(e) {
      const row = s.exists.get(e.id) as { rid: number } | undefined;
      if (!row) return false;
      s.update.run(JSON.stringify(e), row.rid);
      clearIndexes(row.rid);
      writeIndexes(row.rid, e);
      return true;
    },
    delete(id) {
      const row = s.exists.get(id) as { rid: number } | undefined;
      if (!row) return false;
      s.del.run(row.rid);
      clearIndexes(row.rid);
      return true;
    },
    query(plan) {
      const where = buildWhere(plan);
      if (plan.geo) return queryGeo(plan, where);
      const rows =
        plan.limit > 0
          ? (prepared(`SELECT e.doc FROM entities e WHERE ${where.sql} ORDER BY e.rid LIMIT ? OFFSET ?`).all(
              ...where.params,
              plan.limit,
              plan.offset,
            ) as Array<{ doc: string }>)
          : [];
      const count = plan.count
        ? (prepared(`SELECT count(*) AS n FROM entities e WHERE ${where.sql}`).get(...where.params) as { n: number }).n
        : undefined;
      return { entities: rows.map((r) => JSON.parse(r.doc) as StoredEntity), count };
    },
    transaction<T>(fn: () => T): T {
      return tx(fn) as T;
    },
    close() {
      if (db.open) {
        try {
          db.pragma('optimize');
        } finally {
          db.close();
        }
      }
    },
  };
  return store;
}
