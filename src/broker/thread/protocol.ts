/** The messages between the ingest write thread (upsert-worker.ts) and its owner (upsert-thread.ts). */
import type { ErrorName } from '../../ngsi-ld/errors';
import type { EntityChange, SharedTenantFile } from '../store/types';
import type { OperationResult } from '../request';

/** A batch upsert into a tenant file: one write (one savepoint of the thread's group commit). */
export interface UpsertRequest {
  type: 'upsert';
  id: number;
  /** The tenant file. */
  file: string;
  /** How to open it: sent with the first request for the file to a thread, which keeps it (a shared buffer costs each message it travels in). */
  open?: SharedTenantFile;
  /** The request's @context as given (CompiledContext.raw): the thread resolves it with its own resolver. */
  context: unknown;
  params: Record<string, string>;
  /** The entities as JSON: a string crosses threads as one copy, several times cheaper than a structured clone. */
  body: string;
  /** The owner's clock for createdAt/modifiedAt. */
  now: string;
}

/** Closes the thread's connections (their queued writes are committed first), then sets `done[0]`. */
export interface CloseRequest {
  type: 'close';
  done: Int32Array;
}

export type ThreadReply =
  | { type: 'done'; id: number; result: OperationResult }
  /** The request was refused as a whole (an NgsiError): nothing of it was written. */
  | { type: 'refused'; id: number; name: ErrorName; detail: string }
  /** The thread or its database failed: nothing of the request was written. */
  | { type: 'failed'; id: number; message: string; code?: string }
  /** Changes of one committed transaction, sent before the replies of the writes it holds. */
  | { type: 'changes'; file: string; changes: EntityChange[] };
