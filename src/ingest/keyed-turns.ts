/**
 * Turns per key: a task waits for the unfinished tasks given before it on any of its keys (an entity's
 * messages in the order they came), and for none other, so that a slow task (a read of a broker that
 * is down) holds up the tasks of its own keys only. The ingest's episode and observation stages read
 * the broker this way.
 */
export interface KeyedTurns {
  /** Whether a task of one of `keys` is not finished. */
  busy(keys: Iterable<string>): boolean;
  /** Runs `task` once the unfinished tasks of its keys are done (at once when there are none). */
  run<T>(keys: Iterable<string>, task: () => T | Promise<T>): Promise<T>;
}

/**
 * @example
 * const turns = createKeyedTurns();
 * await turns.run(['urn:ngsi-ld:Alert:eclor:W1:leak'], () => resolveNow(t));
 */
export function createKeyedTurns(): KeyedTurns {
  /** key → the last task given on it, settled or not (removed once it is settled and still the last). */
  const tails = new Map<string, Promise<unknown>>();
  return {
    busy(keys) {
      for (const k of keys) if (tails.has(k)) return true;
      return false;
    },
    run(keys, task) {
      const mine = [...new Set(keys)];
      const ahead = [...new Set(mine.map((k) => tails.get(k)).filter((p) => p !== undefined))];
      const p = (ahead.length ? Promise.all(ahead) : Promise.resolve()).then(task);
      const tail: Promise<unknown> = p.then(
        () => undefined,
        () => undefined,
      );
      for (const k of mine) tails.set(k, tail);
      void tail.then(() => {
        for (const k of mine) if (tails.get(k) === tail) tails.delete(k);
      });
      return p;
    },
  };
}
