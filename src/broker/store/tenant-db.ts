/**
 * One tenant's SQLite database (better-sqlite3): the only place that runs SQL on entities.
 * WAL journal; `synchronous=NORMAL` keeps every committed transaction through a process crash
 * (kill -9), `FULL` also through a power loss.
 */
import Database from 'better-sqlite3';
import type { Geometry, StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { boundingBox } from '../../ngsi-ld/geo';
import { registerQFunctions } from '../../ngsi-ld/q/sql-functions';
import { attributeRows, type IndexRow } from './attr-index';
import { SCHEMA_DDL, SCHEMA_VERSION } from './schema';
import { subscriptionTable } from './subscription-table';
import type { ChangeListener, EntityChange, EntityStore, QueryPlan, QueryResult, Selector, StoredRow } from './types';

type Stmt = Database.Statement;

export interface TenantDbOptions {
  sync?: 'NORMAL' | 'FULL';
  /**
   * WAL frames (4 KiB pages) after which a commit checkpoints by itself (SQLite's default 1000).
   * Raised when a background checkpointer (checkpointer.ts) does the work off the event loop.
   */
  walAutoCheckpoint?: number;
}

const STMT_CACHE = 256;
/** Entities whose index state (per-attribute JSON and row positions) is kept for cheap updates. */
const STATE_CACHE = 4096;

/** The index rows of one attribute: positions in attr_index, rowids in geo_index. */
interface AttrState {
  /** identity of the rows (JSON of the IndexRows): createdAt/modifiedAt changes leave it equal */
  key: string;
  rows: { pos: number[]; geo?: number[] };
}
interface WantedAttr {
  key: string;
  rows: IndexRow[];
}
/** What the index rows of one entity are, as of version `ver` of its row. */
interface IndexState {
  ver: number;
  types: string[];
  maxPos: number;
  attrs: Map<string, AttrState>;
}

/** Each attribute's index rows and (if `keyed`) their identity (JSON of the rows' values), in the entity's order. */
function attrRows(e: StoredEntity, keyed: boolean): Map<string, WantedAttr> {
  const out = new Map<string, WantedAttr>();
  for (const name of Object.keys(e.attrs)) {
    const rows = attributeRows(name, e.attrs[name]);
    // the path is the name plus, for sub-attributes, the rest: kept short in memory (see STATE_CACHE)
    out.set(name, { key: keyed ? JSON.stringify(rows.map((r) => [r.path.slice(name.length), r.dataset, r.kind, r.num, r.str, r.json])) : '', rows });
  }
  return out;
}

/** Opens (and creates if needed) a tenant database at `file` (or ':memory:'). */
export function openTenantDb(file: string, opts: TenantDbOptions = {}): EntityStore & { close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.sync ?? 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  if (opts.walAutoCheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(opts.walAutoCheckpoint))}`);
  db.exec(SCHEMA_DDL);
  db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run('schemaVersion', String(SCHEMA_VERSION));
  const version = db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").pluck().get();
  if (version !== String(SCHEMA_VERSION)) {
    db.close();
    throw new Error(`${file} has schema version ${String(version)}; this version of ECLOR needs ${SCHEMA_VERSION}`);
  }
  registerQFunctions(db);

  const s = {
    get: db.prepare('SELECT ver, doc FROM entities WHERE id = ?'),
    insert: db.prepare('INSERT INTO entities(id, ver, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING'),
    exists: db.prepare('SELECT rid, ver FROM entities WHERE id = ?'),
    has: db.prepare('SELECT 1 FROM entities WHERE id = ?').pluck(),
    previous: db.prepare('SELECT rid, ver, doc FROM entities WHERE id = ?'),
    update: db.prepare('UPDATE entities SET doc = ?, ver = ? WHERE rid = ?'),
    del: db.prepare('DELETE FROM entities WHERE rid = ?'),
    delTypes: db.prepare('DELETE FROM entity_types WHERE rid = ?'),
    delAttrs: db.prepare('DELETE FROM attr_index WHERE rid = ?'),
    delGeos: db.prepare('DELETE FROM geo_index WHERE rid = ?'),
    selTypes: db.prepare('SELECT type FROM entity_types WHERE rid = ?'),
    insType: db.prepare('INSERT OR IGNORE INTO entity_types(type, rid) VALUES (?, ?)'),
    delType: db.prepare('DELETE FROM entity_types WHERE type = ? AND rid = ?'),
    selAttrs: db.prepare('SELECT pos, path, dataset, kind, num, str, json FROM attr_index WHERE rid = ?'),
    insAttr: db.prepare('INSERT INTO attr_index(rid, pos, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delAttr: db.prepare('DELETE FROM attr_index WHERE rid = ? AND pos = ?'),
    selGeo: db.prepare('SELECT rowid, path, dataset, minx, miny, maxx, maxy, geojson FROM geo_index WHERE rid = ?'),
    insGeo: db.prepare('INSERT INTO geo_index(rid, path, dataset, minx, miny, maxx, maxy, geojson) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delGeo: db.prepare('DELETE FROM geo_index WHERE rowid = ?'),
    pathId: db.prepare('SELECT pid FROM paths WHERE path = ?').pluck(),
    insPath: db.prepare('INSERT INTO paths(path) VALUES (?)'),
  };

  /**
   * Path string → pid. Ids found or created inside a transaction are cached only once the outermost
   * transaction commits: a rolled-back savepoint may have removed a freshly inserted path.
   */
  const pathIds = new Map<string, number>();
  const pendingPathIds = new Map<string, number>();
  let depth = 0;
  function pathIdOf(path: string): number {
    const known = pathIds.get(path);
    if (known !== undefined) return known;
    let pid = s.pathId.get(path) as number | undefined;
    if (pid === undefined) pid = Number(s.insPath.run(path).lastInsertRowid);
    pendingPathIds.set(path, pid);
    return pid;
  }
  /** Last version number handed out; never reused by this process, even after a rollback or a delete. */
  let ver = (db.prepare('SELECT max(ver) FROM entities').pluck().get() as number | null) ?? 0;
  const tx = db.transaction((fn: () => unknown) => fn());

  /**
   * Change feed: with a listener, each transaction level collects its changes in a frame; a level that
   * commits hands its frame to the enclosing one, a level that rolls back drops it, and the outermost
   * commit reports the lot. Writes outside any transaction (autocommit) are reported at once.
   */
  let listener: ChangeListener | undefined;
  const frames: EntityChange[][] = [];
  function emit(changes: EntityChange[]): void {
    try {
      listener?.(changes);
    } catch {
      // a listener must never fail a write that is already committed
    }
  }
  function record(change: EntityChange): void {
    if (depth === 0) emit([change]);
    else frames[frames.length - 1]?.push(change);
  }

  function transaction<T>(fn: () => T): T {
    depth++;
    const tracked = listener !== undefined;
    if (tracked) frames.push([]);
    let committed: EntityChange[] | undefined;
    try {
      const out = tx(fn) as T;
      if (depth === 1) for (const [p, id] of pendingPathIds) pathIds.set(p, id);
      if (tracked) {
        const mine = frames.pop()!;
        const parent = frames[frames.length - 1];
        if (depth > 1 && parent) for (const c of mine) parent.push(c);
        else if (depth === 1 && mine.length) committed = mine;
      }
      return out;
    } catch (err) {
      if (tracked) frames.pop();
      states.clear();
      throw err;
    } finally {
      depth--;
      if (depth === 0) pendingPathIds.clear();
      if (committed) emit(committed);
    }
  }
  /** Group commit: writes queued during one event-loop turn share one transaction (one WAL commit). */
  let queue: Array<{ fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  function flush(): void {
    const jobs = queue;
    queue = [];
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      transaction(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: transaction(job.fn) });
          } catch (err) {
            outcomes.push({ ok: false, value: err });
          }
        }
      });
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)));
  }
  function write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    });
  }

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

  /**
   * Index state of recently updated entities (rid → what their index rows are, per attribute), so that
   * an update compares each attribute's JSON with the stored one and rewrites only the attributes that
   * changed, without reading the old rows back. Valid for the version `ver` of the row only; dropped
   * whole on any rollback (a rolled-back savepoint may have undone rows it describes).
   */
  const states = new Map<number, IndexState>();
  function remember(rid: number, st: IndexState): void {
    states.delete(rid);
    states.set(rid, st);
    if (states.size > STATE_CACHE) states.delete(states.keys().next().value as number);
  }

  /** Inserts the index rows of one attribute; returns their positions and geo rowids. */
  function insertAttr(rid: number, name: string, instances: StoredAttribute[], rows: IndexRow[], st: { maxPos: number }): AttrState['rows'] {
    const pos: number[] = [];
    for (const r of rows) {
      s.insAttr.run(rid, ++st.maxPos, pathIdOf(r.path), r.dataset, r.kind, r.num, r.str, r.json);
      pos.push(st.maxPos);
    }
    let geo: number[] | undefined;
    for (const inst of instances) {
      if (inst.type !== 'GeoProperty') continue;
      const g = inst.value as Geometry;
      const { lastInsertRowid } = s.insGeo.run(rid, pathIdOf(name), (inst.datasetId as string | undefined) ?? null, ...boundingBox(g), JSON.stringify(g));
      (geo ??= []).push(Number(lastInsertRowid));
    }
    return { pos, geo };
  }
  function deleteAttrRows(rid: number, rows: AttrState['rows']): void {
    for (const p of rows.pos) s.delAttr.run(rid, p);
    if (rows.geo) for (const g of rows.geo) s.delGeo.run(g);
  }

  /**
   * Writes the index rows of a new entity (`old` undefined) or brings those of an existing one to what
   * `e` needs, touching only the rows of attributes whose JSON changed: an update of one attribute
   * rewrites that attribute's rows only, which keeps the pages a commit writes few. Returns the state.
   */
  function syncIndexes(rid: number, e: StoredEntity, want: Map<string, WantedAttr>, old: IndexState | undefined): IndexState {
    const st: IndexState = { ver: 0, types: e.types, maxPos: old ? old.maxPos : -1, attrs: new Map() };
    if (!old) {
      for (const t of e.types) s.insType.run(t, rid);
    } else if (old.types.length !== e.types.length || old.types.some((t, i) => t !== e.types[i])) {
      for (const t of old.types) if (!e.types.includes(t)) s.delType.run(t, rid);
      for (const t of e.types) if (!old.types.includes(t)) s.insType.run(t, rid);
    }
    for (const [name, w] of want) {
      const prev = old?.attrs.get(name);
      if (prev && prev.key === w.key) {
        st.attrs.set(name, prev);
        continue;
      }
      if (prev) deleteAttrRows(rid, prev.rows);
      st.attrs.set(name, { key: w.key, rows: insertAttr(rid, name, e.attrs[name], w.rows, st) });
    }
    if (old) for (const [name, prev] of old.attrs) if (!want.has(name)) deleteAttrRows(rid, prev.rows);
    return st;
  }

  /**
   * The index state of a stored entity read back from its rows (an entity not updated lately): the
   * rows are matched with those `e` needs (same values, any order), kept where equal, the others
   * deleted or inserted.
   */
  function syncFromRows(rid: number, e: StoredEntity, want: Map<string, WantedAttr>): IndexState {
    const oldTypes = (s.selTypes.all(rid) as Array<{ type: string }>).map((r) => r.type);
    for (const t of oldTypes) if (!e.types.includes(t)) s.delType.run(t, rid);
    for (const t of e.types) if (!oldTypes.includes(t)) s.insType.run(t, rid);
    const oldAttrs = s.selAttrs.raw().all(rid) as unknown[][];
    const st: IndexState = { ver: 0, types: e.types, maxPos: oldAttrs.reduce((m, r) => Math.max(m, r[0] as number), -1), attrs: new Map() };
    const attrRows = byKey(oldAttrs);
    const geoRows = byKey(s.selGeo.raw().all(rid) as unknown[][]);
    for (const [name, w] of want) {
      const instances = e.attrs[name];
      const rows: AttrState['rows'] = { pos: [] };
      for (const r of w.rows) {
        const row = [pathIdOf(r.path), r.dataset, r.kind, r.num, r.str, r.json] as const;
        const p = attrRows.get(keyOf(row))?.pop();
        if (p !== undefined) rows.pos.push(p as number);
        else {
          s.insAttr.run(rid, ++st.maxPos, ...row);
          rows.pos.push(st.maxPos);
        }
      }
      for (const inst of instances) {
        if (inst.type !== 'GeoProperty') continue;
        const g = inst.value as Geometry;
        const row = [pathIdOf(name), (inst.datasetId as string | undefined) ?? null, ...boundingBox(g), JSON.stringify(g)] as const;
        let id = geoRows.get(keyOf(row))?.pop() as number | undefined;
        if (id === undefined) id = Number(s.insGeo.run(rid, ...row).lastInsertRowid);
        (rows.geo ??= []).push(id);
      }
      st.attrs.set(name, { key: w.key, rows });
    }
    for (const list of attrRows.values()) for (const p of list) s.delAttr.run(rid, p);
    for (const list of geoRows.values()) for (const g of list) s.delGeo.run(g);
    return st;
  }
  /** Identity of an index row for the diff: values are strings, numbers or null (never containing U+0001). */
  const keyOf = (row: readonly unknown[]): string => row.map((v) => (v === null ? '\u0000' : typeof v === 'number' ? `n${v}` : `s${String(v)}`)).join('\u0001');
  /** Old rows (first column: pos or rowid) by the identity of the rest. */
  function byKey(old: unknown[][]): Map<string, unknown[]> {
    const existing = new Map<string, unknown[]>();
    for (const row of old) {
      const k = keyOf(row.slice(1));
      const list = existing.get(k);
      if (list) list.push(row[0]);
      else existing.set(k, [row[0]]);
    }
    return existing;
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
      const pids = `(SELECT pid FROM paths WHERE path IN (${plan.attrsAny.map(() => '?').join(',')}))`;
      parts.push(`e.rid IN (SELECT rid FROM attr_index WHERE path IN ${pids} AND num IS NULL UNION ALL SELECT rid FROM attr_index WHERE path IN ${pids} AND num IS NOT NULL)`);
      params.push(...plan.attrsAny, ...plan.attrsAny);
    }
    if (plan.q) {
      parts.push(`(${plan.q.sql})`);
      params.push(...plan.q.params);
    }
    return { sql: parts.length ? parts.join(' AND ') : '1', params };
  }

  function queryGeo(plan: QueryPlan, where: { sql: string; params: unknown[] }): QueryResult {
    const geo = plan.geo!;
    let sql = `SELECT g.rid AS rid, g.geojson AS geojson FROM geo_index g JOIN entities e ON e.rid = g.rid WHERE g.path = (SELECT pid FROM paths WHERE path = ?) AND ${where.sql}`;
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
    const rows = page.length ? (prepared(`SELECT ver, doc FROM entities WHERE rid IN (${page.map(() => '?').join(',')}) ORDER BY rid`).all(...page) as StoredRow[]) : [];
    return { rows, count: plan.count ? matched.length : undefined };
  }

  const store: EntityStore & { close(): void } = {
    get(id) {
      const row = s.get.get(id) as StoredRow | undefined;
      return row ? (JSON.parse(row.doc) as StoredEntity) : undefined;
    },
    has(id) {
      return s.has.get(id) !== undefined;
    },
    getRow(id) {
      return s.get.get(id) as StoredRow | undefined;
    },
    insert(e) {
      const doc = JSON.stringify(e);
      const { changes, lastInsertRowid } = s.insert.run(e.id, ++ver, doc);
      if (changes === 0) return false;
      syncIndexes(Number(lastInsertRowid), e, attrRows(e, false), undefined); // new entities' state is not kept
      if (listener) record({ id: e.id, after: doc });
      return true;
    },
    update(e) {
      // the previous document is read only for the change feed
      const row = (listener ? s.previous : s.exists).get(e.id) as { rid: number; ver: number; doc?: string } | undefined;
      if (!row) return false;
      const doc = JSON.stringify(e);
      s.update.run(doc, ++ver, row.rid);
      const want = attrRows(e, true);
      const known = states.get(row.rid);
      const st = known && known.ver === row.ver ? syncIndexes(row.rid, e, want, known) : syncFromRows(row.rid, e, want);
      st.ver = ver;
      remember(row.rid, st);
      if (listener) record({ id: e.id, before: row.doc, after: doc });
      return true;
    },
    delete(id) {
      const row = (listener ? s.previous : s.exists).get(id) as { rid: number; doc?: string } | undefined;
      if (!row) return false;
      s.del.run(row.rid);
      s.delTypes.run(row.rid);
      s.delAttrs.run(row.rid);
      s.delGeos.run(row.rid);
      states.delete(row.rid);
      if (listener) record({ id, before: row.doc });
      return true;
    },
    query(plan) {
      const where = buildWhere(plan);
      if (plan.geo) return queryGeo(plan, where);
      const rows =
        plan.limit > 0
          ? (prepared(`SELECT e.ver, e.doc FROM entities e WHERE ${where.sql} ORDER BY e.rid LIMIT ? OFFSET ?`).all(
              ...where.params,
              plan.limit,
              plan.offset,
            ) as StoredRow[])
          : [];
      const count = plan.count
        ? (prepared(`SELECT count(*) AS n FROM entities e WHERE ${where.sql}`).get(...where.params) as { n: number }).n
        : undefined;
      return { rows, count };
    },
    transaction,
    write,
    subscriptions: subscriptionTable(db, transaction),
    setChangeListener(fn) {
      listener = fn;
    },
    close() {
      if (queue.length) flush();
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
