/** The store contract the operations use. SQL lives behind it (tenant-db.ts). */
import type { Geometry, StoredEntity } from '../../ngsi-ld/types';

/** A boolean SQL expression over `entities e`, with its bound parameters (built by q/to-sql). */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export type Box = [number, number, number, number];

/** One entity selector (type / id / idPattern, clause 5.2.33 EntitySelector); they are ANDed. */
export interface Selector {
  type?: SqlFragment;
  ids?: string[];
  idPattern?: string;
}

/** What a query asks of the store; everything but `geo.match` runs in SQL. */
export interface QueryPlan {
  /** ORed selectors; none means any entity. */
  selectors: Selector[];
  q?: SqlFragment;
  /** expanded attribute names: the entity must have at least one of them */
  attrsAny?: string[];
  geo?: { path: string; box: Box | null; match: (g: Geometry) => boolean };
  limit: number;
  offset: number;
  count: boolean;
}

/** A stored entity as read: its version (unique per write in the tenant) and its JSON document. */
export interface StoredRow {
  ver: number;
  doc: string;
}

export interface QueryResult {
  rows: StoredRow[];
  count?: number;
}

/**
 * One committed change of an entity, reported by the change feed after its transaction committed
 * (never for a savepoint that rolled back): the stored documents (StoredEntity JSON, expanded names)
 * before and after. A creation has no `before`, a deletion no `after`.
 */
export interface EntityChange {
  id: string;
  /**
   * Its place in the tenant's write order: the entity's new version (a deletion draws one too). The
   * connections writing a file draw from one counter under the write lock, so it orders their commits.
   */
  ver: number;
  before?: string;
  after?: string;
}

/** Receives the changes of one committed transaction, in write order. Must not throw or block. */
export type ChangeListener = (changes: EntityChange[]) => void;

/** One stored subscription: its document and its notification counters (both JSON). */
export interface SubscriptionRow {
  id: string;
  doc: string;
  counters: string | null;
}

/** The subscriptions of one tenant (table `subscriptions`). */
export interface SubscriptionTable {
  all(): SubscriptionRow[];
  get(id: string): SubscriptionRow | undefined;
  /** false when the id exists already */
  insert(row: SubscriptionRow): boolean;
  /** Replaces the document (counters kept); false when absent. */
  replace(id: string, doc: string): boolean;
  delete(id: string): boolean;
  /** Writes the counters of several subscriptions in one transaction (absent ids are skipped). */
  saveCounters(rows: Array<{ id: string; counters: string }>): void;
}

/**
 * One tenant's entities. Writes made inside `transaction` are atomic and, once it returns, durable.
 * `write` is the way requests write: the change runs in its own savepoint inside a group transaction
 * shared with the other writes that arrived in the same event-loop turn (group commit), and the
 * promise settles only after that transaction committed: an acknowledged write is on disk.
 */
export interface EntityStore {
  get(id: string): StoredEntity | undefined;
  /** The stored row of an entity, unparsed (reads that may be answered from the render cache). */
  getRow(id: string): StoredRow | undefined;
  /** Whether an entity exists (reads no document). */
  has(id: string): boolean;
  /** Inserts a new entity; returns false when the id exists already. */
  insert(entity: StoredEntity): boolean;
  /** Replaces the stored document of an existing entity (same id); returns false when absent. */
  update(entity: StoredEntity): boolean;
  delete(id: string): boolean;
  query(plan: QueryPlan): QueryResult;
  transaction<T>(fn: () => T): T;
  write<T>(fn: () => T): Promise<T>;
  /** The tenant's subscriptions (same database). */
  subscriptions: SubscriptionTable;
  /**
   * Registers the change feed (one listener; undefined removes it). Without a listener writes do no
   * extra work; with one, updates and deletes also read the previous document.
   */
  setChangeListener(listener: ChangeListener | undefined): void;
  /**
   * Reports to the change feed the changes another connection to the same file committed (the ingest
   * write thread, src/broker/thread/), in commit order; nothing without a listener.
   */
  committedElsewhere(changes: EntityChange[]): void;
  /**
   * Registers how to report, at once, the changes other connections committed before version
   * `before`: called before this connection reports its own, so that the feed keeps the commit order.
   */
  setSettle(settle: ((before: number) => void) | undefined): void;
  /** What a second connection writing this tenant's file needs; undefined for ':memory:', which no other connection can open. */
  shared(): SharedTenantFile | undefined;
  /**
   * Enters bulk-load mode (a streamed document of tens of MB): until the returned function is called
   * (by every caller that entered), the database keeps a small page cache, since a bulk load touches
   * each page about once and a full cache would only hold them. Reads stay correct, only slower.
   */
  bulk(): () => void;
}

/** How another connection (the ingest write thread, src/broker/thread/) opens a tenant file alike. */
export interface SharedTenantFile {
  file: string;
  sync: 'NORMAL' | 'FULL';
  walAutoCheckpoint?: number;
  /** The tenant's version counter and commit mark (tenant-db.ts TenantDbOptions.versions). */
  versions: SharedArrayBuffer;
}

/** Per-tenant stores: the default tenant and named ones, each its own SQLite database. */
export interface TenantRegistry {
  /** The store of an existing tenant; NonexistentTenant otherwise. */
  forRead(tenant: string | undefined): EntityStore;
  /** The store of a tenant, created on first write. */
  forWrite(tenant: string | undefined): EntityStore;
  tenants(): string[];
  close(): void;
}
