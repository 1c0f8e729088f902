/**
 * The shared frame of the batch operations (ETSI GS CIM 009 v1.8, clause 5.6.7–5.6.10, 5.6.20;
 * HTTP binding 6.14–6.31): the whole request is one write (one savepoint of a group commit). Each item
 * fails on its own: every item function checks everything before its first write, so an NgsiError
 * never leaves part of an item written (a per-item savepoint would double the cost of a batch); any
 * other error (the database failing) fails the whole request and nothing of it is written.
 */
import { NgsiError, ngsiError, toProblemDetails } from '../../ngsi-ld/errors';
import type { BatchOperationResult } from '../../ngsi-ld/types';
import type { EntityStore, TenantRegistry } from '../store/types';
import type { OperationResult, RequestContext } from '../request';

export const MAX_BATCH = 10000;

export interface ItemOutcome {
  id: string;
  created?: boolean;
}

/** The body of a batch request: a non-empty array. */
export function batchItems(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw ngsiError('BadRequestData', 'A batch operation takes a JSON array');
  if (body.length === 0) throw ngsiError('BadRequestData', 'A batch operation needs at least one item');
  if (body.length > MAX_BATCH) throw ngsiError('BadRequestData', `A batch operation takes at most ${MAX_BATCH} items`);
  return body;
}

function idOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'object' && item !== null) {
    const id = (item as Record<string, unknown>).id ?? (item as Record<string, unknown>)['@id'];
    if (typeof id === 'string') return id;
  }
  return '';
}

/**
 * What a batch operation uses of the broker: the tenant stores and the clock (the ingest write thread,
 * src/broker/thread/, runs batch upserts with its own connections).
 */
export interface BatchBroker {
  tenants: Pick<TenantRegistry, 'forRead' | 'forWrite'>;
  now(): string;
}

export interface BatchRun {
  result: BatchOperationResult;
  created: string[];
}

/** Runs `each` on every item in one write; NgsiErrors are collected per item. Only creating operations create a tenant. */
export async function runBatch(
  broker: BatchBroker,
  req: RequestContext,
  items: unknown[],
  each: (store: EntityStore, item: unknown, now: string) => ItemOutcome,
  createTenant: boolean,
): Promise<BatchRun> {
  const store = createTenant ? broker.tenants.forWrite(req.tenant) : broker.tenants.forRead(req.tenant);
  const now = broker.now();
  const run: BatchRun = { result: { success: [], errors: [] }, created: [] };
  await store.write(() => {
    for (const item of items) {
      try {
        const out = each(store, item, now);
        run.result.success.push(out.id);
        if (out.created) run.created.push(out.id);
      } catch (err) {
        if (!(err instanceof NgsiError)) throw err;
        run.result.errors.push({ entityId: idOf(item), error: toProblemDetails(err) });
      }
    }
  });
  return run;
}

/** 204 when every item succeeded, 207 with the details otherwise. */
export function noContentOr207(run: BatchRun): OperationResult {
  return run.result.errors.length ? { status: 207, body: run.result } : { status: 204 };
}
