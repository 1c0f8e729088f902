/**
 * The Things Stack v3 webhook (uplink message) → Translation (pure). Without a built-in codec the
 * uplink's `normalized_payload` (water total) or `decoded_payload` is read. Other webhook messages
 * (join_accept, downlink_*, location_solved, service_data …) are acknowledged and ignored.
 */
import type { AdapterEnv, IngestMessage, Translation } from '../../../src/ingest/types';
import { base64Bytes, Fields, parseJson } from '../payload';
import { applicationPort } from './chirpstack';
import { codecForVersionIds } from './codecs';
import { normalizeDevEui } from './device';
import { handleUplink, ignored } from './handle-uplink';
import type { Reception } from './types';

const ENVELOPE = new Set(['end_device_ids', 'correlation_ids', 'received_at', 'unique_id']);

function receptions(up: Fields): Reception[] {
  return up.optArr('rx_metadata').map((x, i) => {
    const r = Fields.of(x, `uplink_message.rx_metadata[${i}]`);
    return { rssi: r.optNum('rssi') ?? r.optNum('channel_rssi'), snr: r.optNum('snr') };
  });
}

/**
 * @example
 * parseTts({ body, query: {}, headers: {}, receivedAt }, { devices, territory: 'eclor' })
 */
export function parseTts(message: IngestMessage, env: AdapterEnv): Translation {
  const doc = Fields.of(parseJson(message.body, 'TTS webhook message'), 'message');
  if (!doc.has('uplink_message')) {
    const kind = Object.keys(doc.obj).find((k) => !ENVELOPE.has(k)) ?? 'unknown';
    return ignored(`not an uplink message (${kind.slice(0, 40)})`);
  }
  const devEui = normalizeDevEui(doc.child('end_device_ids').str('dev_eui'));
  const up = doc.child('uplink_message');
  const version = up.optObj('version_ids');
  const attributes = up.optObj('attributes');
  const hints = {
    codec: attributes?.optStr('codec') ?? codecForVersionIds({ brand_id: version?.optStr('brand_id'), model_id: version?.optStr('model_id') }),
    meterId: attributes?.optStr('meterId'),
    volumeField: attributes?.optStr('volumeField'),
    volumeUnit: attributes?.optStr('volumeUnit'),
    meterClock: attributes?.optStr('meterClock'),
  };
  // no f_port with a payload: a data frame whose port is not given (documentation examples omit it)
  const fPort = up.has('f_port') ? applicationPort(up.num('f_port'), 'uplink_message.f_port') : undefined;
  const payload = up.optStr('frm_payload');
  if (fPort === 0 || payload === undefined) return ignored('uplink without application payload');
  const receivedAt = up.optTime('received_at') ?? doc.optTime('received_at') ?? message.receivedAt;
  const decoded = up.has('decoded_payload') ? { from: 'uplink_message.decoded_payload', value: up.obj.decoded_payload } : undefined;
  const normalized = up.has('normalized_payload') ? up.obj.normalized_payload : undefined;
  const uplink = { devEui, fPort, bytes: base64Bytes(payload, 'uplink_message.frm_payload'), receivedAt, receptions: receptions(up), decoded, normalized };
  return handleUplink(uplink, hints, env);
}
