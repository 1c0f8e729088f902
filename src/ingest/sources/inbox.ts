/**
 * The MQTT inbox: a message is kept here (SQLite, `<DATA_DIR>/ingest.sqlite`) before its PUBACK goes
 * to the broker, and dropped once it is handled (written, or a dead letter). An acknowledgement is a
 * promise the broker will not send the message again; a process killed with messages received but not
 * yet handled would break it. At the next start, the source handles what its inbox still holds first.
 */
import { openIngestDb } from '../ingest-db';
import type { IngestMessage } from '../types';

/** A message received and not yet handled: its source's subscription (`lane`) and the message. */
export interface InboxEntry {
  id: number;
  lane: string;
  message: IngestMessage;
}

export interface Inbox {
  /** Keeps a message of `source` (its URL and client id) for subscription `lane`; returns its id. */
  put(source: string, lane: string, message: IngestMessage): number;
  /** The message is handled: dropped. */
  done(id: number): void;
  /** What `source` left unhandled, oldest first. */
  waiting(source: string): InboxEntry[];
  /** What sources other than `sources` left (sources no longer configured), oldest first. */
  others(sources: string[]): Array<InboxEntry & { source: string }>;
  close(): void;
}

const DDL = `
CREATE TABLE IF NOT EXISTS mqtt_inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  lane TEXT NOT NULL,
  query TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mqtt_inbox_source ON mqtt_inbox(source, id);
`;

/**
 * @example
 * const inbox = openInbox('./data/ingest.sqlite');
 * const id = inbox.put('mqtt://broker:1883\u0000eclor', 'application/+/device/+/event/up\u0000water/chirpstack', message);
 * // … once runMessage has answered
 * inbox.done(id);
 */
export function openInbox(file: string): Inbox {
  const db = openIngestDb(file);
  db.exec(DDL);
  const s = {
    put: db.prepare('INSERT INTO mqtt_inbox(source, lane, query, body, received_at) VALUES (?, ?, ?, ?, ?)'),
    done: db.prepare('DELETE FROM mqtt_inbox WHERE id = ?'),
    waiting: db.prepare('SELECT id, lane, query, body, received_at FROM mqtt_inbox WHERE source = ? ORDER BY id'),
    all: db.prepare('SELECT id, source, lane, query, body, received_at FROM mqtt_inbox ORDER BY id'),
  };
  type Row = { id: number; source: string; lane: string; query: string; body: string; received_at: string };
  const entry = (r: Row): InboxEntry => ({
    id: r.id,
    lane: r.lane,
    message: { body: r.body, query: JSON.parse(r.query) as Record<string, string>, headers: {}, receivedAt: r.received_at },
  });
  return {
    put: (source, lane, m) => Number(s.put.run(source, lane, JSON.stringify(m.query), m.body, m.receivedAt).lastInsertRowid),
    done: (id) => void s.done.run(id),
    waiting: (source) => (s.waiting.all(source) as Row[]).map(entry),
    others: (sources) => (s.all.all() as Row[]).filter((r) => !sources.includes(r.source)).map((r) => ({ ...entry(r), source: r.source })),
    close: () => {
      if (db.open) db.close();
    },
  };
}
