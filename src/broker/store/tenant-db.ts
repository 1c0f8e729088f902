/**
 * One tenant's SQLite database (better-sqlite3): the only place that runs SQL on entities.
 * WAL journal; `synchronous=NORMAL` keeps every committed transaction through a process crash
 * (kill -9), `FULL` also through a power loss.
 */
import Database from 'better-sqlite3';
import type { Geometry, StoredEntity } from '../../ngsi-ld/types';
import { registerQFunctions } from '../../ngsi-ld/q/sql-functions';
import { createIndexSync } from './index-sync';
import { SCHEMA_DDL, SCHEMA_VERSION, upgradeSchema } from './schema';
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
  /**
   * The tenant's version counter, shared with the other connections that write the same file (the
   * ingest write thread, src/broker/thread/): a BigInt64Array over it holds the last version handed
   * out, then the commit mark of emitOwn, then whether the owner's change feed has a listener. A
   * connection given one is secondary; without one, the database keeps its own counter (read from the
   * file when it opens) and owns it.
   */
  versions?: SharedArrayBuffer;
}

/** A tenant database: the store, its page cache size (KiB, a diagnostic) and closing. */
export type TenantDb = EntityStore & { pageCacheKiB(): number; close(): void };

const STMT_CACHE = 256;
/** Longest wait of the owner connection for another's commit to be reported (emitOwn), ms. */
const SETTLE_WAIT_MS = 100;
/** Page cache of a tenant connection, KiB: the working set of queries on a territory's entities. */
const CACHE_KIB = 32_000;
/** Page cache during a bulk load (EntityStore.bulk). */
const BULK_CACHE_KIB = 8_000;

/** Opens (and creates if needed) a tenant database at `file` (or ':memory:'). */
export function openTenantDb(file: string, opts: TenantDbOptions = {}): TenantDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.sync ?? 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${CACHE_KIB}`);
  if (opts.walAutoCheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(opts.walAutoCheckpoint))}`);
  db.exec(SCHEMA_DDL);
  db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run('schemaVersion', String(SCHEMA_VERSION));
  const version = upgradeSchema(db, db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").pluck().get() as string);
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
  const index = createIndexSync(db, pathIdOf);
  /**
   * Last version number handed out (versions[0]); never reused, even after a rollback or a delete, and
   * unique across the connections that share the counter: the render cache keys entities by version.
   */
  const sharedVersions = opts.versions ?? (file === ':memory:' ? undefined : new SharedArrayBuffer(24));
  const versions = new BigInt64Array(sharedVersions ?? new ArrayBuffer(24));
  if (!opts.versions) versions[0] = BigInt((db.prepare('SELECT max(ver) FROM entities').pluck().get() as number | null) ?? 0);
  const nextVer = (): number => Number(Atomics.add(versions, 0, 1n) + 1n);
  // BEGIN IMMEDIATE: the write lock is taken before the first read, so that a transaction never reads
  // rows another connection (the ingest write thread) then changes before it writes; it waits for the
  // lock (busy timeout) instead of failing with SQLITE_BUSY halfway
  const tx = db.transaction((fn: () => unknown) => fn()).immediate;

  /**
   * Change feed: with a listener, each transaction level collects its changes in a frame; a level that
   * commits hands its frame to the enclosing one, a level that rolls back drops it, and the outermost
   * commit reports the lot. Writes outside any transaction (autocommit) are reported at once.
   */
  let listener: ChangeListener | undefined;
  /** Bulk loads under way (EntityStore.bulk). */
  let bulkLoads = 0;
  /**
   * The row the last `get` read inside a transaction: an operation reads an entity, then writes it back,
   * and `update` need not look the row up again. Any write, or the end of a transaction, drops it.
   */
  let lastRead: { id: string; rid: number; ver: number; doc: string } | undefined;
  const frames: EntityChange[][] = [];
  function emit(changes: EntityChange[]): void {
    try {
      listener?.(changes);
    } catch {
      // a listener must never fail a write that is already committed
    }
  }
  function record(change: EntityChange): void {
    if (depth === 0) emitOwn([change]);
    else frames[frames.length - 1]?.push(change);
  }
  /**
   * Commit order across the connections that share the file (the ingest write thread's): this one
   * (the owner of the version counter) reports its changes at once, a secondary connection's reach the
   * owner's feed a moment after their commit (committedElsewhere). So that the feed keeps the commit
   * order, a secondary connection marks, from before its commit until it has reported, the first
   * version of the changes it commits (versions[1], 0 when none), and the owner, before it reports its
   * own changes, waits for such a mark below its own first version to clear, then lets `settle` report
   * what the other connections committed before (setSettle). The wait is bounded (SETTLE_WAIT_MS): a
   * report later than that (none seen: a thread commit that checkpoints a huge WAL?) comes after.
   */
  const owner = sharedVersions !== undefined && opts.versions === undefined;
  const secondary = opts.versions !== undefined;
  let settle: ((before: number) => void) | undefined;
  function emitOwn(changes: EntityChange[]): void {
    if (owner && settle) {
      const first = BigInt(changes[0].ver);
      const deadline = Date.now() + SETTLE_WAIT_MS;
      let mark = Atomics.load(versions, 1);
      for (; mark !== 0n && mark < first && Date.now() < deadline; mark = Atomics.load(versions, 1)) Atomics.wait(versions, 1, mark, 1);
      // a mark that outlived the wait belongs to a connection that stopped before it reported (a dead
      // thread): cleared, so that the next reports do not wait for it again
      if (mark !== 0n && mark < first) Atomics.compareExchange(versions, 1, mark, 0n);
      settle(Number(first));
    }
    emit(changes);
    if (secondary) Atomics.store(versions, 1, 0n);
  }
  /** In a secondary connection, marks the changes of the transaction about to commit (emitOwn). */
  function markUnreported(): void {
    const first = frames[frames.length - 1]?.[0];
    if (first) Atomics.store(versions, 1, BigInt(first.ver));
  }

  function transaction<T>(fn: () => T): T {
    depth++;
    // a secondary connection collects its changes only while the owner's feed listens (versions[2])
    const tracked = listener !== undefined && (!secondary || Atomics.load(versions, 2) === 1n);
    if (tracked) frames.push([]);
    /** Path ids this level finds pending before it starts (those it adds after are undone with it). */
    const pathsBefore = pendingPathIds.size;
    let committed: EntityChange[] | undefined;
    try {
      const out = (
        depth === 1 && secondary && tracked
          ? tx(() => {
              const r = fn();
              markUnreported();
              return r;
            })
          : tx(fn)
      ) as T;
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
      if (depth === 1 && secondary) Atomics.store(versions, 1, 0n); // nothing committed, nothing to report
      // the paths this level inserted are rolled back with it (their ids may be handed out again)
      let i = 0;
      for (const p of [...pendingPathIds.keys()]) if (i++ >= pathsBefore) pendingPathIds.delete(p);
      lastRead = undefined;
      index.forget();
      throw err;
    } finally {
      depth--;
      if (depth === 0) {
        pendingPathIds.clear();
        lastRead = undefined;
      }
      if (committed) emitOwn(committed);
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

  const store: TenantDb = {
    get(id) {
      const row = s.previous.get(id) as { rid: number; ver: number; doc: string } | undefined;
      if (depth > 0) lastRead = row && { id, ...row };
      return row ? (JSON.parse(row.doc) as StoredEntity) : undefined;
    },
    has(id) {
      return s.has.get(id) !== undefined;
    },
    getRow(id) {
      return s.get.get(id) as StoredRow | undefined;
    },
    insert(e) {
      lastRead = undefined;
      const doc = JSON.stringify(e);
      const ver = nextVer();
      const { changes, lastInsertRowid } = s.insert.run(e.id, ver, doc);
      if (changes === 0) return false;
      index.inserted(Number(lastInsertRowid), e);
      if (listener) record({ id: e.id, ver, after: doc });
      return true;
    },
    update(e) {
      // the row `get` has just read, else looked up (the previous document only for the change feed)
      const row = lastRead?.id === e.id ? lastRead : ((listener ? s.previous : s.exists).get(e.id) as { rid: number; ver: number; doc?: string } | undefined);
      lastRead = undefined;
      if (!row) return false;
      const doc = JSON.stringify(e);
      const ver = nextVer();
      s.update.run(doc, ver, row.rid);
      index.updated(row.rid, e, row.ver, ver);
      if (listener) record({ id: e.id, ver, before: row.doc, after: doc });
      return true;
    },
    delete(id) {
      lastRead = undefined;
      const row = (listener ? s.previous : s.exists).get(id) as { rid: number; doc?: string } | undefined;
      if (!row) return false;
      s.del.run(row.rid);
      index.deleted(row.rid);
      if (listener) record({ id, ver: nextVer(), before: row.doc });
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
      if (owner) Atomics.store(versions, 2, fn ? 1n : 0n);
    },
    committedElsewhere(changes) {
      if (listener && changes.length) emit(changes);
    },
    setSettle(fn) {
      settle = fn;
    },
    shared: () =>
      sharedVersions && { file, sync: opts.sync ?? 'NORMAL', walAutoCheckpoint: opts.walAutoCheckpoint, versions: sharedVersions },
    pageCacheKiB: () => -Number(db.pragma('cache_size', { simple: true })),
    bulk() {
      if (bulkLoads++ === 0) db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        if (--bulkLoads === 0 && db.open) db.pragma(`cache_size = -${CACHE_KIB}`);
      };
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
