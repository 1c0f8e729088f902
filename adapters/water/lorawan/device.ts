/**
 * Which device an event is about and how to read its payload (pure). A device is known when the
 * territory registry lists it or the network server names its codec; anything else is refused, so
 * a stray device never creates entities.
 */
import { FeedError, type AdapterEnv, type DeviceInfo } from '../../../src/ingest/types';
import { codecByName } from './codecs';
import type { Codec } from './types';

/** What the network server tells about a device besides its DevEUI. */
export interface DeviceHints {
  /** Codec name from a ChirpStack tag `codec` or derived from TTS `version_ids`. */
  codec?: string;
  /** Meter id from a ChirpStack tag / TTS attribute `meterId`. */
  meterId?: string;
}

const EUI = /^[0-9a-f]{16}$/;
const METER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Lower-case 16-hex-digit DevEUI, or FeedError('decode', …, 422). */
export function normalizeDevEui(raw: string): string {
  const eui = raw.replace(/[-:]/g, '').toLowerCase();
  if (!EUI.test(eui)) throw new FeedError('decode', `devEui '${raw.slice(0, 40)}' is not 16 hex digits`, 422);
  return eui;
}

/**
 * The device record to translate with: the registry entry, or one built from the hints
 * (meterId from the hints, else the DevEUI). Unknown device → FeedError('translate', …, 422).
 * @example resolveDevice('0101010101010101', { codec: 'axioma-qalcosonic-w1' }, env).meterId
 */
export function resolveDevice(devEui: string, hints: DeviceHints, env: AdapterEnv): DeviceInfo {
  const known = env.devices.get(devEui);
  if (known) return { ...known, devEui, codec: known.codec ?? hints.codec };
  if (hints.codec === undefined) {
    throw new FeedError('translate', `unknown device ${devEui}: not in the territory registry and no codec tag or version_ids`, 422);
  }
  const meterId = hints.meterId !== undefined && METER_ID.test(hints.meterId) ? hints.meterId : devEui;
  return { devEui, meterId, codec: hints.codec };
}

/** The device's codec; none or an unknown name → FeedError('decode', …, 422). */
export function codecOf(device: DeviceInfo): Codec {
  if (device.codec === undefined) throw new FeedError('decode', `no payload codec configured for device ${device.devEui}`, 422);
  const codec = codecByName(device.codec);
  if (!codec) throw new FeedError('decode', `unknown payload codec '${device.codec}' for device ${device.devEui}`, 422);
  return codec;
}
