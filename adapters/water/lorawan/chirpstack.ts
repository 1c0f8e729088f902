/**
 * ChirpStack v4 HTTP integration (JSON marshaler) → Translation (pure). ChirpStack POSTs every event
 * to the same URL and names it in the query parameter `event`: `up` is decoded with the device's
 * codec (or, without a built-in one, read from `object`, the device profile codec's output), `status` updates the Device's battery and link margin, anything else (join, ack, txack,
 * log, location, integration) is acknowledged and ignored.
 *
 * ChirpStack Application Server v3, still run by many operators, posts the same events to the same
 * URL in its own shape, read here too: the device at the top level (`devEUI`: base64 with the JSON
 * marshaler, hex with the legacy `json_v3` one; `tags`), `loRaSNR` in `rxInfo`, the time in
 * `publishedAt` (else the first gateway's `time`), the codec output as a string (`objectJSON`) or,
 * legacy, an object (`object`).
 */
import { FeedError, type AdapterEnv, type IngestMessage, type Translation } from '../../../src/ingest/types';
import { base64Bytes, Fields, parseJson } from '../payload';
import { normalizeDevEui, type DeviceHints } from './device';
import { handleStatus, handleUplink, ignored } from './handle-uplink';
import type { Reception } from './types';

/** A v3 event (device fields at the top level) rather than a v4 one (`deviceInfo`). */
const isV3 = (doc: Fields): boolean => !doc.has('deviceInfo') && doc.has('devEUI');

/** A v3 `devEUI`: 16 hex digits (legacy marshaler) or the base64 of its 8 bytes (JSON marshaler). */
function v3DevEui(raw: string): string {
  if (/^[A-Za-z0-9+/]{11}=$/.test(raw)) return Buffer.from(base64Bytes(raw, 'event.devEUI')).toString('hex');
  return normalizeDevEui(raw);
}

function deviceOf(doc: Fields): { devEui: string; hints: DeviceHints } {
  const v3 = isV3(doc);
  const info = v3 ? doc : doc.child('deviceInfo');
  const devEui = v3 ? v3DevEui(doc.str('devEUI')) : normalizeDevEui(info.str('devEui'));
  const tags = info.optObj('tags');
  if (!tags) return { devEui, hints: {} };
  // a tag left empty is no tag
  const hints = { codec: tags.optText('codec'), meterId: tags.optText('meterId'), volumeField: tags.optText('volumeField'), volumeUnit: tags.optText('volumeUnit'), meterClock: tags.optText('meterClock') };
  return { devEui, hints };
}

function receptions(doc: Fields): Reception[] {
  return doc.optArr('rxInfo').map((x, i) => {
    const r = Fields.of(x, `event.rxInfo[${i}]`);
    return { rssi: r.optNum('rssi'), snr: r.optNum('snr') ?? r.optNum('loRaSNR') };
  });
}

/** The event's time: v4 `time`; v3 `publishedAt`, else the first gateway's reception time. */
function eventTime(doc: Fields): string | undefined {
  if (!isV3(doc)) return doc.optTime('time');
  const first = doc.optArr('rxInfo')[0];
  return doc.optTime('publishedAt') ?? (first === undefined ? undefined : Fields.of(first, 'event.rxInfo[0]').optTime('time'));
}

/** The device profile codec's output: v4 `object`; v3 `objectJSON` (a JSON string, '' when none) or legacy `object`. */
function codecOutput(doc: Fields): { from: string; value: unknown } | undefined {
  const text = isV3(doc) ? doc.obj.objectJSON : undefined;
  if (text !== undefined && text !== null && typeof text !== 'string') doc.fail('objectJSON', 'must be a string (the decoded object as JSON)');
  // parsed only if read (no built-in codec for the device), once: a broken objectJSON does not refuse a frame the codec decodes
  if (typeof text === 'string' && text.trim() !== '') {
    let parsed: { value: unknown } | undefined;
    return { from: 'objectJSON', get value() { return (parsed ??= { value: parseJson(text, 'ChirpStack objectJSON') }).value; } };
  }
  const object = doc.obj.object;
  return object === undefined || object === null ? undefined : { from: 'object', value: object };
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
  const time = eventTime(doc) ?? message.receivedAt;
  if (event === 'status') {
    const level = doc.optNum('batteryLevel');
    if (level !== undefined && (level < 0 || level > 100)) doc.fail('batteryLevel', 'must be a percentage 0..100');
    let batteryLevel = level === undefined ? undefined : Math.round(level * 10) / 1000;
    if (doc.optBool('batteryLevelUnavailable')) batteryLevel = -1;
    const externalPower = doc.optBool('externalPowerSource') === true;
    if (externalPower) batteryLevel = undefined;
    return handleStatus({ devEui, time, batteryLevel, margin: doc.optNum('margin'), ...(externalPower ? { externalPower } : {}) }, hints, env);
  }
  // no fPort with data: a data frame whose port is not given
  const fPort = doc.has('fPort') ? applicationPort(doc.num('fPort'), 'event.fPort') : undefined;
  const data = doc.optStr('data');
  if (fPort === 0 || data === undefined) return ignored('uplink without application payload');
  return handleUplink({ devEui, fPort, bytes: base64Bytes(data, 'event.data'), receivedAt: time, receptions: receptions(doc), decoded: codecOutput(doc) }, hints, env);
}
