/**
 * WAL checkpoints off the event loop. With SQLite's automatic checkpoint, the connection that commits
 * past the threshold copies the WAL back into the database file and fsyncs it, inside the commit: the
 * event loop stops for tens of milliseconds, which is the p99 of writes (and of the notifications they
 * trigger). Here a worker thread holds its own connection to each tenant file and runs a PASSIVE
 * checkpoint every `intervalMs`: it copies what is committed without blocking the writer (WAL mode lets
 * both run), on the other core. The tenant connections keep a high automatic threshold as a safety net
 * (tenant-db.ts), which then finds the WAL already copied and costs little.
 *
 * A checkpoint interrupted by a crash is harmless (SQLite redoes it from the WAL): durability is the
 * commits' business, unchanged.
 */
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Starts checkpointing a database file (already created, in WAL mode). */
  watch(file: string): void;
  /** Closes the worker's connections and stops it; waits at most `waitMs` (default 2000). */
  close(waitMs?: number): void;
}

export interface CheckpointerOptions {
  /** Period of the checkpoints, ms (default 200). */
  intervalMs?: number;
  log?: { warn(obj: object, msg?: string): void };
}

// Plain CommonJS run with `eval`, so that it works the same from dist/ and under ts-jest.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const dbs = new Map();
const failed = new Set();
function tick() {
  for (const [file, db] of dbs) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      failed.delete(file);
    } catch (err) {
      if (!failed.has(file)) parentPort.postMessage({ file, error: String(err && err.message || err) });
      failed.add(file);
    }
  }
}
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.watch && !dbs.has(m.watch)) {
    try {
      const db = new Database(m.watch, { fileMustExist: true, timeout: 50 });
      db.pragma('cache_size = -256'); // a checkpoint copies pages, it needs no cache
      dbs.set(m.watch, db);
    } catch (err) {
      parentPort.postMessage({ file: m.watch, error: String(err && err.message || err) });
    }
  } else if (m.close) {
    clearInterval(timer);
    for (const db of dbs.values()) try { db.close(); } catch {}
    dbs.clear();
    Atomics.store(m.done, 0, 1);
    Atomics.notify(m.done, 0);
    parentPort.close();
  }
});
`;

/**
 * @example
 * const cp = createCheckpointer({ intervalMs: 200 });
 * cp.watch('/data/default.sqlite');
 * // … at shutdown, before closing the tenant connections:
 * cp.close();
 */
export function createCheckpointer(o: CheckpointerOptions = {}): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { sqlite: require.resolve('better-sqlite3'), intervalMs: o.intervalMs ?? 200 },
    // it only runs PRAGMAs: a small heap keeps the process's memory bound (the DATEX II target)
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  worker.on('message', (m: { file: string; error: string }) => o.log?.warn({ file: m.file, error: m.error }, 'background WAL checkpoint failed; the automatic checkpoint still runs'));
  worker.on('error', (err) => o.log?.warn({ error: String(err) }, 'WAL checkpointer stopped; the automatic checkpoint still runs'));
  let closed = false;
  return {
    watch(file) {
      if (!closed) worker.postMessage({ watch: file });
    },
    close(waitMs = 2000) {
      if (closed) return;
      closed = true;
      const done = new Int32Array(new SharedArrayBuffer(4));
      worker.postMessage({ close: true, done });
      // the worker must let go of the files before the tenant connections close (the last one out
      // removes the WAL): wait for it, bounded
      Atomics.wait(done, 0, 0, waitMs);
      void worker.terminate();
    },
  };
}
