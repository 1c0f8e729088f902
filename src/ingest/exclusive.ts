/**
 * One at a time per key, for asynchronous sections from a read of the broker to the write that
 * depends on it: the join stage of an adapter with `requires` (a site table held while a measurement
 * of the same site is being written would otherwise wait for the next one), and the entities of an
 * adapter with `fallbacks` (a registry place written after the place the lamp reported). Callers of
 * one key run in the order they asked; a caller taking several keys takes them in sorted order.
 * The lock form of keyed-turns.ts.
 */
import { createKeyedTurns } from './keyed-turns';

export type Exclusive = (key: string) => Promise<() => void>;

/**
 * @example
 * const exclusive = createExclusive();
 * const release = await exclusive('mobility/datex2');
 * try { … } finally { release(); }
 */
export function createExclusive(): Exclusive {
  const turns = createKeyedTurns();
  return (key) => turns.enter([key]);
}
