/**
 * Which device an event is about and how to read its payload (pure). A device is known when the
 * territory registry lists it, the network server names its codec or volume field, or the network
 * server's payload (TTS normalized payload, or a decoded object with a volume in an explicit unit)
 * is a water-meter reading; anything else is refused, so a stray device never creates entities.
 */
import { FeedError, METER_CLOCKS, type AdapterEnv, type DeviceInfo, type MeterClock } from '../../../src/ingest/types';
import { codecByName, decodedSpec } from './codecs';
import type { DecodedSpec } from './decoded-payload';
import type { Codec } from './types';

/** What the network server tells about a device besides its DevEUI. */
export interface DeviceHints {
  /** Codec name from a ChirpStack tag `codec` or derived from TTS `version_ids`. */
  codec?: string;
  /** Meter id from a ChirpStack tag / TTS attribute `meterId`. */
  meterId?: string;
  /** Path of the volume in the decoded payload (ChirpStack tag / TTS attribute `volumeField`). */
  volumeField?: string;
  /** Its unit, m3 or L (ChirpStack tag / TTS attribute `volumeUnit`). */
  volumeUnit?: string;
  /** The meter's clock, utc or local (ChirpStack tag / TTS attribute `meterClock`; the registry's wins). */
  meterClock?: string;
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
 * Whether the territory registry lists the device or the network server names its codec or volume
 * field: without that, only its payload can tell that it is a meter.
 */
export const isDescribed = (devEui: string, hints: DeviceHints, env: AdapterEnv): boolean =>
  env.devices.get(devEui) !== undefined || hints.codec !== undefined || hints.volumeField !== undefined;

/**
 * The device record to translate with: the registry entry, or one built from the hints
 * (meterId from the hints, else the DevEUI). `waterReading`: the uplink's network-server payload
 * reads as a water-meter reading. Unknown device → FeedError('translate', …, 422).
 * @example resolveDevice('0101010101010101', { codec: 'axioma-qalcosonic-w1' }, env).meterId
 */
export function resolveDevice(devEui: string, hints: DeviceHints, env: AdapterEnv, waterReading = false): DeviceInfo {
  const known = env.devices.get(devEui);
  if (known) return { ...known, devEui, codec: known.codec ?? hints.codec, meterClock: known.meterClock ?? meterClockHint(hints, devEui) };
  if (!isDescribed(devEui, hints, env) && !waterReading) {
    throw new FeedError('translate', `unknown device ${devEui}: not in the territory registry, and no codec or volumeField tag/attribute, version_ids, normalized water volume or decoded volume with an explicit unit`, 422);
  }
  const meterId = hints.meterId !== undefined && METER_ID.test(hints.meterId) ? hints.meterId : devEui;
  return { devEui, meterId, codec: hints.codec, meterClock: meterClockHint(hints, devEui) };
}

/** The `meterClock` tag/attribute (any case), or FeedError('decode', …, 422) for another value. */
function meterClockHint(hints: DeviceHints, devEui: string): MeterClock | undefined {
  if (hints.meterClock === undefined) return undefined;
  const clock = hints.meterClock.trim().toLowerCase() as MeterClock;
  if (!METER_CLOCKS.includes(clock)) throw new FeedError('decode', `device ${devEui}: meterClock '${hints.meterClock.slice(0, 40)}' must be ${METER_CLOCKS.join(' or ')}`, 422);
  return clock;
}

/**
 * The zone of the device's calendar clock: undefined for UTC, the territory's `timeZone` for a
 * meter set to local time; 'local' without a territory `timeZone` → FeedError('decode', …, 422).
 * @example clockZone({ devEui, meterId, meterClock: 'local' }, { ...env, timeZone: 'Europe/Paris' }) // 'Europe/Paris'
 */
export function clockZone(device: DeviceInfo, env: AdapterEnv): string | undefined {
  if (device.meterClock !== 'local') return undefined;
  if (env.timeZone === undefined) throw new FeedError('decode', `device ${device.devEui}: meterClock 'local' needs the territory's timeZone (territory file)`, 422);
  return env.timeZone;
}

/**
 * How to read the device's uplinks: its built-in codec, else the network server's decoded payload
 * (no codec, or `decoded[:<field>[:<unit>]]`; the hints' volumeField/volumeUnit win). Another codec
 * name → FeedError('decode', …, 422).
 * @example 'decode' in payloadReader({ devEui, meterId, codec: 'kamstrup-flowiq2200' }, {}) // true: a Codec
 */
export function payloadReader(device: DeviceInfo, hints: DeviceHints): Codec | DecodedSpec {
  const codec = codecByName(device.codec);
  if (codec) return codec;
  const spec = device.codec === undefined ? {} : decodedSpec(device.codec);
  if (!spec) throw new FeedError('decode', `unknown payload codec '${String(device.codec).slice(0, 60)}' for device ${device.devEui}`, 422);
  return { field: hints.volumeField ?? spec.field, unit: hints.volumeUnit ?? spec.unit };
}
