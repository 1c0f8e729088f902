/**
 * The steps shared by the ChirpStack and TTS parsers once they have extracted an uplink or a status:
 * resolve the device, read its payload (built-in codec, else what the network server decoded),
 * translate (pure).
 */
import { MAX_CLOCK_LEAD_MS } from '../../../src/ingest/observations';
import { FeedError, type AdapterEnv, type DeviceInfo, type Translation } from '../../../src/ingest/types';
import type { Json } from '../payload';
import { CONTEXT } from '../ngsi';
import { hasExplicitVolume, readDecodedObject, type DecodedSpec } from './decoded-payload';
import { clockZone, isDescribed, payloadReader, resolveDevice, type DeviceHints } from './device';
import { readNormalized, waterMeasurement } from './normalized-payload';
import { translateStatus, translateUplink } from './translate';
import type { Codec, DeviceStatus, MeterReading, Uplink } from './types';

/** Context of the LoRaWAN translations, also given with ignored events. */
export const LORAWAN_CONTEXT = [CONTEXT.waterConsumption, CONTEXT.device, CONTEXT.alert];

/** An acknowledged event that yields no entity. */
export const ignored = (reason: string): Translation => ({ entities: [], context: LORAWAN_CONTEXT, ignored: reason });

/** The uplink's decoded object read as `spec` says; its faults name the device. */
function readDecoded(decoded: NonNullable<Uplink['decoded']>, uplink: Uplink, spec: DecodedSpec, zone: string | undefined): MeterReading {
  const value = decoded.value; // outside the try: a malformed one (ChirpStack v3 objectJSON not JSON) is the sender's error
  try {
    return readDecodedObject(value, spec, decoded.from, uplink.receivedAt, zone);
  } catch (err) {
    if (err instanceof FeedError) throw new FeedError(err.stage, `device ${uplink.devEui}: ${err.message}`, err.status);
    throw err;
  }
}

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
  return readDecoded(uplink.decoded, uplink, spec, zone);
}

/**
 * The network server's decoded object read with no configuration, or undefined when it names no
 * volume with its unit: with one, an unregistered device is taken as a meter (id: its DevEUI), and a
 * fault of that volume (negative, fields that disagree) is refused as such, naming the device.
 */
function readWithoutConfig(uplink: Uplink, zone: string | undefined): MeterReading | undefined {
  if (!uplink.decoded || !hasExplicitVolume(uplink.decoded.value)) return undefined;
  return readDecoded(uplink.decoded, uplink, {}, zone);
}

export function handleUplink(uplink: Uplink, hints: DeviceHints, env: AdapterEnv): Translation {
  const water = uplink.normalized === undefined ? undefined : waterMeasurement(uplink.normalized);
  // read once: a device neither registered nor described by its tags has no codec, so this is also its reading
  const selfRead = !isDescribed(uplink.devEui, hints, env) && water === undefined ? readWithoutConfig(uplink, env.timeZone) : undefined;
  const device = resolveDevice(uplink.devEui, hints, env, water !== undefined || selfRead !== undefined);
  const reader = payloadReader(device, hints);
  if (selfRead === undefined && 'decode' in reader) {
    const why = noReading(reader, uplink);
    if (why !== undefined) return ignored(why);
  }
  const reading = selfRead ?? ('decode' in reader ? reader.decode(uplink.bytes, portOf(uplink, reader.name), uplink.receivedAt, clockZone(device, env)) : networkReading(uplink, reader, water, device.devEui, env.timeZone));
  checkMeterClock(reading, uplink, device);
  return translateUplink(reading, uplink, device, env.territory);
}

/** Why the codec takes the frame for one without a reading (acknowledged, ignored), or undefined. */
function noReading(codec: Codec, uplink: Uplink): string | undefined {
  return uplink.fPort === undefined ? undefined : codec.noReading?.(uplink.bytes, uplink.fPort);
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

/**
 * A status report → the Device's battery and margin. A device the registry and the tags do not
 * describe (a meter taken as one from its decoded payload, which a status event does not carry) gets
 * them on the Device id its uplinks give it (from the DevEUI), without the meter description; a
 * report with neither is ignored.
 */
export function handleStatus(status: DeviceStatus, hints: DeviceHints, env: AdapterEnv): Translation {
  if (isDescribed(status.devEui, hints, env)) return translateStatus(status, resolveDevice(status.devEui, hints, env), env.territory);
  if (status.batteryLevel === undefined && status.margin === undefined) return ignored('status event without battery level or margin, of a device not in the registry');
  return translateStatus(status, undefined, env.territory);
}
