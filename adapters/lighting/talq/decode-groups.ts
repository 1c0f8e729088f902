/**
 * Decodes our groups payload: a JSON array of TALQ `Group` objects, exactly as the CMS API
 * `GET /groups` returns them (see README); a single Group object is read as a list of one.
 * Member addresses are normalized like log data sources (address.ts); `resource` is read in any
 * case, with or without slashes, singular or plural (`devices`, `/Devices`, `device`). `ownerCMS`
 * and `purpose` are not used and not required.
 */
import { address, addressText, isObject, MAX_ADDRESS_LENGTH, optString, parseJson, payloadError, reqString } from './decode';
import type { TalqGroup, TalqResourceReference } from './types';

function resourceOf(raw: string): string {
  const r = raw.trim().replace(/^\/+|\/+$/g, '').toLowerCase();
  return r === 'device' ? 'devices' : r === 'group' ? 'groups' : r;
}

function decodeReference(v: unknown, path: string): TalqResourceReference {
  if (!isObject(v)) throw payloadError(path, 'must be a ResourceReference object');
  const resource = resourceOf(reqString(v, 'resource', path));
  // group addresses are free strings: only device addresses are normalized
  return { resource, address: resource === 'devices' ? address(v, 'address', path) : addressText(v, 'address', path).trim() };
}

/**
 * @example
 * decodeGroups('[{"address":"g-1","ownerCMS":"cms","members":[{"resource":"devices","address":"d-1"}]}]')[0].members.length; // 1
 */
export function decodeGroups(body: string): TalqGroup[] {
  const doc = parseJson(body);
  const list = isObject(doc) && 'address' in doc ? [doc] : doc;
  if (!Array.isArray(list)) throw payloadError('body', 'must be a JSON array of TALQ Group objects');
  return list.map((g, i) => {
    const path = `[${i}]`;
    if (!isObject(g)) throw payloadError(path, 'must be a Group object');
    const addr = addressText(g, 'address', path).trim();
    if (addr.length > MAX_ADDRESS_LENGTH) throw payloadError(`${path}.address`, `is longer than ${MAX_ADDRESS_LENGTH} characters`);
    if (g.members !== undefined && g.members !== null && !Array.isArray(g.members)) throw payloadError(`${path}.members`, 'must be an array');
    const members = ((g.members as unknown[] | null | undefined) ?? []).map((m, j) => decodeReference(m, `${path}.members[${j}]`));
    const ownerCMS = optString(g, 'ownerCMS', path) ?? '';
    const purpose = optString(g, 'purpose', path);
    return { address: addr, ownerCMS, members, ...(purpose !== undefined ? { purpose } : {}) };
  });
}
