/**
 * Fallback attributes (Translation.fallback): an attribute the adapter writes only where the broker
 * holds none, dropped from the entities that already have one (one read per attribute name), and
 * from the entities dead letters keep.
 */
import type { Entity } from '../ngsi-ld/types';
import type { CompletenessReader } from './join-parts';
import type { Translation } from './types';

/**
 * @example
 * t = await withoutHeldFallbacks({ ...t, fallback: [{ id: lampId, attribute: 'location' }] }, readComplete);
 * // the lamp's registry location is gone if the broker holds a location for it
 */
export async function withoutHeldFallbacks(t: Translation, readComplete: CompletenessReader): Promise<Translation> {
  if (!t.fallback?.length) return t;
  const byAttribute = new Map<string, string[]>();
  for (const f of t.fallback) byAttribute.set(f.attribute, [...(byAttribute.get(f.attribute) ?? []), f.id]);
  const drop = new Map<string, Set<string>>(); // entity id → attributes it holds already
  for (const [attribute, ids] of byAttribute) {
    for (const id of await readComplete([...new Set(ids)], [attribute], t.context)) drop.set(id, (drop.get(id) ?? new Set()).add(attribute));
  }
  const { fallback: _done, ...rest } = t;
  if (drop.size === 0) return rest;
  const entities = t.entities.map((e) => {
    const held = drop.get(String(e.id));
    return held ? without(e, held) : e;
  });
  return { ...rest, entities };
}

/**
 * An entity as its dead letter keeps it: without its fallback attributes, which hold only where the
 * broker has none. Decided anew at each message, a replay, which writes the entity as it is, would
 * write them over what the broker holds by then (a reported lamp failure, a place set since).
 */
export function withoutFallbacks(entity: Entity, t: Translation): Entity {
  const own = t.fallback?.filter((f) => f.id === entity.id).map((f) => f.attribute);
  return own?.length ? without(entity, own) : entity;
}

function without(e: Entity, attributes: Iterable<string>): Entity {
  const kept: Entity = { ...e };
  for (const a of attributes) delete kept[a];
  return kept;
}
