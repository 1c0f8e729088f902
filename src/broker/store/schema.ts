/**
 * SQLite schema of one tenant's database. The only DDL of the project.
 *
 * - `entities`: one row per entity; `rid` gives the stable order used for paging; `doc` is the
 *   StoredEntity JSON (expanded names, normalized attributes); `ver` is unique per write in the
 *   database (a counter), so (tenant, ver) names one version of one entity (render cache key).
 * - `entity_types`: one row per (entity, expanded type) for type filters.
 * - `paths`: every attribute path (expanded name, sub-attribute paths joined by ' ') once, so that
 *   the indexes below hold small integers instead of long IRIs.
 * - `attr_index`: searchable rows derived from the attributes by `indexRows()` (attr-index.ts), so
 *   that `q` filters run in SQL on indexes (see src/ngsi-ld/q/to-sql.ts). Clustered by entity
 *   (`WITHOUT ROWID`, key (rid, pos)) so an entity's rows share a page; each row is in exactly one
 *   of the two partial indexes (numbers and booleans by `num`, everything else by `str`), which keeps
 *   a write to two b-tree inserts per row. Queries on a path must name the partial index condition.
 *   There are no observedAt rows: they would change with nearly every write (attr-index.ts).
 * - `geo_index`: bounding boxes of GeoProperty values for the geo-query pre-filter.
 * - `subscriptions`: one row per NGSI-LD subscription of the tenant: `doc` is the subscription as
 *   accepted (terms as written, with the @context to read them), `counters` the notification counters
 *   (JSON, written in batches). Added without a version bump: `IF NOT EXISTS` creates it in older files.
 */
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 5;

export const SCHEMA_DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ver INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entity_types (
  type TEXT NOT NULL,
  rid INTEGER NOT NULL,
  PRIMARY KEY (type, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_types_rid ON entity_types(rid);
CREATE TABLE IF NOT EXISTS paths (
  pid INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS attr_index (
  rid INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  path INTEGER NOT NULL,
  dataset TEXT,
  kind TEXT NOT NULL,
  num REAL,
  str TEXT,
  json TEXT,
  PRIMARY KEY (rid, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attr_index_num ON attr_index(path, num) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS attr_index_str ON attr_index(path, str) WHERE num IS NULL;
CREATE TABLE IF NOT EXISTS geo_index (
  rid INTEGER NOT NULL,
  path INTEGER NOT NULL,
  dataset TEXT,
  minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
  geojson TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS geo_index_box ON geo_index(path, minx, maxx);
CREATE INDEX IF NOT EXISTS geo_index_rid ON geo_index(rid);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  counters TEXT
) WITHOUT ROWID;
`;

/** What brings a database of schema version N (the key) to N + 1. */
const MIGRATIONS: Record<string, string> = {
  // attr_index keeps no observedAt rows (q reads them from the documents)
  '4': `DELETE FROM attr_index WHERE path IN (SELECT pid FROM paths WHERE substr(path, -11) = ' observedAt');`,
};

/**
 * Brings a database from schema version `from` to SCHEMA_VERSION in one transaction, when the way is
 * known (run after SCHEMA_DDL, which has created what was missing); returns the version it has
 * afterwards (`from` when it cannot be migrated).
 *
 * @example
 * upgradeSchema(db, '4'); // '5'
 */
export function upgradeSchema(db: Database.Database, from: string): string {
  if (MIGRATIONS[from] === undefined) return from;
  return db.transaction(() => {
    let v = from;
    for (; MIGRATIONS[v] !== undefined; v = String(Number(v) + 1)) db.exec(MIGRATIONS[v]);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schemaVersion'").run(v);
    return v;
  })();
}
