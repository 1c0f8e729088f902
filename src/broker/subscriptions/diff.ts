/**
 * What a change did to each attribute of an entity (ETSI GS CIM 009 v1.8, clause 5.2.12
 * notificationTrigger): created (absent before), deleted (absent after) or updated. An attribute
 * counts as updated only when one of its members (sub-attributes included) now holds a different
 * value, the system members createdAt/modifiedAt aside: an update that writes the same value (and the
 * same observedAt, unitCode…) changes nothing and triggers nothing.
 */
import type { StoredAttribute, StoredEntity } from '../../ngsi-ld/types';

export type AttrEvent = 'created' | 'updated' | 'deleted';

const SYSTEM = new Set(['createdAt', 'modifiedAt']);

/** Deep equality of JSON values, ignoring createdAt/modifiedAt members at every level. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => !SYSTEM.has(k));
  const bk = Object.keys(bo).filter((k) => !SYSTEM.has(k));
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameJson(ao[k], bo[k]));
}

const datasetOf = (i: StoredAttribute): unknown => i.datasetId;

/** Whether two instance lists hold the same instances (matched by datasetId). */
function sameInstances(a: StoredAttribute[], b: StoredAttribute[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => {
    const y = b.find((i) => datasetOf(i) === datasetOf(x));
    return y !== undefined && sameJson(x, y);
  });
}

/**
 * The attribute events of a change, by expanded attribute name. A creation creates every attribute;
 * a deletion deletes them all.
 *
 * @example
 * diffAttributes({ ...e, attrs: { t: [{ type: 'Property', value: 1 }] } }, { ...e, attrs: { t: [{ type: 'Property', value: 2 }] } });
 * // Map { 't' => 'updated' }
 */
export function diffAttributes(before: StoredEntity | undefined, after: StoredEntity | undefined): Map<string, AttrEvent> {
  const out = new Map<string, AttrEvent>();
  const b = before?.attrs ?? {};
  const a = after?.attrs ?? {};
  for (const [name, list] of Object.entries(a)) {
    const old = b[name];
    if (!old) out.set(name, 'created');
    else if (!sameInstances(old, list)) out.set(name, 'updated');
  }
  for (const name of Object.keys(b)) if (!a[name]) out.set(name, 'deleted');
  return out;
}
