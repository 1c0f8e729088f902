/**
 * Entity ids from TALQ addresses: `urn:ngsi-ld:<Type>:<territory>:<sanitized address>`.
 *
 * TALQ addresses are strings (UUIDs for devices, free strings for groups), possibly with a
 * `/{functionId}` suffix. Sanitization keeps `A-Z a-z 0-9 . _ -` and percent-encodes every other
 * UTF-8 byte as `%XX` (upper-case hex, RFC 3986 / RFC 8141 style), including `:`, `/` and `%` itself.
 * The mapping is injective (two different addresses never share an id) and its output is URN-safe
 * and keeps the `:`-separated segments of the id unambiguous. Case is kept as sent (decode writes
 * UUID device addresses, which are case-insensitive, in lower case: address.ts).
 */

/** TALQ address → URN-safe local id. */
export function sanitizeAddress(address: string): string {
  let out = '';
  for (const byte of Buffer.from(address, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The device part of a source address (`{deviceAddress}` or `{deviceAddress}/{functionId}`). */
export { deviceAddressOf } from './address';

/**
 * The NGSI-LD id of the entity of `type` for a TALQ address.
 *
 * @example
 * entityId('Streetlight', 'eclor', '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60');
 * // 'urn:ngsi-ld:Streetlight:eclor:3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60'
 * entityId('StreetlightGroup', 'eclor', 'zone nord/1'); // 'urn:ngsi-ld:StreetlightGroup:eclor:zone%20nord%2F1'
 */
export function entityId(type: string, territory: string, address: string): string {
  return `urn:ngsi-ld:${type}:${territory}:${sanitizeAddress(address)}`;
}
