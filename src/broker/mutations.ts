/**
 * Pure changes to a stored entity, shared by the entity, attribute and batch operations:
 * append (clause 5.6.3), update (5.6.2), merge (5.6.17, `urn:ngsi-ld:null` deletes), partial
 * attribute update (5.6.4) and attribute deletion (5.6.5). They never touch storage.
 */
import { NGSI_LD_NULL } from '../ngsi-ld/entity/terms';
import { ATTRIBUTE_RESERVED, type StoredAttribute, type StoredEntity, type UpdateResult } from '../ngsi-ld/types';

type Attrs = Record<string, StoredAttribute[]>;

const datasetOf = (a: StoredAttribute): string | undefined => a.datasetId as string | undefined;
const isNull = (a: StoredAttribute): boolean => a.value === NGSI_LD_NULL || a.object === NGSI_LD_NULL;

function findIndex(list: StoredAttribute[] | undefined, ds: string | undefined): number {
  return list ? list.findIndex((i) => datasetOf(i) === ds) : -1;
}

/** Keeps the original createdAt of an instance being replaced. */
function replaced(old: StoredAttribute, next: StoredAttribute): StoredAttribute {
  return { ...next, createdAt: old.createdAt ?? next.createdAt };
}

/** Merges `patch` into `base`: members replace, sub-attributes merge recursively, nulls delete. */
export function mergeInstance(base: StoredAttribute, patch: StoredAttribute): StoredAttribute {
  const out: StoredAttribute = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'createdAt') continue;
    if (!ATTRIBUTE_RESERVED.has(k) && typeof v === 'object' && v !== null) {
      const sub = v as StoredAttribute;
      if (isNull(sub)) delete out[k];
      else out[k] = typeof base[k] === 'object' && base[k] !== null && sub.type === (base[k] as StoredAttribute).type ? mergeInstance(base[k] as StoredAttribute, sub) : sub;
    } else if (v === NGSI_LD_NULL) {
      delete out[k];
    } else {
      out[k] = v;
    }
  }
  if (patch.type && patch.type !== base.type) {
    // a different kind: value members of the old kind must not survive
    for (const m of ['value', 'object', 'languageMap', 'valueList', 'objectList', 'json', 'vocab']) if (!(m in patch)) delete out[m];
  }
  return out;
}

function touch(e: StoredEntity, now: string): void {
  e.modifiedAt = now;
}

/**
 * Append (overwrite unless `noOverwrite`): clause 5.6.3.
 * @example appendAttributes(entity, fragment.attrs, { noOverwrite: false, now })
 */
export function appendAttributes(e: StoredEntity, attrs: Attrs, o: { noOverwrite: boolean; now: string; compact: (iri: string) => string }): UpdateResult {
  const result: UpdateResult = { updated: [], notUpdated: [] };
  for (const name in attrs) {
    const instances = attrs[name];
    const list = (e.attrs[name] ??= []);
    let any = false;
    for (const inst of instances) {
      const at = findIndex(list, datasetOf(inst));
      if (at < 0) list.push(inst);
      else if (o.noOverwrite) continue;
      else list[at] = replaced(list[at], inst);
      any = true;
    }
    if (any) result.updated.push(o.compact(name));
    else result.notUpdated.push({ attributeName: o.compact(name), reason: 'attribute exists and noOverwrite was requested' });
  }
  if (result.updated.length) touch(e, o.now);
  return result;
}

/** Update existing attributes only: clause 5.6.2. */
export function updateAttributes(e: StoredEntity, attrs: Attrs, o: { now: string; compact: (iri: string) => string }): UpdateResult {
  const result: UpdateResult = { updated: [], notUpdated: [] };
  for (const [name, instances] of Object.entries(attrs)) {
    const list = e.attrs[name];
    let all = true;
    for (const inst of instances) {
      const at = findIndex(list, datasetOf(inst));
      if (at < 0) all = false;
      else list[at] = replaced(list[at], inst);
    }
    if (all) result.updated.push(o.compact(name));
    else result.notUpdated.push({ attributeName: o.compact(name), reason: list ? 'no instance with this datasetId' : 'attribute does not exist' });
  }
  if (result.updated.length) touch(e, o.now);
  return result;
}

/** Merge (clause 5.6.17): existing instances are merged, new ones added, `urn:ngsi-ld:null` deletes. */
export function mergeAttributes(e: StoredEntity, attrs: Attrs, now: string): void {
  for (const [name, instances] of Object.entries(attrs)) {
    for (const inst of instances) {
      const list = e.attrs[name];
      const at = findIndex(list, datasetOf(inst));
      if (isNull(inst)) {
        if (at >= 0) list.splice(at, 1);
      } else if (at >= 0) {
        list[at] = mergeInstance(list[at], inst);
      } else {
        (e.attrs[name] ??= []).push(inst);
      }
    }
    if (e.attrs[name]?.length === 0) delete e.attrs[name];
  }
  touch(e, now);
}

/** Deletes an attribute instance (by datasetId), or all instances with `deleteAll`. Returns false if nothing matched. */
export function deleteAttribute(e: StoredEntity, name: string, o: { datasetId?: string; deleteAll: boolean; now: string }): boolean {
  const list = e.attrs[name];
  if (!list) return false;
  if (o.deleteAll) {
    delete e.attrs[name];
  } else {
    const at = findIndex(list, o.datasetId);
    if (at < 0) return false;
    list.splice(at, 1);
    if (list.length === 0) delete e.attrs[name];
  }
  touch(e, o.now);
  return true;
}
