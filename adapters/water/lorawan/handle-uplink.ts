/**
 * The steps shared by the ChirpStack and TTS parsers once they have extracted an uplink or a status:
 * resolve the device, pick its codec, decode, translate (pure).
 */
import type { AdapterEnv, Translation } from '../../../src/ingest/types';
import { CONTEXT } from '../ngsi';
import { codecOf, resolveDevice, type DeviceHints } from './device';
import { translateStatus, translateUplink } from './translate';
import type { DeviceStatus, Uplink } from './types';

/** Context of the LoRaWAN translations, also given with ignored events. */
export const LORAWAN_CONTEXT = [CONTEXT.waterConsumption, CONTEXT.device, CONTEXT.alert];

/** An acknowledged event that yields no entity. */
export const ignored = (reason: string): Translation => ({ entities: [], context: LORAWAN_CONTEXT, ignored: reason });

export function handleUplink(uplink: Uplink, hints: DeviceHints, env: AdapterEnv): Translation {
  const device = resolveDevice(uplink.devEui, hints, env);
  const reading = codecOf(device).decode(uplink.bytes, uplink.fPort, uplink.receivedAt);
  return translateUplink(reading, uplink, device, env.territory);
}

export function handleStatus(status: DeviceStatus, hints: DeviceHints, env: AdapterEnv): Translation {
  return translateStatus(status, resolveDevice(status.devEui, hints, env), env.territory);
}
