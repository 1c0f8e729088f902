/** Counters per adapter, served at GET /ingest/stats. */
export interface AdapterStats {
  /** Messages received. */
  received: number;
  /** Messages fully written (or acknowledged as ignored); a message with any part refused is not. */
  accepted: number;
  /** Entities written to the broker. */
  written: number;
  /** Messages or entities rejected (each one is a dead letter). */
  rejected: number;
  /** Entity parts kept waiting for the members their type requires (Adapter.requires); written with the entity's next part. */
  held: number;
  /** Write attempts repeated after a broker failure. */
  retried: number;
  /** Messages acknowledged without entities (e.g. LoRaWAN join events). */
  ignored: number;
}

export interface IngestStats {
  of(adapter: string): AdapterStats;
  snapshot(): Record<string, AdapterStats>;
}

export function createStats(): IngestStats {
  const all = new Map<string, AdapterStats>();
  return {
    of(adapter) {
      let s = all.get(adapter);
      if (!s) all.set(adapter, (s = { received: 0, accepted: 0, written: 0, held: 0, rejected: 0, retried: 0, ignored: 0 }));
      return s;
    },
    snapshot: () => Object.fromEntries([...all.entries()].map(([k, v]) => [k, { ...v }])),
  };
}
