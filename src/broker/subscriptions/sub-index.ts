/**
 * Candidate lookup for matching: the subscriptions of one tenant indexed by the entity ids their
 * selectors name, else by the (expanded) type names of their selectors; subscriptions with
 * watchedAttributes only are tried for every entity. A change then costs a few Map lookups plus the
 * exact check of the candidates only (match.ts), however many subscriptions there are.
 */
import type { StoredEntity } from '../../ngsi-ld/types';
import type { CompiledSubscription } from './types';

export interface SubscriptionIndex {
  add(s: CompiledSubscription): void;
  remove(s: CompiledSubscription): void;
  /** Subscriptions that may match an entity with these id and types (each once). */
  candidates(e: Pick<StoredEntity, 'id' | 'types'>): CompiledSubscription[];
  readonly size: number;
}

export function createSubscriptionIndex(): SubscriptionIndex {
  const byId = new Map<string, Set<CompiledSubscription>>();
  const byType = new Map<string, Set<CompiledSubscription>>();
  const any = new Set<CompiledSubscription>();
  let size = 0;

  /** The index keys of a subscription: for each selector its id, or else its type names. */
  function keys(s: CompiledSubscription): Array<[Map<string, Set<CompiledSubscription>>, string]> {
    const out: Array<[Map<string, Set<CompiledSubscription>>, string]> = [];
    for (const sel of s.selectors) {
      if (sel.id !== undefined) out.push([byId, sel.id]);
      else for (const t of sel.typeNames) out.push([byType, t]);
    }
    return out;
  }

  return {
    add(s) {
      size++;
      if (s.selectors.length === 0) {
        any.add(s);
        return;
      }
      for (const [map, k] of keys(s)) {
        let set = map.get(k);
        if (!set) map.set(k, (set = new Set()));
        set.add(s);
      }
    },
    remove(s) {
      size--;
      any.delete(s);
      for (const [map, k] of keys(s)) {
        const set = map.get(k);
        set?.delete(s);
        if (set?.size === 0) map.delete(k);
      }
    },
    candidates(e) {
      const found = new Set<CompiledSubscription>(any);
      for (const s of byId.get(e.id) ?? []) found.add(s);
      for (const t of e.types) for (const s of byType.get(t) ?? []) found.add(s);
      return [...found];
    },
    get size() {
      return size;
    },
  };
}
