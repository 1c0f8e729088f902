/**
 * Parts of entities kept until they are complete (Adapter.requires): a DATEX II site table gives the
 * location of a TrafficFlowObserved that has no observation yet, and the Smart Data Models require
 * `dateObserved`. The part waits here, in SQLite beside the dead letters (`<DATA_DIR>/ingest.sqlite`,
 * so that an acknowledged part survives a crash), and is written with the entity's first observation.
 * The ids held are also kept in memory: entities without a waiting part (nearly all) cost no read.
 */
import { openIngestDb } from './ingest-db';
import type { Entity } from '../ngsi-ld/types';

export interface WaitingPart {
  /** The entity part (normalized, short names of `context`), every part received so far merged. */
  entity: Entity;
  context: string[];
  adapter: string;
  /** The members it still lacks. */
  missing: string[];
  /** When its first part arrived, and its last one (ISO 8601 UTC). */
  since: string;
  updatedAt: string;
}

export interface PartStore {
  has(id: string): boolean;
  get(id: string): WaitingPart | undefined;
  /** Keeps (or replaces) these parts, in one transaction. */
  put(parts: WaitingPart[]): void;
  /** Drops these parts (written), in one transaction. */
  delete(ids: Iterable<string>): void;
  list(o: { adapter?: string; limit: number; offset: number }): { items: WaitingPart[]; total: number };
  count(adapter?: string): number;
  /** Parts waiting per adapter. */
  counts(): Record<string, number>;
  close(): void;
}

const DDL = `
CREATE TABLE IF NOT EXISTS waiting_parts (
  id TEXT PRIMARY KEY,
  adapter TEXT NOT NULL,
  entity TEXT NOT NULL,
  context TEXT NOT NULL,
  missing TEXT NOT NULL,
  since TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS waiting_parts_adapter ON waiting_parts(adapter, id);
`;

interface Row {
  id: string;
  adapter: string;
  entity: string;
  context: string;
  missing: string;
  since: string;
  updated_at: string;
}

const fromRow = (r: Row): WaitingPart => ({
  entity: JSON.parse(r.entity) as Entity,
  context: JSON.parse(r.context) as string[],
  adapter: r.adapter,
  missing: JSON.parse(r.missing) as string[],
  since: r.since,
  updatedAt: r.updated_at,
});

/**
 * @example
 * const parts = openPartStore('./data/ingest.sqlite');
 * parts.put([{ entity: { id: 'urn:ngsi-ld:TrafficFlowObserved:demo:S1:1', type: 'TrafficFlowObserved', location }, context, adapter: 'mobility/datex2', missing: ['dateObserved'], since, updatedAt: since }]);
 */
export function openPartStore(file: string): PartStore {
  const db = openIngestDb(file);
  db.exec(DDL);
  const s = {
    ids: db.prepare('SELECT id FROM waiting_parts').pluck(),
    get: db.prepare('SELECT * FROM waiting_parts WHERE id = ?'),
    put: db.prepare('INSERT OR REPLACE INTO waiting_parts(id, adapter, entity, context, missing, since, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    del: db.prepare('DELETE FROM waiting_parts WHERE id = ?'),
    listAll: db.prepare('SELECT * FROM waiting_parts ORDER BY adapter, id LIMIT ? OFFSET ?'),
    listOne: db.prepare('SELECT * FROM waiting_parts WHERE adapter = ? ORDER BY id LIMIT ? OFFSET ?'),
    countOne: db.prepare('SELECT count(*) FROM waiting_parts WHERE adapter = ?').pluck(),
    counts: db.prepare('SELECT adapter, count(*) AS n FROM waiting_parts GROUP BY adapter'),
  };
  const held = new Set(s.ids.all() as string[]);
  const count = (adapter?: string): number => (adapter === undefined ? held.size : (s.countOne.get(adapter) as number));
  return {
    has: (id) => held.has(id),
    get(id) {
      if (!held.has(id)) return undefined;
      const row = s.get.get(id) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    put: db.transaction((list: WaitingPart[]) => {
      for (const p of list) {
        const id = String(p.entity.id);
        s.put.run(id, p.adapter, JSON.stringify(p.entity), JSON.stringify(p.context), JSON.stringify(p.missing), p.since, p.updatedAt);
        held.add(id);
      }
    }),
    delete: db.transaction((ids: Iterable<string>) => {
      for (const id of ids) if (held.delete(id)) s.del.run(id);
    }),
    list({ adapter, limit, offset }) {
      const rows = (adapter === undefined ? s.listAll.all(limit, offset) : s.listOne.all(adapter, limit, offset)) as Row[];
      return { items: rows.map(fromRow), total: count(adapter) };
    },
    count,
    counts: () => Object.fromEntries((s.counts.all() as Array<{ adapter: string; n: number }>).map((r) => [r.adapter, r.n])),
    close() {
      if (db.open) db.close();
    },
  };
}
