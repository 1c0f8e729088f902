/**
 * Batch upserts on a second core: the ingest's write stage (src/ingest/write.ts) hands its entities to
 * a worker thread (upsert-worker.ts) that holds its own connection to each tenant file and writes
 * them there, while the event loop goes on taking feed messages. This is the same batch upsert as the
 * embedded broker's (ETSI GS CIM 009 v1.8 clause 5.6.8; batch-upsert.ts upsertEntities), with the same
 * answer (201, 204 or 207 with per-entity errors), answered once the thread's transaction
 * committed. The thread expands the entities itself, with its own @context resolver.
 *
 * Two connections then write one SQLite file: both take the write lock before their first read
 * (BEGIN IMMEDIATE) and wait for each other (busy timeout; a write of the event loop may so wait, in
 * place, for one commit of the thread, a few ms), and both draw entity versions from one shared
 * counter, so versions stay unique (the render cache relies on it). The thread's commits reach the
 * tenant's change feed (subscriptions) through the main connection's store, in commit order: before the
 * main connection reports its own changes, it waits for the thread's earlier commit to be reported
 * and reads it from the reply channel at once (tenant-db.ts emitOwn, settleFor below).
 * In-memory tenants, which no other connection can open, are written in place (batchUpsert).
 * If the thread dies, the writes in flight fail (the ingest retries them, then files them as dead
 * letters) and the next write starts a new thread.
 */
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { ngsiError } from '../../ngsi-ld/errors';
import { projectRoot } from '../../project-root';
import { batchUpsert, checkUpsert } from '../operations/batch-upsert';
import type { Operation, OperationResult } from '../request';
import type { EntityChange, EntityStore } from '../store/types';
import type { CloseRequest, ThreadReply, UpsertRequest } from './protocol';

export interface UpsertThread {
  /** Batch upsert (the contract of batchUpsert) whose writes run on the thread. */
  upsert: Operation;
  /**
   * Lets the thread commit what it holds and close its connections (waits at most `waitMs`, default
   * 5000); the writes it had not answered are rejected. Later upserts are written in place.
   */
  close(waitMs?: number): void;
}

export interface UpsertThreadOptions {
  /** Where the main resolver caches fetched remote contexts (the thread reads them there, else fetches them). */
  contextCacheDir?: string;
  /**
   * Bound of the thread's heap, MiB (default 256; a batch of at most MAX_THREAD_BATCH entities needs a
   * few): one oversized message cannot grow the process without bound. A thread past it is stopped by
   * Node, which is one of the ways it dies (below).
   */
  heapLimitMb?: number;
  log?: { warn(obj: object, msg?: string): void };
}

// Loads the worker module: the compiled .js from dist/, or the .ts source under ts-jest (transpiled
// by the tests' register hook).
const LOADER = `
const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register);
require(workerData.entry);
`;

function workerModule(): { entry: string; register?: string } {
  const ext = path.extname(__filename);
  return { entry: path.join(__dirname, `upsert-worker${ext}`), register: ext === '.ts' ? path.join(projectRoot(), 'test/support/ts-register.js') : undefined };
}

/** The largest batch written on the thread. */
const MAX_THREAD_BATCH = 50;
const DEFAULT_HEAP_LIMIT_MB = 256;

/** A failure of the thread or of its database: not an NgsiError, so the ingest retries it. */
class WriteThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WriteThreadError';
  }
}

/**
 * @example
 * const thread = createUpsertThread({ contextCacheDir, log });
 * const write = createWriter({ broker, contexts, upsert: thread.upsert });
 * // … at shutdown, before the broker closes its connections:
 * thread.close();
 */
export function createUpsertThread(o: UpsertThreadOptions = {}): UpsertThread {
  let worker: Worker | undefined;
  /** The running thread's replies (changes, answers). */
  let replies: MessagePort | undefined;
  let seq = 0;
  let closed = false;
  const pending = new Map<number, { resolve: (v: OperationResult) => void; reject: (e: unknown) => void }>();
  /** The main connection's store of each file the thread writes, whose change feed gets its commits. */
  const feeds = new Map<string, EntityStore>();
  /** The files the running thread was told how to open. */
  const opened = new Set<string>();

  function fail(w: Worker, err: Error): void {
    if (worker !== w) return;
    worker = undefined;
    drainReplies(); // what it committed and reported before it stopped
    replies = undefined;
    opened.clear();
    if (!closed) o.log?.warn({ error: err.message }, 'ingest write thread stopped; the next write starts a new one');
    for (const p of pending.values()) p.reject(new WriteThreadError(`ingest write thread stopped: ${err.message}`));
    pending.clear();
  }

  /** Changes of the thread held back while the main connection reports earlier ones (settle). */
  let held: Array<{ file: string; changes: EntityChange[] }> = [];
  function relayHeld(): void {
    const list = held;
    held = [];
    for (const h of list) feeds.get(h.file)?.committedElsewhere(h.changes);
  }

  /** One reply; with `settling`, changes of that file from version `before` on wait until its own are reported. */
  function handle(m: ThreadReply, settling?: { file: string; before: number }): void {
    if (m.type === 'changes') {
      if (settling && m.file === settling.file) {
        const early = m.changes.filter((c) => c.ver < settling.before);
        const late = m.changes.filter((c) => c.ver >= settling.before);
        if (early.length) feeds.get(m.file)?.committedElsewhere(early);
        if (late.length) {
          if (held.length === 0) queueMicrotask(relayHeld); // right after the main connection's own report
          held.push({ file: m.file, changes: late });
        }
      } else if (held.length) held.push({ file: m.file, changes: m.changes });
      else feeds.get(m.file)?.committedElsewhere(m.changes);
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'done') p.resolve(m.result);
    else if (m.type === 'refused') p.reject(ngsiError(m.name, m.detail));
    else p.reject(new WriteThreadError(m.message, m.code));
  }

  /** The main connection's store is about to report changes from version `before`: report the thread's earlier ones first. */
  const settleFor =
    (file: string) =>
    (before: number): void => {
      for (let r = replies && receiveMessageOnPort(replies); r; r = replies && receiveMessageOnPort(replies)) handle(r.message as ThreadReply, { file, before });
    };

  /** Handles every reply still in the channel, then closes it. */
  function drainReplies(): void {
    if (!replies) return;
    for (let r = receiveMessageOnPort(replies); r; r = receiveMessageOnPort(replies)) handle(r.message as ThreadReply);
    relayHeld();
    replies.close();
  }

  function start(): Worker {
    const channel = new MessageChannel();
    const w = new Worker(LOADER, {
      eval: true,
      workerData: { ...workerModule(), contextCacheDir: o.contextCacheDir, replies: channel.port2 },
      transferList: [channel.port2],
      resourceLimits: { maxOldGenerationSizeMb: o.heapLimitMb ?? DEFAULT_HEAP_LIMIT_MB },
    });
    replies = channel.port1;
    replies.on('message', (m: ThreadReply) => handle(m));
    replies.unref();
    w.unref();
    w.on('error', (err) => fail(w, err));
    w.on('exit', (code) => fail(w, new Error(`exit code ${code}`)));
    return w;
  }

  const upsert: Operation = async (broker, req) => {
    checkUpsert(req);
    const store = broker.tenants.forWrite(req.tenant);
    const tenant = store.shared();
    // a large batch (a streamed document's) is written in place: the thread's gain is the overlap of
    // many small messages; a stream awaits each batch, and its JSON copy and second heap only cost
    if (!tenant || closed || (req.body as unknown[]).length > MAX_THREAD_BATCH) return batchUpsert(broker, req);
    const w = (worker ??= start());
    const port = replies!;
    const id = ++seq;
    if (feeds.get(tenant.file) !== store) {
      feeds.set(tenant.file, store);
      store.setSettle(settleFor(tenant.file));
    }
    // a write keeps the thread (and so the process) alive until it is answered
    if (pending.size === 0) {
      w.ref();
      port.ref();
    }
    // sent at once, not gathered per event-loop turn: the thread writes while this thread goes on (its
    // own group commit gathers what arrives meanwhile; gathering here halved the overlap)
    const m: UpsertRequest = { type: 'upsert', id, file: tenant.file, context: req.ctx.raw, params: req.params, body: JSON.stringify(req.body), now: broker.now() };
    if (!opened.has(tenant.file)) {
      m.open = tenant;
      opened.add(tenant.file);
    }
    w.postMessage(m);
    try {
      return await new Promise<OperationResult>((resolve, reject) => pending.set(id, { resolve, reject }));
    } finally {
      if (pending.size === 0 && worker === w) {
        w.unref();
        port.unref();
      }
    }
  };

  return {
    upsert,
    close(waitMs = 5000) {
      if (closed) return;
      closed = true;
      const w = worker;
      if (!w) return;
      const done = new Int32Array(new SharedArrayBuffer(4));
      w.postMessage({ type: 'close', done } satisfies CloseRequest);
      // the thread commits what it holds and lets go of the files before the main connections close
      Atomics.wait(done, 0, 0, waitMs);
      worker = undefined;
      for (const store of feeds.values()) store.setSettle(undefined);
      drainReplies(); // what the thread committed and reported while it closed
      replies = undefined;
      void w.terminate();
      for (const p of pending.values()) p.reject(new WriteThreadError('ingest write thread closed before it answered (what reached it is committed)'));
      pending.clear();
    },
  };
}
