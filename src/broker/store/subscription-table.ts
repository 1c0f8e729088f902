/**
 * SQL of the `subscriptions` table (schema.ts) of one tenant's database: the stored form of NGSI-LD
 * subscriptions (ETSI GS CIM 009 v1.8, clause 5.2.12) and their notification counters.
 */
import type Database from 'better-sqlite3';
import type { SubscriptionRow, SubscriptionTable } from './types';

/** `transaction` is the tenant database's (nesting-safe) transaction. */
export function subscriptionTable(db: Database.Database, transaction: <T>(fn: () => T) => T): SubscriptionTable {
  const s = {
    all: db.prepare('SELECT id, doc, counters FROM subscriptions ORDER BY id'),
    get: db.prepare('SELECT id, doc, counters FROM subscriptions WHERE id = ?'),
    insert: db.prepare('INSERT OR IGNORE INTO subscriptions(id, doc, counters) VALUES (?, ?, ?)'),
    replace: db.prepare('UPDATE subscriptions SET doc = ? WHERE id = ?'),
    del: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
    counters: db.prepare('UPDATE subscriptions SET counters = ? WHERE id = ?'),
  };
  return {
    all: () => s.all.all() as SubscriptionRow[],
    get: (id) => s.get.get(id) as SubscriptionRow | undefined,
    insert: (row) => s.insert.run(row.id, row.doc, row.counters).changes === 1,
    replace: (id, doc) => s.replace.run(doc, id).changes === 1,
    delete: (id) => s.del.run(id).changes === 1,
    saveCounters(rows) {
      if (rows.length === 0) return;
      transaction(() => {
        for (const r of rows) s.counters.run(r.counters, r.id);
      });
    },
  };
}
