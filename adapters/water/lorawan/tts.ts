/**
 * The Things Stack v3 webhook (uplink message) → Translation (pure). Without a built-in codec the
 * uplink's `normalized_payload` (water total) or `decoded_payload` is read; `last_battery_percentage`
 * gives the Device's battery level. Other webhook messages (join_accept, downlink_*,
 * location_solved, service_data …) and messages simulated in the console are acknowledged and ignored.
 */
import type { AdapterEnv, IngestMessage, Translation } from '../../../src/ingest/types';
import { base64Bytes, Fields, parseJson } from '../payload';
import { applicationPort } from './chirpstack';
import { codecForVersionIds } from './codecs';
import { normalizeDevEui } from './device';
import { handleUplink, ignored } from './handle-uplink';
import type { Reception } from './types';

const ENVELOPE = new Set(['end_device_ids', 'correlation_ids', 'received_at', 'unique_id', 'simulated']);

function receptions(up: Fields): Reception[] {
  return up.optArr('rx_metadata').map((x, i) => {
    const r = Fields.of(x, `uplink_message.rx_metadata[${i}]`);
    return { rssi: r.optNum('rssi') ?? r.optNum('channel_rssi'), snr: r.optNum('snr') };
  });
}

/**
 * `uplink_message.last_battery_percentage` (`{ f_cnt, value, received_at }`: the battery percentage
 * of the device's last DevStatusAns, and when it came) → 0..1 at that time (`f_updated_at` is read
 * too; neither: the uplink's time, when it was still the last known); absent or without value → undefined.
 */
function lastBattery(up: Fields, receivedAt: string): { level: number; time: string } | undefined {
  const b = up.optObj('last_battery_percentage');
  const value = b?.optNum('value');
  if (!b || value === undefined) return undefined;
  if (value < 0 || value > 100) b.fail('value', 'must be a percentage 0..100');
  return { level: Math.round(value * 10) / 1000, time: b.optTime('received_at') ?? b.optTime('f_updated_at') ?? receivedAt };
}

/**
 * @example
 * parseTts({ body, query: {}, headers: {}, receivedAt }, { devices, territory: 'eclor' })
 */
export function parseTts(message: IngestMessage, env: AdapterEnv): Translation {
  const doc = Fields.of(parseJson(message.body, 'TTS webhook message'), 'message');
  // an uplink simulated in the console (Messaging → Simulate uplink) is not a reading of the meter
  if (doc.optBool('simulated')) return ignored('simulated message (The Things Stack console)');
  if (!doc.has('uplink_message')) {
    const kind = Object.keys(doc.obj).find((k) => !ENVELOPE.has(k)) ?? 'unknown';
    return ignored(`not an uplink message (${kind.slice(0, 40)})`);
  }
  const devEui = normalizeDevEui(doc.child('end_device_ids').str('dev_eui'));
  const up = doc.child('uplink_message');
  const version = up.optObj('version_ids');
  const attributes = up.optObj('attributes');
  // an attribute left empty is no attribute
  const hints = {
    codec: attributes?.optText('codec') ?? codecForVersionIds({ brand_id: version?.optText('brand_id'), model_id: version?.optText('model_id') }),
    meterId: attributes?.optText('meterId'),
    volumeField: attributes?.optText('volumeField'),
    volumeUnit: attributes?.optText('volumeUnit'),
    meterClock: attributes?.optText('meterClock'),
  };
  // no f_port with a payload: a data frame whose port is not given (documentation examples omit it)
  const fPort = up.has('f_port') ? applicationPort(up.num('f_port'), 'uplink_message.f_port') : undefined;
  const payload = up.optStr('frm_payload');
  if (fPort === 0 || payload === undefined) return ignored('uplink without application payload');
  const receivedAt = up.optTime('received_at') ?? doc.optTime('received_at') ?? message.receivedAt;
  const decoded = up.has('decoded_payload') ? { from: 'uplink_message.decoded_payload', value: up.obj.decoded_payload } : undefined;
  const normalized = up.has('normalized_payload') ? up.obj.normalized_payload : undefined;
  const uplink = { devEui, fPort, bytes: base64Bytes(payload, 'uplink_message.frm_payload'), receivedAt, receptions: receptions(up), decoded, normalized, battery: lastBattery(up, receivedAt) };
  return handleUplink(uplink, hints, env);
}
