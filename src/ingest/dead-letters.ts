/**
 * The dead-letter store: every message that could not be decoded, translated, validated or written,
 * with the stage, the reason, the raw payload and the time, in SQLite (`<DATA_DIR>/ingest.sqlite`),
 * so that an integrator can see why and replay it once fixed. The only SQL of the ingest runtime.
 *
 * The same refusal again (a sender that retries a refused message, a polled publication read again
 * with the same bad record) is not a new dead letter: the one there counts it (`repeats`,
 * `lastReceivedAt`), so that a store does not fill with copies, and one replay covers them all. "The
 * same": adapter, stage, reason, status, media type, query (but the parameters that only name the
 * request, such as TALQ's `talqRequestId`: the adapter's `requestIds`), our provenance headers
 * (`x-eclor-…`: the poll source) and payload all equal; or, for a part of a message refused on its
 * own, the same but the entity it is about in place of the payload, whatever the media type (the dead
 * letter then holds the latest payload, with its request ids and media type, what a replay should
 * send). A dead letter whose body was not kept is never taken for another.
 */
import { createHash } from 'node:crypto';
import { openIngestDb } from './ingest-db';
import type { FeedStage } from './types';

export interface DeadLetter {
  id: number;
  adapter: string;
  stage: FeedStage;
  reason: string;
  status: number;
  contentType: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  payload: string;
  /**
   * False when the body was not kept (a streamed document, or a body refused before it was read
   * whole: too large, badly compressed): `payload` is empty and there is nothing to replay.
   */
  bodyKept: boolean;
  /** When the message was first received. */
  receivedAt: string;
  /** Number of replays tried so far. */
  replays: number;
  /** How many times the same refusal came again after the first (the same message sent again). */
  repeats: number;
  /** When it last came again (absent: never). */
  lastReceivedAt?: string;
  /** The entity a part of a message refused on its own is about (NewDeadLetter.about). */
  about?: string;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'replays' | 'bodyKept' | 'repeats' | 'lastReceivedAt' | 'about'> & {
  bodyKept?: boolean;
  /**
   * The entity the refusal is about (a record, reading or entity of a message, refused on its own):
   * the same entity refused again for the same reason is the same refusal whatever its payload (a
   * publisher's car park stuck at a count of -1 in every new publication), and the dead letter takes
   * the latest payload, the one a replay should write.
   */
  about?: string;
};

export interface DeadLetterStore {
  /** Files a refusal; returns its id, which is that of the dead letter already there for the same refusal. */
  add(d: NewDeadLetter): number;
  /**
   * Files a refusal a replay made: the same refusal as a letter already there is not counted on it
   * (`anew` false; the replay counts it once it knows whether the letter replayed stays: replay.ts).
   */
  fileForReplay(d: NewDeadLetter): { id: number; anew: boolean };
  get(id: number): DeadLetter | undefined;
  list(o: { adapter?: string; limit: number; offset: number }): { items: DeadLetter[]; total: number };
  /** After a failed replay: the new reason and stage. */
  update(id: number, stage: FeedStage, reason: string, status: number): void;
  delete(id: number): boolean;
  /**
   * Letter `id` takes over the arrivals of a letter replayed and gone (`from`: its repeats, its first
   * and last arrivals): the message it held now lives there.
   */
  inherit(id: number, from: DeadLetter): void;
  count(adapter?: string): number;
  close(): void;
}

const DDL = `
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  adapter TEXT NOT NULL,
  stage TEXT NOT NULL,
  reason TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  query TEXT NOT NULL,
  headers TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at TEXT NOT NULL,
  replays INTEGER NOT NULL DEFAULT 0,
  body_kept INTEGER NOT NULL DEFAULT 1,
  fingerprint TEXT,
  repeats INTEGER NOT NULL DEFAULT 0,
  last_received_at TEXT,
  about TEXT
);
CREATE INDEX IF NOT EXISTS dead_letters_adapter ON dead_letters(adapter, id);
CREATE TABLE IF NOT EXISTS dead_letters_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;
/** Columns added since the first version of the table, with their definitions (added to an older store when it opens). */
const ADDED_COLUMNS: Array<[string, string]> = [
  ['fingerprint', 'TEXT'],
  ['repeats', 'INTEGER NOT NULL DEFAULT 0'],
  ['last_received_at', 'TEXT'],
  ['about', 'TEXT'],
];

interface Row {
  id: number;
  adapter: string;
  stage: FeedStage;
  reason: string;
  status: number;
  content_type: string;
  query: string;
  headers: string;
  payload: string;
  received_at: string;
  replays: number;
  body_kept: number;
  fingerprint: string | null;
  repeats: number;
  last_received_at: string | null;
  about: string | null;
}

const fromRow = (r: Row): DeadLetter => ({
  id: r.id,
  adapter: r.adapter,
  stage: r.stage,
  reason: r.reason,
  status: r.status,
  contentType: r.content_type,
  query: JSON.parse(r.query) as Record<string, string>,
  headers: JSON.parse(r.headers) as Record<string, string | undefined>,
  payload: r.payload,
  bodyKept: r.body_kept !== 0,
  receivedAt: r.received_at,
  replays: r.replays,
  repeats: r.repeats,
  ...(r.last_received_at ? { lastReceivedAt: r.last_received_at } : {}),
  ...(r.about !== null ? { about: r.about } : {}),
});

/** What the store asks of an adapter, by name: Adapter.requestIds and Adapter.foldPart. */
export type AdapterRules = (adapter: string) => { requestIds?: readonly string[]; foldPart?(kept: string, later: string): string } | undefined;

/**
 * The version of the rule below: a store whose dead letters were fingerprinted by an earlier one gets
 * them again when it opens (2: the adapters' request ids left out; about one entity, whatever the media type).
 */
const FINGERPRINT_RULE = '2';

/** What makes two refusals the same one (module doc); undefined for a body not kept. */
function fingerprintWith(d: NewDeadLetter, rules: AdapterRules): string | undefined {
  if (d.bodyKept === false) return undefined;
  const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
  // our own provenance headers (x-eclor-poll-source: which publisher): two sources' refusals are two
  const provenance = Object.entries(d.headers).filter(([name]) => name.toLowerCase().startsWith('x-eclor-')).sort(byName);
  // the query in the order of its names (`?event=up&x=1` is `?x=1&event=up`), without request ids
  const volatile = rules(d.adapter)?.requestIds;
  const query = Object.entries(d.query).filter(([name]) => !volatile?.includes(name)).sort(byName);
  if (d.about !== undefined) return hash([d.adapter, d.stage, d.reason, d.status, query, provenance, { about: d.about }]);
  return hash([d.adapter, d.stage, d.reason, d.status, d.contentType, query, provenance, d.payload]);
}
const hash = (what: unknown[]): string => createHash('sha256').update(JSON.stringify(what)).digest('base64url');

/**
 * @example
 * const dl = openDeadLetterStore('./data/ingest.sqlite');
 * const id = dl.add({ adapter: 'water/chirpstack', stage: 'decode', reason: 'frame of 12 bytes, expected 51', … });
 */
export function openDeadLetterStore(file: string, rules: AdapterRules = () => undefined): DeadLetterStore {
  const db = openIngestDb(file);
  db.exec(DDL);
  const fingerprintOf = (d: NewDeadLetter) => fingerprintWith(d, rules);
  /** The payload a letter about one entity keeps when the same refusal comes again (Adapter.foldPart; default the later). */
  const folded = (adapter: string, kept: string, later: string): string => {
    const fold = rules(adapter)?.foldPart;
    if (!fold) return later;
    try {
      return fold(kept, later);
    } catch {
      return later;
    }
  };
  // a store written before body_kept existed: its streamed documents' dead letters have an empty payload
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('dead_letters') as string[];
  if (!columns.includes('body_kept')) {
    db.exec("ALTER TABLE dead_letters ADD COLUMN body_kept INTEGER NOT NULL DEFAULT 1; UPDATE dead_letters SET body_kept = 0 WHERE payload = ''");
  }
  for (const [name, definition] of ADDED_COLUMNS) if (!columns.includes(name)) db.exec(`ALTER TABLE dead_letters ADD COLUMN ${name} ${definition}`);
  // a store written before fingerprints, or with an earlier rule: its dead letters get theirs, once,
  // so that a message sent again is counted on its dead letter
  const rule = db.prepare("SELECT value FROM dead_letters_meta WHERE key = 'fingerprintRule'").pluck().get() as string | undefined;
  if (rule !== FINGERPRINT_RULE) {
    const set = db.prepare('UPDATE dead_letters SET fingerprint = ? WHERE id = ?');
    const page = db.prepare('SELECT * FROM dead_letters WHERE body_kept = 1 AND id > ? ORDER BY id LIMIT 64'); // payloads may be large: a few at a time
    db.transaction(() => {
      for (let rows = page.all(0) as Row[]; rows.length > 0; rows = page.all(rows[rows.length - 1].id) as Row[]) {
        for (const row of rows) set.run(fingerprintOf(fromRow(row)) ?? null, row.id);
      }
      db.prepare("INSERT OR REPLACE INTO dead_letters_meta(key, value) VALUES ('fingerprintRule', ?)").run(FINGERPRINT_RULE);
    })();
  }
  db.exec('CREATE INDEX IF NOT EXISTS dead_letters_fingerprint ON dead_letters(fingerprint) WHERE fingerprint IS NOT NULL');
  const s = {
    add: db.prepare(
      'INSERT INTO dead_letters(adapter, stage, reason, status, content_type, query, headers, payload, received_at, body_kept, fingerprint, about) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    same: db.prepare('SELECT id, payload, received_at, last_received_at FROM dead_letters WHERE fingerprint = ? ORDER BY id DESC LIMIT 1'),
    // an arrival counted: the first and last arrivals stay in order (a replayed message may have come before)
    repeat: db.prepare('UPDATE dead_letters SET repeats = repeats + 1, received_at = min(received_at, ?), last_received_at = max(coalesce(last_received_at, received_at), ?) WHERE id = ?'),
    latest: db.prepare('UPDATE dead_letters SET payload = ?, headers = ?, query = ?, content_type = ? WHERE id = ?'),
    payload: db.prepare('UPDATE dead_letters SET payload = ? WHERE id = ?'),
    get: db.prepare('SELECT * FROM dead_letters WHERE id = ?'),
    listAll: db.prepare('SELECT * FROM dead_letters ORDER BY id LIMIT ? OFFSET ?'),
    listOne: db.prepare('SELECT * FROM dead_letters WHERE adapter = ? ORDER BY id LIMIT ? OFFSET ?'),
    countAll: db.prepare('SELECT count(*) FROM dead_letters').pluck(),
    countOne: db.prepare('SELECT count(*) FROM dead_letters WHERE adapter = ?').pluck(),
    update: db.prepare('UPDATE dead_letters SET stage = ?, reason = ?, status = ?, replays = replays + 1, fingerprint = ? WHERE id = ?'),
    others: db.prepare('SELECT id, repeats, received_at, last_received_at, payload, headers, query, content_type FROM dead_letters WHERE fingerprint = ? AND id <> ? ORDER BY id'),
    // first and last arrivals of the two (SQLite reads the row's values as they were before the update)
    fold: db.prepare(
      'UPDATE dead_letters SET repeats = repeats + ?, received_at = min(received_at, ?), last_received_at = max(coalesce(last_received_at, received_at), ?) WHERE id = ?',
    ),
    del: db.prepare('DELETE FROM dead_letters WHERE id = ?'),
  };
  const count = (adapter?: string): number => (adapter === undefined ? (s.countAll.get() as number) : (s.countOne.get(adapter) as number));
  type Same = { id: number; payload: string; received_at: string; last_received_at: string | null };
  const sameAs = (fingerprint: string | undefined): Same | undefined => (fingerprint === undefined ? undefined : (s.same.get(fingerprint) as Same | undefined));
  const insert = (d: NewDeadLetter, fingerprint: string | undefined): number =>
    Number(s.add.run(d.adapter, d.stage, d.reason, d.status, d.contentType, JSON.stringify(d.query), JSON.stringify(d.headers), d.payload, d.receivedAt, d.bodyKept === false ? 0 : 1, fingerprint ?? null, d.about ?? null).lastInsertRowid);
  return {
    add: db.transaction((d: NewDeadLetter): number => {
      const fingerprint = fingerprintOf(d);
      const row = sameAs(fingerprint);
      if (row) {
        s.repeat.run(d.receivedAt, d.receivedAt, row.id);
        // about one entity: the payload of the later arrival (a replayed message may be the earlier)
        if (d.about !== undefined && d.receivedAt >= (row.last_received_at ?? row.received_at)) {
          s.latest.run(folded(d.adapter, row.payload, d.payload), JSON.stringify(d.headers), JSON.stringify(d.query), d.contentType, row.id);
        } else if (d.about !== undefined && rules(d.adapter)?.foldPart) {
          s.payload.run(folded(d.adapter, d.payload, row.payload), row.id);
        }
        return row.id;
      }
      return insert(d, fingerprint);
    }),
    fileForReplay(d) {
      const fingerprint = fingerprintOf(d);
      const row = sameAs(fingerprint);
      return row ? { id: row.id, anew: false } : { id: insert(d, fingerprint), anew: true };
    },
    get(id) {
      const row = s.get.get(id) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    list({ adapter, limit, offset }) {
      const rows = (adapter === undefined ? s.listAll.all(limit, offset) : s.listOne.all(adapter, limit, offset)) as Row[];
      return { items: rows.map(fromRow), total: count(adapter) };
    },
    update: db.transaction((id: number, stage: FeedStage, reason: string, status: number): void => {
      const row = s.get.get(id) as Row | undefined;
      if (!row) return;
      // refused anew: the same refusal as the message would now get, if sent again
      const fingerprint = fingerprintOf({ ...fromRow(row), stage, reason, status }) ?? null;
      s.update.run(stage, reason, status, fingerprint, id);
      if (fingerprint === null) return;
      // a dead letter filed since for that same refusal (the message sent again meanwhile) is this one:
      // counted here, dropped; its payload, if it came later, is the one kept (about one entity, the latest reading)
      let latest = row.last_received_at ?? row.received_at;
      let payload = row.payload;
      for (const other of s.others.all(fingerprint, id) as Array<{ id: number; repeats: number; received_at: string; last_received_at: string | null; payload: string; headers: string; query: string; content_type: string }>) {
        const last = other.last_received_at ?? other.received_at;
        s.fold.run(other.repeats + 1, other.received_at, last, id);
        if (last > latest) {
          payload = row.about === null ? other.payload : folded(row.adapter, payload, other.payload);
          s.latest.run(payload, other.headers, other.query, other.content_type, id);
          latest = last;
        } else if (row.about !== null && rules(row.adapter)?.foldPart) {
          payload = folded(row.adapter, other.payload, payload);
          s.latest.run(payload, row.headers, row.query, row.content_type, id);
        }
        s.del.run(other.id);
      }
    }),
    delete(id) {
      return s.del.run(id).changes > 0;
    },
    inherit(id, from) {
      s.fold.run(from.repeats, from.receivedAt, from.lastReceivedAt ?? from.receivedAt, id);
    },
    count,
    close() {
      if (db.open) db.close();
    },
  };
}
