/**
 * The ingest write thread (worker_threads; started by upsert-thread.ts): its own connection to each
 * tenant file and its own @context resolver, on which it runs the embedded broker's batch upsert
 * (upsertEntities, the same code) with the same group commit (tenant-db.ts `write`). A write is
 * answered only once its transaction committed, so an acknowledged write is on disk.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createContextResolver, type CompiledContext } from '../../ngsi-ld/context';
import { NgsiError } from '../../ngsi-ld/errors';
import { upsertEntities } from '../operations/batch-upsert';
import type { BatchBroker } from '../operations/batch';
import { openTenantDb, type TenantDb } from '../store/tenant-db';
import type { SharedTenantFile } from '../store/types';
import type { CloseRequest, ThreadReply, UpsertRequest } from './protocol';

const data = workerData as { contextCacheDir?: string; replies: MessagePort };
const contexts = createContextResolver({ cacheDir: data.contextCacheDir });
const open = new Map<string, TenantDb>();
/** How to open each file, as the owner said once (kept: an open that failed is tried again). */
const how = new Map<string, SharedTenantFile>();
// replies go on their own channel, which the owner can also read synchronously (setSettle)
const post = (m: ThreadReply): void => data.replies.postMessage(m);

function tenantOf(m: UpsertRequest): TenantDb {
  const known = open.get(m.file);
  if (known) return known;
  if (m.open) how.set(m.file, m.open);
  const shared = how.get(m.file);
  if (!shared) throw new Error(`the write thread was not told how to open ${m.file}`);
  const { file, sync, walAutoCheckpoint, versions } = shared;
  const db = openTenantDb(file, { sync, walAutoCheckpoint, versions });
  // emitted after the commit, before the writes' promises settle: the owner gets the changes first;
  // the store collects them only while the owner's feed listens (read from the shared counter)
  db.setChangeListener((changes) => post({ type: 'changes', file, changes }));
  open.set(file, db);
  return db;
}

/** Answers a request that wrote nothing: refused (an NgsiError) or failed. */
function replyError(m: UpsertRequest, err: unknown): void {
  if (err instanceof NgsiError) post({ type: 'refused', id: m.id, name: err.errorName, detail: err.message });
  else post({ type: 'failed', id: m.id, message: (err as Error)?.message ?? String(err), code: (err as { code?: string })?.code });
}

async function upsert(m: UpsertRequest, ctx: CompiledContext): Promise<void> {
  try {
    const db = tenantOf(m);
    const broker: BatchBroker = { tenants: { forRead: () => db, forWrite: () => db }, now: () => m.now };
    // queues its write at once (tenant-db.ts `write`): requests are written in the order they came
    const result = await upsertEntities(broker, { ctx, params: m.params, body: JSON.parse(m.body), responseContext: undefined, accept: 'application/json' });
    post({ type: 'done', id: m.id, result });
  } catch (err) {
    replyError(m, err);
  }
}

/** The last request still resolving its @context (a remote one not in memory): the next ones wait behind it. */
let resolving: Promise<void> | undefined;

function take(m: UpsertRequest): void {
  const ctx = resolving ? undefined : contexts.resolveSync(m.context);
  if (ctx) return void upsert(m, ctx);
  const before = resolving;
  const mine: Promise<void> = (async () => {
    await before;
    let resolved: CompiledContext;
    try {
      resolved = await contexts.resolve(m.context);
    } catch (err) {
      return replyError(m, err);
    }
    void upsert(m, resolved);
  })().finally(() => {
    if (resolving === mine) resolving = undefined;
  });
  resolving = mine;
}

function close(m: CloseRequest): void {
  for (const db of open.values()) {
    try {
      db.close(); // commits the writes still queued
    } catch {
      // the owner is shutting down; nothing more to report to
    }
  }
  open.clear();
  Atomics.store(m.done, 0, 1);
  Atomics.notify(m.done, 0);
  data.replies.close();
  parentPort!.close();
}

parentPort!.on('message', (m: UpsertRequest | CloseRequest) => (m.type === 'close' ? close(m) : take(m)));
