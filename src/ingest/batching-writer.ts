/**
 * Batches the writes of many messages into fewer broker requests (an external broker pays per HTTP
 * request): translations with the same @context and mode are merged until `maxEntities` or
 * `maxDelayMs` (~200 ms), written as one, and each message gets back its own part of the outcome.
 * The embedded broker does not need it: its group commit already shares transactions.
 */
import type { Translation } from './types';
import type { WriteOutcome } from './write';

export interface BatchingOptions {
  maxEntities?: number;
  maxDelayMs?: number;
}

interface Pending {
  t: Translation;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * @example
 * const write = createBatchingWriter(createRemoteWriter(client), { maxEntities: 500, maxDelayMs: 200 });
 */
export function createBatchingWriter(inner: (t: Translation) => Promise<WriteOutcome>, o: BatchingOptions = {}): (t: Translation) => Promise<WriteOutcome> {
  const maxEntities = o.maxEntities ?? 500;
  const maxDelayMs = o.maxDelayMs ?? 200;
  const groups = new Map<string, { items: Pending[]; size: number; timer: NodeJS.Timeout }>();

  const flush = (key: string): void => {
    const g = groups.get(key);
    if (!g) return;
    groups.delete(key);
    clearTimeout(g.timer);
    const first = g.items[0].t;
    const merged: Translation = {
      context: first.context,
      mode: first.mode,
      entities: g.items.flatMap((p) => p.t.entities),
      remove: g.items.flatMap((p) => p.t.remove ?? []),
    };
    inner(merged).then(
      (out) => {
        const failed = new Map(out.failed.map((f) => [f.entityId, f]));
        const written = new Set(out.written);
        g.items.forEach((p, i) => {
          const ids = p.t.entities.map((e) => e.id);
          p.resolve({
            written: ids.filter((id) => written.has(id)),
            failed: ids.flatMap((id) => (failed.has(id) ? [failed.get(id)!] : [])),
            retries: i === 0 ? out.retries : 0,
          });
        });
      },
      (err) => g.items.forEach((p) => p.reject(err)),
    );
  };

  return (t) => {
    const count = t.entities.length;
    if (count === 0 && !t.remove?.length) return Promise.resolve({ written: [], failed: [], retries: 0 });
    if (count >= maxEntities) return inner(t);
    const key = JSON.stringify([t.context, t.mode ?? 'replace']);
    return new Promise<WriteOutcome>((resolve, reject) => {
      let g = groups.get(key);
      if (g && g.size + count > maxEntities) {
        flush(key);
        g = undefined;
      }
      if (!g) {
        g = { items: [], size: 0, timer: setTimeout(() => flush(key), maxDelayMs) };
        groups.set(key, g);
      }
      g.items.push({ t, resolve, reject });
      g.size += count;
      if (g.size >= maxEntities) flush(key);
    });
  };
}
