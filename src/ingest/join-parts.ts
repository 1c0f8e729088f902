/**
 * The join stage of an adapter with `requires` (src/ingest/parts.ts): a part of an entity that does
 * not hold the members its type requires, and whose entity the broker does not hold complete, waits;
 * the parts of one entity are merged (a later part's attributes over an earlier one's) and written
 * together once complete. Merge-mode translations only (a replace would delete what another part wrote).
 */
import type { Entity } from '../ngsi-ld/types';
import type { PartStore, WaitingPart } from './parts';
import type { Translation } from './types';

/**
 * Which of `ids` the broker holds with every one of `attrs` (short names under `context`): their parts
 * can be written at once.
 */
export type CompletenessReader = (ids: string[], attrs: readonly string[], context: string[]) => Promise<Set<string>>;

/** Required members per entity type (Adapter.requires). */
export type Requirements = Readonly<Record<string, readonly string[]>>;

export interface Joined {
  /** What to write now: entities without requirements, complete ones (their waiting parts merged in), parts of complete stored entities. */
  translation: Translation;
  /** Entities kept waiting (their part stored). */
  held: string[];
  /** Entities whose waiting part is in this write: to drop from the store once written. */
  completed: string[];
}

const lacking = (e: Entity, required: readonly string[]): string[] => required.filter((a) => !(a in e));

/**
 * @example
 * const j = await joinParts(t, { TrafficFlowObserved: ['dateObserved'] }, parts, readComplete, 'mobility/datex2', receivedAt);
 * // a site table alone: j.held lists its sites, j.translation has none of them
 */
export async function joinParts(t: Translation, requires: Requirements, parts: PartStore, readComplete: CompletenessReader, adapter: string, now: string): Promise<Joined> {
  if (t.mode !== 'merge') return { translation: t, held: [], completed: [] };
  // incomplete parts, waiting ones too: is their entity complete on the broker already? (one read per
  // type; a part held while a concurrent message wrote the entity's first observation is written now)
  const ask = new Map<string, string[]>();
  for (const e of t.entities) {
    const required = requires[e.type as string];
    if (!required || lacking(e, required).length === 0) continue;
    const ids = ask.get(e.type as string) ?? [];
    ids.push(String(e.id));
    ask.set(e.type as string, ids);
  }
  const onBroker = new Set<string>();
  for (const [type, ids] of ask) for (const id of await readComplete([...new Set(ids)], requires[type], t.context)) onBroker.add(id);

  // in message order; `state`: the part waiting (stored or from this message), null once written whole
  const state = new Map<string, WaitingPart | null>();
  const entities: Entity[] = [];
  let context = t.context;
  for (const e of t.entities) {
    const id = String(e.id);
    const required = requires[e.type as string];
    if (!required) {
      entities.push(e);
      continue;
    }
    const prior = state.has(id) ? state.get(id) : parts.get(id);
    if (prior === null) {
      entities.push(e);
      continue;
    }
    const merged = prior ? ({ ...prior.entity, ...e } as Entity) : e;
    if (prior) context = [...context, ...prior.context.filter((c) => !context.includes(c))];
    const missing = lacking(merged, required);
    if (missing.length === 0 || onBroker.has(id)) {
      entities.push(merged);
      state.set(id, null);
      continue;
    }
    state.set(id, { entity: merged, context: prior ? [...new Set([...prior.context, ...t.context])] : t.context, adapter, missing, since: prior?.since ?? now, updatedAt: now });
  }
  const held: string[] = [];
  const waitingParts: WaitingPart[] = [];
  const completed: string[] = [];
  for (const [id, part] of state) {
    if (part) {
      waitingParts.push(part);
      held.push(id);
    } else if (parts.has(id)) completed.push(id);
  }
  if (waitingParts.length) parts.put(waitingParts);
  if (held.length === 0 && completed.length === 0 && entities.length === t.entities.length) return { translation: t, held, completed };
  const waiting = new Set(held);
  const remove = t.remove?.filter((r) => !waiting.has(r.id));
  return { translation: { ...t, context, entities, ...(remove ? { remove } : {}) }, held, completed };
}
