/**
 * A client whose calls are counted, so that the broker config node closes its connections only once
 * the calls of its users are over (Node-RED closes every node of a flow at the same time: an
 * `ngsi-ld in` deletes its subscription while the config node closes).
 */
import type { NgsiLdClient } from '../../../client';

export interface TrackedClient {
  client: NgsiLdClient;
  /** Waits for the calls in flight (and those they start), then closes the client. */
  close(): Promise<void>;
}

/**
 * Wraps every method of `client` that returns a promise.
 * @example
 * const { client, close } = trackClient(createNgsiLdClient({ baseUrl }));
 * node.on('close', (_removed, done) => void close().then(done));
 */
export function trackClient(inner: NgsiLdClient): TrackedClient {
  const pending = new Set<Promise<unknown>>();
  const client = Object.create(inner) as NgsiLdClient;
  for (const key of Object.keys(inner) as Array<keyof NgsiLdClient>) {
    const f = inner[key];
    if (typeof f !== 'function' || key === 'close') continue;
    Object.defineProperty(client, key, {
      value: (...args: unknown[]) => {
        const p = (f as (...a: unknown[]) => Promise<unknown>).apply(inner, args);
        pending.add(p);
        const forget = () => pending.delete(p);
        p.then(forget, forget);
        return p;
      },
    });
  }
  return {
    client,
    async close() {
      // a finished call may start another one (subscribe → unsubscribe) once its promise chain has
      // run: wait for the calls, let the chains run (setImmediate), again — a few rounds, bounded
      for (let round = 0; round < 5; round++) {
        await Promise.allSettled([...pending]);
        await new Promise((resolve) => setImmediate(resolve));
        if (pending.size === 0) break;
      }
      inner.close();
    },
  };
}
