/** The outcome of one attempt, as the bindings (HTTP, MQTT) report it to the endpoint queue. */
export interface AttemptResult {
  ok: boolean;
  /** Worth another attempt (timeouts, network errors, 408, 429, 5xx, MQTT disconnects). */
  retry: boolean;
  status?: number;
  error?: string;
}

/** Why a thrown or rejected value failed an attempt, as a short reason ('ECONNREFUSED', 'socket hang up'…). */
export const reasonOf = (err: unknown): string => {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code) return e.code;
  if (typeof e?.message === 'string' && e.message) return e.message;
  return String(err);
};
