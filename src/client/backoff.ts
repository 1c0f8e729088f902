/**
 * The one retry delay of the platform: exponential from `baseMs`, ±50 % jitter, capped at `maxMs`.
 * Used by the client's transport, the ingest writer, the notifier, the lighting commands and the
 * `ngsi-ld in` node (without jitter: `random = () => 0.5`).
 */

/**
 * Delay before retry number `retry` (0 for the first retry).
 * @example
 * backoffDelay(0, 200, 30000) // 100…300
 * backoffDelay(3, 200, 30000) // 800…2400
 * backoffDelay(20, 200, 30000) // 30000
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.min(Math.max(retry, 0), 30);
  return Math.max(0, Math.min(maxMs, Math.round(exponential * (0.5 + random()))));
}
