/**
 * TALQ source addresses in the shapes gateways send them. The data model says `{deviceAddress}` or
 * `{deviceAddress}/{functionId}`, and ResourceReference adds `{deviceAddress}/{functionId}/{attributeName}`
 * ("Gateway and CMS must support all address modalities"). Device addresses are UUIDs, which are
 * case-insensitive. Seen besides: the resource path (`/devices/{device}/…`, `devices/{device}`), a
 * full URL of that path, `urn:uuid:{device}`, `{uuid}` in braces, a trailing slash, upper-case hex.
 *
 * `normalizeAddress` brings all of them to `{device}[/{functionId}[/…]]` with a lower-case UUID
 * device, so one device gets one entity id whichever way it is written.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URL_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** True for a UUID (any case). */
export const isUuid = (s: string): boolean => UUID.test(s);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A device segment: braces removed, a UUID lower-cased. */
function canonicalDevice(segment: string): string {
  const bare = /^\{.*\}$/.test(segment) && isUuid(segment.slice(1, -1)) ? segment.slice(1, -1) : segment;
  return isUuid(bare) ? bare.toLowerCase() : bare;
}

/**
 * A TALQ source/member address → `{device}[/{functionId}[/…]]`, or undefined when no device can be
 * told (empty, `/lampMonitor1`, a URL without a device in its path).
 *
 * @param gateway the reporting gateway's address: a `{gateway}/{deviceUuid}/…` hierarchy drops it.
 * @example
 * normalizeAddress('https://gw.example/talq/devices/3F6B1C2E-0A4D-4C1E-9A53-1D2C3B4A5F60/lamp1/'); // '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lamp1'
 * normalizeAddress('urn:uuid:3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60'); // '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60'
 * normalizeAddress('cabinet-7/meter1'); // 'cabinet-7/meter1'
 */
export function normalizeAddress(raw: string, gateway?: string): string | undefined {
  let s = raw.trim();
  const url = URL_PREFIX.exec(s);
  if (url) s = s.slice(url[0].length).replace(/[?#].*$/, '');
  s = s.replace(/^urn:uuid:/i, '');
  const rooted = url !== null || s.startsWith('/');
  let segments = s.split('/').filter((x) => x !== '').map((x) => (rooted ? decode(x) : x));
  const devicesAt = segments.map((x) => x.toLowerCase()).lastIndexOf('devices');
  if (devicesAt >= 0 && devicesAt < segments.length - 1 && (rooted || devicesAt === 0)) segments = segments.slice(devicesAt + 1);
  else if (rooted) {
    // a path without /devices/: only a UUID segment tells where the device is
    const at = segments.findIndex((x) => isUuid(canonicalDevice(x)));
    if (at < 0) return undefined;
    segments = segments.slice(at);
  }
  if (segments.length === 0) return undefined;
  segments[0] = canonicalDevice(segments[0]);
  if (gateway && segments.length > 1 && segments[0] === gateway.toLowerCase() && isUuid(canonicalDevice(segments[1]))) {
    segments = segments.slice(1);
    segments[0] = canonicalDevice(segments[0]);
  }
  return segments.join('/');
}

/** The device part of a normalized address. */
export function deviceAddressOf(address: string): string {
  const slash = address.indexOf('/');
  return slash < 0 ? address : address.slice(0, slash);
}

/** The function part of a normalized address (`{device}/{functionId}`), undefined for a bare device. */
export function functionAddressOf(address: string): string | undefined {
  const parts = address.split('/');
  return parts.length < 2 ? undefined : `${parts[0]}/${parts[1]}`;
}
