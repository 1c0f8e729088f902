/**
 * The steps shared by the ChirpStack and TTS parsers once they have extracted an uplink or a status:
 * resolve the device, read its payload (built-in codec, else what the network server decoded),
 * translate (pure).
 */
import { MAX_CLOCK_LEAD_MS } from '../../../src/ingest/observations';
import { FeedError, type AdapterEnv, type DeviceInfo, type Translation } from '../../../src/ingest/types';
import type { Json } from '../payload';
import { CONTEXT } from '../ngsi';
import { readDecodedObject, type DecodedSpec } from './decoded-payload';
import { clockZone, payloadReader, resolveDevice, type DeviceHints } from './device';
import { readNormalized, waterMeasurement } from './normalized-payload';
import { translateStatus, translateUplink } from './translate';
import type { DeviceStatus, MeterReading, Uplink } from './types';

/** Context of the LoRaWAN translations, also given with ignored events. */
export const LORAWAN_CONTEXT = [CONTEXT.waterConsumption, CONTEXT.device, CONTEXT.alert];

/** An acknowledged event that yields no entity. */
export const ignored = (reason: string): Translation => ({ entities: [], context: LORAWAN_CONTEXT, ignored: reason });

/**
 * No built-in codec: the TTS normalized water total (unless a volumeField is named), else the
 * decoded object; neither → FeedError('decode', …, 422) naming the device.
 */
function networkReading(uplink: Uplink, spec: DecodedSpec, water: Json | undefined, devEui: string, zone: string | undefined): MeterReading {
  if (spec.field === undefined && water) return readNormalized(water, uplink.receivedAt);
  if (!uplink.decoded) {
    throw new FeedError(
      'decode',
      `no payload codec configured for device ${devEui}, and the network server sent no decoded payload with a water volume (ChirpStack object, TTS decoded_payload or normalized_payload)`,
      422,
    );
  }
  try {
    return readDecodedObject(uplink.decoded.value, spec, uplink.decoded.from, uplink.receivedAt, zone);
  } catch (err) {
    if (err instanceof FeedError) throw new FeedError(err.stage, `device ${devEui}: ${err.message}`, err.status);
    throw err;
  }
}

/**
 * The network server's decoded object read with no configuration (a volume whose unit is explicit),
 * or undefined: with it, an unregistered device is taken as a meter (id: its DevEUI).
 */
function readWithoutConfig(uplink: Uplink, zone: string | undefined): MeterReading | undefined {
  if (!uplink.decoded) return undefined;
  const value = uplink.decoded.value; // outside the try: a malformed one (ChirpStack v3 objectJSON not JSON) is the sender's error
  try {
    return readDecodedObject(value, {}, uplink.decoded.from, uplink.receivedAt, zone);
  } catch {
    return undefined;
  }
}

export function handleUplink(uplink: Uplink, hints: DeviceHints, env: AdapterEnv): Translation {
  const water = uplink.normalized === undefined ? undefined : waterMeasurement(uplink.normalized);
  const unregistered = env.devices.get(uplink.devEui) === undefined && hints.codec === undefined && hints.volumeField === undefined;
  // read once: an unregistered device has no codec, so this is also its reading
  const selfRead = unregistered && water === undefined ? readWithoutConfig(uplink, env.timeZone) : undefined;
  const device = resolveDevice(uplink.devEui, hints, env, water !== undefined || selfRead !== undefined);
  const reader = payloadReader(device, hints);
  const reading = selfRead ?? ('decode' in reader ? reader.decode(uplink.bytes, portOf(uplink, reader.name), uplink.receivedAt, clockZone(device, env)) : networkReading(uplink, reader, water, device.devEui, env.timeZone));
  checkMeterClock(reading, uplink, device);
  return translateUplink(reading, uplink, device, env.territory);
}

/** The frame's fPort, which a built-in codec needs to read it; absent → FeedError('decode', …, 422). */
function portOf(uplink: Uplink, codec: string): number {
  if (uplink.fPort === undefined) throw new FeedError('decode', `device ${uplink.devEui}: the uplink gives no fPort, which codec ${codec} needs to read the frame`, 422);
  return uplink.fPort;
}

/**
 * A reading dated after the network received it (beyond clock drift) is refused whole, alarms
 * included: a wrong meter clock, or bytes that are not a frame of the device's codec but happen to
 * decode (a random frame reads as a date decades ahead). Written, it would hold every real reading of
 * the meter back as out of order until that date.
 */
function checkMeterClock(reading: MeterReading, uplink: Uplink, device: DeviceInfo): void {
  const lead = Date.parse(reading.time) - Date.parse(uplink.receivedAt);
  if (!(lead > MAX_CLOCK_LEAD_MS)) return;
  const hint = device.meterClock === 'local' ? '' : "; a meter set to local time needs meterClock 'local'";
  throw new FeedError(
    'decode',
    `meter time ${reading.time} is ${(lead / 3_600_000).toFixed(1)} h after the network received the frame (${uplink.receivedAt}): a wrong meter clock${hint}, or not a frame of codec ${device.codec ?? 'decoded'}`,
    422,
  );
}

export function handleStatus(status: DeviceStatus, hints: DeviceHints, env: AdapterEnv): Translation {
  return translateStatus(status, resolveDevice(status.devEui, hints, env), env.territory);
}
