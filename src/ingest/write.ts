/**
 * The write stage: a translation's entities go to the broker as batch upserts (replace, or update
 * for `mode: 'merge'`), with the translation's @context, at most MAX_BATCH entities each (a CSV
 * file of 50,000 readings is five batches, in file order). Per-entity failures of a 207 come back
 * one by one; a failure of the broker itself is retried with exponential backoff and jitter.
 */
import { backoffDelay } from '../client/backoff';
import { MAX_BATCH } from '../broker/operations/batch';
import { batchUpsert } from '../broker/operations/batch-upsert';
import { deleteAttribute } from '../broker/operations/delete-attribute';
import type { Broker, Operation, OperationResult, RequestContext } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { isNgsiError } from '../ngsi-ld/errors';
import type { BatchOperationResult } from '../ngsi-ld/types';
import type { Translation } from './types';

export interface WriteOutcome {
  written: string[];
  failed: Array<{ entityId: string; reason: string }>;
  retries: number;
}

export interface WriterOptions {
  broker: Broker;
  contexts: ContextResolver;
  tenant?: string;
  /** Attempts for a failing broker, default 4 (so 3 retries). */
  attempts?: number;
  /** First backoff in ms, doubled each time, ±50 % jitter; default 50. */
  backoffMs?: number;
  /** The batch upsert: the broker's own (default), or the ingest write thread's (src/broker/thread/). */
  upsert?: Operation;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * The broker failed after some batches of a translation were written: the cause (`cause`, its
 * message) and the ids those batches wrote, so that the message's outcome can say them.
 */
export class PartialWriteError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly written: string[],
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'PartialWriteError';
  }
}

/** `cause`, as a PartialWriteError when `out` already holds written entities. */
export const withPartial = (cause: unknown, out: WriteOutcome): unknown => (out.written.length ? new PartialWriteError(cause, out.written) : cause);

/** `items` in slices of at most `size`, in order. */
export function slices<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * @example
 * const write = createWriter({ broker, contexts });
 * const { written, failed } = await write(translation);
 */
export function createWriter(o: WriterOptions): (t: Translation) => Promise<WriteOutcome> {
  const attempts = o.attempts ?? 4;
  const backoff = o.backoffMs ?? 50;
  const upsert = o.upsert ?? batchUpsert;
  /** `run` again after a failure of the broker itself (not an NgsiError), with backoff. */
  const retrying = async <T>(out: WriteOutcome, run: () => T | Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (isNgsiError(err) || attempt >= attempts) throw err;
        out.retries++;
        await sleep(backoffDelay(attempt - 1, backoff, Infinity));
      }
    }
  };
  return async (t) => {
    const out: WriteOutcome = { written: [], failed: [], retries: 0 };
    await writeEntities(t, out);
    const failed = new Set(out.failed.map((f) => f.entityId));
    for (const r of t.remove ?? []) {
      if (failed.has(r.id)) continue;
      const req: RequestContext = {
        tenant: o.tenant, ctx: await o.contexts.resolve([r.context]), responseContext: undefined, params: { deleteAll: 'true' },
        entityId: r.id, attrId: r.attribute, body: undefined, accept: 'application/json',
      };
      try {
        await retrying(out, () => deleteAttribute(o.broker, req));
      } catch (err) {
        // not there (entity or attribute): nothing to delete
        if (!(isNgsiError(err) && err.status === 404)) throw withPartial(err, out);
      }
    }
    return out;
  };

  async function writeEntities(t: Translation, out: WriteOutcome): Promise<void> {
    if (t.entities.length === 0) return;
    const ctx = await o.contexts.resolve(t.context.length ? t.context : undefined);
    for (const entities of slices(t.entities, MAX_BATCH)) {
      const req: RequestContext = {
        tenant: o.tenant,
        ctx,
        responseContext: undefined,
        params: t.mode === 'merge' ? { options: 'update' } : {},
        body: entities,
        accept: 'application/json',
      };
      let res: OperationResult;
      try {
        res = await retrying(out, () => upsert(o.broker, req));
      } catch (err) {
        throw withPartial(err, out);
      }
      if (res.status === 207) {
        const r = res.body as BatchOperationResult;
        out.written.push(...r.success);
        out.failed.push(...r.errors.map((e) => ({ entityId: e.entityId, reason: `${e.error.title}: ${e.error.detail}` })));
      } else {
        out.written.push(...entities.map((e) => e.id));
      }
    }
  }
}
