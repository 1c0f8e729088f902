/**
 * The index rows of the entities (tables entity_types, attr_index, geo_index of schema.ts), kept in
 * step with each insert, update and delete of tenant-db.ts. An update writes only the rows whose
 * values changed (in place, at their position), inserts or deletes only what the row count changed;
 * for recently updated entities it knows their rows without reading them back.
 */
import type Database from 'better-sqlite3';
import { boundingBox } from '../../ngsi-ld/geo';
import type { Geometry, StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { attributeRows, PATH_SEPARATOR, type IndexKind } from './attr-index';

/** Entities whose index state (every row's position and values) is kept for cheap updates. */
const STATE_CACHE = 4096;

/** One attr_index row as it is stored: position, path id, dataset, kind, num, str, json. */
type RowState = [pos: number, pid: number, dataset: string | null, kind: IndexKind, num: number | null, str: string | null, json: string | null];
/** One geo_index row as it is stored: rowid, dataset, GeoJSON (the box derives from it). */
type GeoState = [rowid: number, dataset: string | null, geojson: string];
/** The index rows of one attribute, in the order attributeRows() gives them. */
interface AttrState {
  rows: RowState[];
  geo?: GeoState[];
}
/** What the index rows of one entity are, as of version `ver` of its row. */
interface IndexState {
  ver: number;
  types: string[];
  maxPos: number;
  attrs: Map<string, AttrState>;
}

export interface IndexSync {
  /** Writes the index rows of a new entity (row `rid`). */
  inserted(rid: number, e: StoredEntity): void;
  /** Brings the index rows of an updated entity to what `e` needs; `oldVer`/`newVer`: its row's version before and after. */
  updated(rid: number, e: StoredEntity, oldVer: number, newVer: number): void;
  /** Removes every index row of a deleted entity. */
  deleted(rid: number): void;
  /** Forgets what it knows of recent updates: after a rollback, which may have undone rows it describes. */
  forget(): void;
}

/**
 * @example
 * const index = createIndexSync(db, pathIdOf);
 * index.inserted(rid, entity);
 */
export function createIndexSync(db: Database.Database, pathIdOf: (path: string) => number): IndexSync {
  const s = {
    delTypes: db.prepare('DELETE FROM entity_types WHERE rid = ?'),
    delAttrs: db.prepare('DELETE FROM attr_index WHERE rid = ?'),
    delGeos: db.prepare('DELETE FROM geo_index WHERE rid = ?'),
    selTypes: db.prepare('SELECT type FROM entity_types WHERE rid = ?').pluck(),
    insType: db.prepare('INSERT OR IGNORE INTO entity_types(type, rid) VALUES (?, ?)'),
    delType: db.prepare('DELETE FROM entity_types WHERE type = ? AND rid = ?'),
    selAttrs: db.prepare('SELECT a.pos, a.path, p.path, a.dataset, a.kind, a.num, a.str, a.json FROM attr_index a JOIN paths p ON p.pid = a.path WHERE a.rid = ? ORDER BY a.pos'),
    insAttr: db.prepare('INSERT INTO attr_index(rid, pos, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delAttr: db.prepare('DELETE FROM attr_index WHERE rid = ? AND pos = ?'),
    updAttr: db.prepare('UPDATE attr_index SET path = ?, dataset = ?, kind = ?, num = ?, str = ?, json = ? WHERE rid = ? AND pos = ?'),
    selGeo: db.prepare('SELECT g.rowid, p.path, g.dataset, g.geojson FROM geo_index g JOIN paths p ON p.pid = g.path WHERE g.rid = ? ORDER BY g.rowid'),
    insGeo: db.prepare('INSERT INTO geo_index(rid, path, dataset, minx, miny, maxx, maxy, geojson) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delGeo: db.prepare('DELETE FROM geo_index WHERE rowid = ?'),
    updGeo: db.prepare('UPDATE geo_index SET dataset = ?, minx = ?, miny = ?, maxx = ?, maxy = ?, geojson = ? WHERE rowid = ?'),
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

  function deleteAttrRows(rid: number, prev: AttrState): void {
    for (const r of prev.rows) s.delAttr.run(rid, r[0]);
    if (prev.geo) for (const g of prev.geo) s.delGeo.run(g[0]);
  }

  /**
   * Brings one attribute's attr_index rows from `prev` (none: a new attribute) to what its instances
   * need, row by row: an equal row is left alone, a different one is rewritten in place, and only a
   * change in the number of rows inserts or deletes. With `keep` false (a new entity, whose state is
   * not kept) it returns nothing, which spares a bulk load one array per row.
   */
  function syncRows(rid: number, name: string, instances: StoredAttribute[], prev: RowState[] | undefined, st: { maxPos: number }, keep: boolean): RowState[] {
    const rows = attributeRows(name, instances, [], false); // observedAt rows are not kept (attr-index.ts)
    const out: RowState[] = [];
    const n = prev ? prev.length : 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const pid = pathIdOf(r.path);
      const p = i < n ? prev![i] : undefined;
      if (p && p[1] === pid && p[2] === r.dataset && p[3] === r.kind && p[4] === r.num && p[5] === r.str && p[6] === r.json) {
        out.push(p);
        continue;
      }
      const pos = p ? p[0] : ++st.maxPos;
      if (p) s.updAttr.run(pid, r.dataset, r.kind, r.num, r.str, r.json, rid, pos);
      else s.insAttr.run(rid, pos, pid, r.dataset, r.kind, r.num, r.str, r.json);
      if (keep) out.push([pos, pid, r.dataset, r.kind, r.num, r.str, r.json]);
    }
    for (let i = rows.length; i < n; i++) s.delAttr.run(rid, prev![i][0]);
    return out;
  }

  /** The same for the attribute's geo_index rows (one per GeoProperty instance). */
  function syncGeo(rid: number, name: string, instances: StoredAttribute[], prev: GeoState[] | undefined): GeoState[] | undefined {
    let out: GeoState[] | undefined;
    let i = 0;
    for (const inst of instances) {
      if (inst.type !== 'GeoProperty') continue;
      const g = inst.value as Geometry;
      const dataset = (inst.datasetId as string | undefined) ?? null;
      const json = JSON.stringify(g);
      const p = prev?.[i++];
      if (p && p[1] === dataset && p[2] === json) {
        (out ??= []).push(p);
        continue;
      }
      let rowid: number;
      if (p) {
        s.updGeo.run(dataset, ...boundingBox(g), json, p[0]);
        rowid = p[0];
      } else rowid = Number(s.insGeo.run(rid, pathIdOf(name), dataset, ...boundingBox(g), json).lastInsertRowid);
      (out ??= []).push([rowid, dataset, json]);
    }
    for (; prev && i < prev.length; i++) s.delGeo.run(prev[i][0]);
    return out;
  }

  /**
   * Writes the index rows of a new entity (`old` undefined) or brings those of an existing one to what
   * `e` needs, writing only the rows that changed: an update of one value rewrites that row only, which
   * keeps the pages a commit writes few. Returns the state.
   */
  function syncIndexes(rid: number, e: StoredEntity, old: IndexState | undefined, keep: boolean): IndexState {
    const st: IndexState = { ver: 0, types: e.types, maxPos: old ? old.maxPos : -1, attrs: new Map() };
    if (!old) {
      for (const t of e.types) s.insType.run(t, rid);
    } else if (old.types.length !== e.types.length || old.types.some((t, i) => t !== e.types[i])) {
      for (const t of old.types) if (!e.types.includes(t)) s.delType.run(t, rid);
      for (const t of e.types) if (!old.types.includes(t)) s.insType.run(t, rid);
    }
    for (const name of Object.keys(e.attrs)) {
      const prev = old?.attrs.get(name);
      const instances = e.attrs[name];
      const rows = syncRows(rid, name, instances, prev?.rows, st, keep);
      const geo = syncGeo(rid, name, instances, prev?.geo);
      if (keep) st.attrs.set(name, { rows, geo });
    }
    if (old) for (const [name, prev] of old.attrs) if (!Object.hasOwn(e.attrs, name)) deleteAttrRows(rid, prev);
    return st;
  }

  /**
   * The index state of a stored entity read back from its rows (an entity not updated lately), each row
   * under its attribute (the path up to the first separator), in position order.
   */
  function readState(rid: number): IndexState {
    const st: IndexState = { ver: 0, types: s.selTypes.all(rid) as string[], maxPos: -1, attrs: new Map() };
    const of = (path: string): AttrState => {
      const name = path.split(PATH_SEPARATOR, 1)[0];
      let a = st.attrs.get(name);
      if (!a) st.attrs.set(name, (a = { rows: [] }));
      return a;
    };
    for (const [pos, pid, path, dataset, kind, num, str, json] of s.selAttrs.raw().all(rid) as Array<[number, number, string, string | null, IndexKind, number | null, string | null, string | null]>) {
      st.maxPos = Math.max(st.maxPos, pos);
      of(path).rows.push([pos, pid, dataset, kind, num, str, json]);
    }
    for (const [rowid, path, dataset, geojson] of s.selGeo.raw().all(rid) as Array<[number, string, string | null, string]>) (of(path).geo ??= []).push([rowid, dataset, geojson]);
    return st;
  }

  return {
    inserted(rid, e) {
      syncIndexes(rid, e, undefined, false); // new entities' state is not kept
    },
    updated(rid, e, oldVer, newVer) {
      const known = states.get(rid);
      const st = syncIndexes(rid, e, known && known.ver === oldVer ? known : readState(rid), true);
      st.ver = newVer;
      remember(rid, st);
    },
    deleted(rid) {
      s.delTypes.run(rid);
      s.delAttrs.run(rid);
      s.delGeos.run(rid);
      states.delete(rid);
    },
    forget: () => states.clear(),
  };
}
