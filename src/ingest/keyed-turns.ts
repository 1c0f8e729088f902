/**
 * Turns per key: a task waits for the unfinished tasks given before it on any of its keys (an entity's
 * messages in the order they came), and for none other, so that a slow task (a read of a broker that
 * is down) holds up the tasks of its own keys only. A task of several keys waits for all of them at
 * once, so no order of keys can deadlock. The ingest's episode and observation stages read the broker
 * this way, and exclusive.ts is its lock form.
 */
export interface KeyedTurns {
  /** Whether a task of one of `keys` is not finished. */
  busy(keys: Iterable<string>): boolean;
  /** Waits for the turn of `keys`; the returned function ends it (call it once, also on failure). */
  enter(keys: Iterable<string>): Promise<() => void>;
  /** Runs `task` once the unfinished tasks of its keys are done (at once when there are none). */
  run<T>(keys: Iterable<string>, task: () => T | Promise<T>): Promise<T>;
}

/**
 * @example
 * const turns = createKeyedTurns();
 * await turns.run(['urn:ngsi-ld:Alert:eclor:W1:leak'], () => resolveNow(t));
 */
export function createKeyedTurns(): KeyedTurns {
  /** key → the end of the last turn given on it (removed once that turn is over and still the last). */
  const tails = new Map<string, Promise<void>>();
  const enter = (keys: Iterable<string>): Promise<() => void> => {
    const mine = [...new Set(keys)];
    const ahead = [...new Set(mine.map((k) => tails.get(k)).filter((p) => p !== undefined))];
    let end!: () => void;
    const over = new Promise<void>((ok) => (end = ok));
    for (const k of mine) tails.set(k, over);
    const leave = () => {
      end();
      for (const k of mine) if (tails.get(k) === over) tails.delete(k);
    };
    return (ahead.length ? Promise.all(ahead) : Promise.resolve()).then(() => leave);
  };
  return {
    busy(keys) {
      for (const k of keys) if (tails.has(k)) return true;
      return false;
    },
    enter,
    async run(keys, task) {
      const leave = await enter(keys);
      try {
        return await task();
      } finally {
        leave();
      }
    },
  };
}
