/**
 * Fallback attributes (Translation.fallback): an attribute the adapter writes only where the broker
 * holds none, dropped from the entities that already have one (one read per attribute name). A dead
 * letter names an entity's fallbacks (`@fallback`), and its replay treats them the same way.
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
 * The fallback attributes of one entity of `t` that it still carries: what its dead letter names
 * (`@fallback`), so that a replay writes them only where the broker holds none by then (a reported
 * lamp failure, a place set since), and still completes an entity the broker no longer holds.
 * @example fallbacksOf(lamp, { ...t, fallback: [{ id: lamp.id, attribute: 'status' }] }); // ['status']
 */
export function fallbacksOf(entity: Entity, t: Translation): string[] {
  return (t.fallback ?? []).filter((f) => f.id === entity.id && Object.hasOwn(entity, f.attribute)).map((f) => f.attribute);
}

function without(e: Entity, attributes: Iterable<string>): Entity {
  const kept: Entity = { ...e };
  for (const a of attributes) delete kept[a];
  return kept;
}
