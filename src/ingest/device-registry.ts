/**
 * The territory's device registry: a JSON or YAML file (TERRITORY_FILE, src/territory-file.ts) listing the devices the partners
 * operate: `{ "territory": "eclor", "timeZone": "Europe/Paris", "devices": [{ "devEui": "…",
 * "meterId": "…", "commune": "…", "location": [lon, lat], "codec": "axioma-qalcosonic-w1",
 * "meterClock": "local" }], "assets": [{ "address": "<TALQ address, probe id, car park id …>", "location": [lon, lat], "group": "<TALQ group of a cabinet>" or [ … ] }] }`.
 * Checked at start; the devices are read again when the file changes (`watchDevices`).
 */
import fs from 'node:fs';
import { parseTerritoryText, readTerritoryFile } from '../territory-file';
import { METER_CLOCKS, type AssetInfo, type DeviceInfo, type DeviceRegistry, type MeterClock } from './types';
import { isTimeZone } from './zoned-time';

export interface Territory {
  territory: string;
  /** IANA zone in which the feeds' times without an offset are read; none: such times are not trusted */
  timeZone?: string;
  devices: DeviceRegistry;
}

const EUI = /^[0-9a-fA-F]{16}$/;

/** Builds a registry from a parsed territory document; throws with the path of a bad entry. */
export function territoryFrom(doc: unknown, source = 'territory file'): Territory {
  const d = (doc ?? {}) as { territory?: unknown; timeZone?: unknown; devices?: unknown; assets?: unknown };
  const territory = d.territory ?? 'eclor';
  if (typeof territory !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(territory)) throw new Error(`${source}: territory must be 1-64 letters, digits, '_' or '-'`);
  const timeZone = d.timeZone;
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) throw new Error(`${source}: timeZone must be an IANA time zone such as Europe/Paris`);
  const list = d.devices ?? [];
  if (!Array.isArray(list)) throw new Error(`${source}: devices must be an array`);
  const byEui = new Map<string, DeviceInfo>();
  list.forEach((raw: unknown, i) => {
    const x = raw as Partial<DeviceInfo>;
    const where = `${source}: devices[${i}]`;
    if (typeof x.devEui !== 'string' || !EUI.test(x.devEui)) throw new Error(`${where}.devEui must be 16 hex digits`);
    if (typeof x.meterId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(x.meterId)) throw new Error(`${where}.meterId must be 1-64 letters, digits, '.', '_' or '-'`);
    if (x.location !== undefined && !isPosition(x.location)) throw new Error(`${where}.location must be [longitude, latitude]`);
    if (x.meterClock !== undefined && !METER_CLOCKS.includes(x.meterClock as MeterClock)) throw new Error(`${where}.meterClock must be ${METER_CLOCKS.join(' or ')}`);
    if (x.meterClock === 'local' && timeZone === undefined) throw new Error(`${where}.meterClock 'local' needs the territory's timeZone`);
    byEui.set(x.devEui.toLowerCase(), { devEui: x.devEui.toLowerCase(), meterId: x.meterId, commune: x.commune, location: x.location, codec: x.codec, ...(x.meterClock ? { meterClock: x.meterClock } : {}) });
  });
  const assets = assetsFrom(d.assets ?? [], source);
  return { territory, timeZone, devices: { get: (eui) => byEui.get(eui.toLowerCase()), asset: (address) => assets.get(assetKey(address)) } };
}

const isPosition = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && Number.isFinite(v[1]) && Math.abs(v[0] as number) <= 180 && Math.abs(v[1] as number) <= 90;

/**
 * The key of an asset address: case-insensitive, and a UUID written as a URN (`urn:uuid:…`) or in
 * braces is the UUID (TALQ addresses come in those shapes; lighting/talq/address.ts).
 */
function assetKey(address: string): string {
  const s = address.trim().toLowerCase().replace(/^urn:uuid:/, '');
  return /^\{[^{}]*\}$/.test(s) ? s.slice(1, -1) : s;
}

/** The `assets` list: address (case-insensitive, once) → location. */
function assetsFrom(list: unknown, source: string): Map<string, AssetInfo> {
  if (!Array.isArray(list)) throw new Error(`${source}: assets must be an array`);
  const out = new Map<string, AssetInfo>();
  list.forEach((raw: unknown, i) => {
    const x = (raw ?? {}) as { address?: unknown; location?: unknown; group?: unknown };
    const where = `${source}: assets[${i}]`;
    const unknown = Object.keys(x).filter((k) => k !== 'address' && k !== 'location' && k !== 'group');
    if (unknown.length) throw new Error(`${where} has unknown members (${unknown.join(', ')}): an asset is { address, location, group? }`);
    if (typeof x.address !== 'string' || x.address.trim() === '' || x.address.length > 256) throw new Error(`${where}.address must be a feed address of 1-256 characters`);
    if (!isPosition(x.location)) throw new Error(`${where}.location must be [longitude, latitude]`);
    const key = assetKey(x.address);
    if (out.has(key)) throw new Error(`${where}.address '${x.address}' is listed twice`);
    const groups = x.group === undefined ? undefined : groupsOf(x.group, `${where}.group`);
    out.set(key, { address: x.address.trim(), location: x.location, ...(groups ? { groups } : {}) });
  });
  return out;
}

/** An asset's `group`: one TALQ group address, or a non-empty list of distinct ones (a cabinet may feed several groups). */
function groupsOf(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  const ok = (g: unknown): g is string => typeof g === 'string' && g.trim() !== '' && g.length <= 256;
  if (list.length === 0 || !list.every(ok)) throw new Error(`${where} must be a TALQ group address of 1-256 characters, or a non-empty list of them`);
  const groups = list.map((g) => g.trim());
  if (new Set(groups).size !== groups.length) throw new Error(`${where} lists a group twice`);
  return groups;
}

/**
 * Where the registry puts a device or asset of this address: a LoRaWAN device's location, else an
 * asset's; undefined when it does not know.
 * @example registryLocation(env.devices, 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21') // [4.835, 45.764]
 */
export function registryLocation(registry: DeviceRegistry, address: string): [number, number] | undefined {
  return registry.get(address)?.location ?? registry.asset?.(address)?.location;
}

/** Reads TERRITORY_FILE; no file → the default territory 'eclor' with no devices. */
export function loadTerritory(file: string | undefined): Territory {
  if (!file) return territoryFrom({});
  return territoryFrom(readTerritoryFile(file), file);
}

export interface RegistryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * The devices of `territory`, read again from `file` when it changes (checked every `intervalMs`), so
 * that a meter added to the registry is known without a restart (a dead letter of it can then be
 * replayed). A file that no longer loads, that is empty (being written), or that names another
 * territory or time zone keeps the last good registry (logged): those need a restart (entity ids and
 * times depend on them).
 * @example
 * const { devices, close } = watchDevices('territory.yaml', loadTerritory('territory.yaml'), log);
 */
export function watchDevices(file: string, territory: Territory, log: RegistryLog, intervalMs = 2000): { devices: DeviceRegistry; close(): void } {
  let current = territory.devices;
  const reload = (now: fs.Stats, before: fs.Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
    try {
      // read once: an empty text is a file being written, not a territory without devices
      const text = fs.readFileSync(file, 'utf8');
      if (text.trim() === '') {
        log.warn({ file }, 'TERRITORY_FILE is empty (being written?): the last good device registry stays in use');
        return;
      }
      const next = territoryFrom(parseTerritoryText(text, file), file);
      if (next.territory !== territory.territory || next.timeZone !== territory.timeZone) {
        log.warn({ file }, 'TERRITORY_FILE names another territory or timeZone: it takes effect at the next start, the last good device registry stays in use');
        return;
      }
      current = next.devices;
      log.info({ file }, 'TERRITORY_FILE changed: device registry reloaded');
    } catch (err) {
      log.warn({ file, err: (err as Error).message }, 'TERRITORY_FILE changed but does not load: the last good device registry stays in use');
    }
  };
  fs.watchFile(file, { interval: intervalMs, persistent: false }, reload);
  return { devices: { get: (eui) => current.get(eui), asset: (address) => current.asset?.(address) }, close: () => fs.unwatchFile(file, reload) };
}
