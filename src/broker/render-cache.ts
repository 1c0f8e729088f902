/**
 * A bounded cache of rendered entities (their JSON text), keyed by tenant, entity version and the
 * rendering (context, format, options). Only the embedded broker writes its databases (on its own
 * connection, or the ingest write thread's), and every write gives the entity a new version, unique
 * across both (one shared counter, tenant-db.ts), so an entry never goes stale; least recently used
 * entries are dropped past `maxBytes`.
 */
export interface RenderCache {
  /** The cached text for `key`, or the text `render()` makes (then cached). */
  get(key: string, render: () => string): string;
  readonly size: number;
}

/**
 * @example
 * const cache = createRenderCache(32 * 1024 * 1024);
 * const json = cache.get(`${tenant}|${row.ver}|${ctx.key}|normalized`, () => JSON.stringify(entity));
 */
export function createRenderCache(maxBytes: number): RenderCache {
  const map = new Map<string, string>();
  let bytes = 0;
  return {
    get(key, render) {
      const hit = map.get(key);
      if (hit !== undefined) {
        map.delete(key);
        map.set(key, hit);
        return hit;
      }
      const text = render();
      if (maxBytes <= 0 || text.length > maxBytes / 16) return text;
      map.set(key, text);
      bytes += text.length + key.length;
      while (bytes > maxBytes) {
        const [k, v] = map.entries().next().value as [string, string];
        map.delete(k);
        bytes -= v.length + k.length;
      }
      return text;
    },
    get size() {
      return map.size;
    },
  };
}
