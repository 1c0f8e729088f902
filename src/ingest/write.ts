/**
 * The write stage: a translation's entities go to the broker as one batch upsert (replace, or update
 * for `mode: 'merge'`), with the translation's @context. Per-entity failures of a 207 come back one
 * by one; a failure of the broker itself is retried with exponential backoff and jitter.
 */
import { batchUpdate } from '../broker/operations/batch-update';
import { backoffDelay } from '../client/backoff';
import { batchUpsert } from '../broker/operations/batch-upsert';
import type { Broker, RequestContext } from '../broker/request';
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
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function exists(o: WriterOptions, id: unknown): boolean {
  if (typeof id !== 'string') return false;
  try {
    return o.broker.tenants.forRead(o.tenant).has(id);
  } catch {
    return false; // no such tenant yet: nothing exists
  }
}

/**
 * @example
 * const write = createWriter({ broker, contexts });
 * const { written, failed } = await write(translation);
 */
export function createWriter(o: WriterOptions): (t: Translation) => Promise<WriteOutcome> {
  const attempts = o.attempts ?? 4;
  const backoff = o.backoffMs ?? 50;
  return async (t) => {
    const out: WriteOutcome = { written: [], failed: [], retries: 0 };
    if (t.entities.length === 0 && !t.updateOnly?.length) return out;
    const ctx = await o.contexts.resolve(t.context.length ? t.context : undefined);
    // only the entities that exist (cheap reads, no exception per absent one); started first and not
    // awaited yet, so that both writes join the same group commit
    const present = (t.updateOnly ?? []).filter((e) => exists(o, e.id));
    const closing = present.length
      ? batchUpdate(o.broker, { tenant: o.tenant, ctx, responseContext: undefined, params: {}, body: present, accept: 'application/json' })
      : undefined;
    const collectClosing = async () => {
      if (!closing) return;
      const res = await closing;
      const r = res.status === 207 ? (res.body as BatchOperationResult) : { success: present.map((e) => e.id), errors: [] };
      out.written.push(...r.success);
      // absent entities are skipped by design; other refusals are reported
      for (const e of r.errors) if (e.error.status !== 404) out.failed.push({ entityId: e.entityId, reason: `${e.error.title}: ${e.error.detail}` });
    };
    if (t.entities.length === 0) {
      await collectClosing();
      return out;
    }
    const req: RequestContext = {
      tenant: o.tenant,
      ctx,
      responseContext: undefined,
      params: t.mode === 'merge' ? { options: 'update' } : {},
      body: t.entities,
      accept: 'application/json',
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const [res] = await Promise.all([batchUpsert(o.broker, req), attempt === 1 ? collectClosing() : undefined]);
        if (res.status === 207) {
          const r = res.body as BatchOperationResult;
          out.written.push(...r.success);
          out.failed.push(...r.errors.map((e) => ({ entityId: e.entityId, reason: `${e.error.title}: ${e.error.detail}` })));
        } else {
          out.written.push(...t.entities.map((e) => e.id));
        }
        return out;
      } catch (err) {
        if (isNgsiError(err) || attempt >= attempts) throw err;
        out.retries++;
        await sleep(backoffDelay(attempt - 1, backoff, Infinity));
      }
    }
  };
}
