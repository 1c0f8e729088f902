/**
 * ChirpStack v4 HTTP integration (JSON marshaler) → Translation (pure). ChirpStack POSTs every event
 * to the same URL and names it in the query parameter `event`: `up` is decoded with the device's
 * codec (or, without a built-in one, read from `object`, the device profile codec's output), `status` updates the Device's battery and link margin, anything else (join, ack, txack,
 * log, location, integration) is acknowledged and ignored.
 */
import { FeedError, type AdapterEnv, type IngestMessage, type Translation } from '../../../src/ingest/types';
import { base64Bytes, Fields, parseJson } from '../payload';
import { normalizeDevEui, type DeviceHints } from './device';
import { handleStatus, handleUplink, ignored } from './handle-uplink';
import type { Reception } from './types';

function deviceOf(doc: Fields): { devEui: string; hints: DeviceHints } {
  const info = doc.child('deviceInfo');
  const tags = info.optObj('tags');
  if (!tags) return { devEui: normalizeDevEui(info.str('devEui')), hints: {} };
  const hints = { codec: tags.optStr('codec'), meterId: tags.optStr('meterId'), volumeField: tags.optStr('volumeField'), volumeUnit: tags.optStr('volumeUnit') };
  return { devEui: normalizeDevEui(info.str('devEui')), hints };
}

function receptions(doc: Fields): Reception[] {
  return doc.optArr('rxInfo').map((x, i) => {
    const r = Fields.of(x, `event.rxInfo[${i}]`);
    return { rssi: r.optNum('rssi'), snr: r.optNum('snr') };
  });
}

/** An fPort (integer 0..255; 0 = MAC commands only), or FeedError('decode', …, 400). */
export function applicationPort(n: number, where: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new FeedError('decode', `${where} must be an integer 0..255`, 400);
  return n;
}

/**
 * @example
 * parseChirpStack({ body, query: { event: 'up' }, headers: {}, receivedAt }, { devices, territory: 'eclor' })
 */
export function parseChirpStack(message: IngestMessage, env: AdapterEnv): Translation {
  const event = message.query.event;
  if (!event) throw new FeedError('decode', "missing query parameter 'event' (ChirpStack HTTP integration adds ?event=up|status|join…)", 400);
  const doc = Fields.of(parseJson(message.body, 'ChirpStack event'), 'event');
  if (event !== 'up' && event !== 'status') return ignored(`${event} event`);
  const { devEui, hints } = deviceOf(doc);
  const time = doc.optTime('time') ?? message.receivedAt;
  if (event === 'status') {
    const level = doc.optNum('batteryLevel');
    if (level !== undefined && (level < 0 || level > 100)) doc.fail('batteryLevel', 'must be a percentage 0..100');
    let batteryLevel = level === undefined ? undefined : Math.round(level * 10) / 1000;
    if (doc.optBool('batteryLevelUnavailable')) batteryLevel = -1;
    if (doc.optBool('externalPowerSource')) batteryLevel = undefined;
    return handleStatus({ devEui, time, batteryLevel, margin: doc.optNum('margin') }, hints, env);
  }
  const fPort = doc.has('fPort') ? applicationPort(doc.num('fPort'), 'event.fPort') : 0;
  const data = doc.optStr('data');
  if (fPort === 0 || data === undefined) return ignored('uplink without application payload');
  const object = doc.obj.object;
  const decoded = object === undefined || object === null ? undefined : { from: 'object', value: object };
  return handleUplink({ devEui, fPort, bytes: base64Bytes(data, 'event.data'), receivedAt: time, receptions: receptions(doc), decoded }, hints, env);
}
