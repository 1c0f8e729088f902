/**
 * The index rows of the entities (tables entity_types, attr_index, geo_index of schema.ts), kept in
 * step with each insert, update and delete of tenant-db.ts. An update rewrites only the rows of the
 * attributes that changed; for recently updated entities it knows their rows without reading them back.
 */
import type Database from 'better-sqlite3';
import { boundingBox } from '../../ngsi-ld/geo';
import type { Geometry, StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { attributeRows, type IndexRow } from './attr-index';

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
    selTypes: db.prepare('SELECT type FROM entity_types WHERE rid = ?'),
    insType: db.prepare('INSERT OR IGNORE INTO entity_types(type, rid) VALUES (?, ?)'),
    delType: db.prepare('DELETE FROM entity_types WHERE type = ? AND rid = ?'),
    selAttrs: db.prepare('SELECT pos, path, dataset, kind, num, str, json FROM attr_index WHERE rid = ?'),
    insAttr: db.prepare('INSERT INTO attr_index(rid, pos, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delAttr: db.prepare('DELETE FROM attr_index WHERE rid = ? AND pos = ?'),
    selGeo: db.prepare('SELECT rowid, path, dataset, minx, miny, maxx, maxy, geojson FROM geo_index WHERE rid = ?'),
    insGeo: db.prepare('INSERT INTO geo_index(rid, path, dataset, minx, miny, maxx, maxy, geojson) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    delGeo: db.prepare('DELETE FROM geo_index WHERE rowid = ?'),
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

  return {
    inserted(rid, e) {
      syncIndexes(rid, e, attrRows(e, false), undefined); // new entities' state is not kept
    },
    updated(rid, e, oldVer, newVer) {
      const want = attrRows(e, true);
      const known = states.get(rid);
      const st = known && known.ver === oldVer ? syncIndexes(rid, e, want, known) : syncFromRows(rid, e, want);
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
