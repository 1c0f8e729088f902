/**
 * The ingest runtime's SQLite file (`<DATA_DIR>/ingest.sqlite`: dead letters, waiting parts, the MQTT
 * inbox), opened the same way by each of its stores: WAL, and synchronous NORMAL, so that what a store
 * has recorded survives a kill of the process.
 */
import Database from 'better-sqlite3';

/**
 * @example
 * const db = openIngestDb('./data/ingest.sqlite');
 * db.exec(DDL);
 */
export function openIngestDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
