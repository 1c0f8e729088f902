import type { AdapterEnv, IngestMessage } from '../../../src/ingest/types';
import { fixtureEnv } from '../fixture-runner.fixture';
import { parseChirpStack } from './chirpstack';
import { bestReception } from './translate';
import { parseTts } from './tts';
import { feedError } from '../errors.fixture';

const env: AdapterEnv = fixtureEnv();
const VECTOR_B64 = 'Aa6smGoAMhcAAAAAAAAAAAAAgAOAAFQADkAFEABIAAJAAgAAIAAAAAAAAAAAAAAAAAAA';
const msg = (body: unknown, query: Record<string, string> = {}): IngestMessage => ({
  body: typeof body === 'string' ? body : JSON.stringify(body),
  query,
  headers: {},
  receivedAt: '2026-09-03T00:00:00.000Z',
});

describe('ChirpStack', () => {
  const up = (devEui: string, extra: Record<string, unknown> = {}) => ({ deviceInfo: { devEui, ...extra }, fPort: 100, data: VECTOR_B64 });

  test('a body with a byte order mark is read', () => {
    expect(parseChirpStack(msg('\uFEFF' + JSON.stringify(up('0101010101010101')), { event: 'up' }), env).entities).toHaveLength(2);
  });

  test('the event query parameter is required', () => {
    expect(feedError(() => parseChirpStack(msg(up('0101010101010101')), env))).toMatchObject({ stage: 'decode', status: 400 });
  });

  test.each(['join', 'ack', 'txack', 'log', 'location', 'integration'])('%s events are ignored', (event) => {
    expect(parseChirpStack(msg({ deviceInfo: { devEui: '0101010101010101' } }, { event }), env)).toMatchObject({ entities: [], ignored: `${event} event` });
  });

  test('without time, the arrival time is the reception time; the meter time stays the observation time', () => {
    const t = parseChirpStack(msg(up('0101010101010101'), { event: 'up' }), env);
    expect(t.entities[1].dateLastValueReported).toEqual({ type: 'Property', value: { '@type': 'DateTime', '@value': '2026-09-03T00:00:00.000Z' } });
    expect(t.entities[0].waterConsumption).toMatchObject({ observedAt: '2026-09-02T23:09:34.000Z' });
  });

  test('the registry codec wins over a tag; an unknown codec is refused', () => {
    const t = parseChirpStack(msg(up('0101010101010101', { tags: { codec: 'other' } }), { event: 'up' }), env);
    expect(t.entities).toHaveLength(2); // the meter and its device; no flag raised
    expect(t.episodes?.map((m) => [m.entity.type, m.active])).toEqual([['Alert', false], ['Alert', false], ['Alert', false]]); // leak, burst, backflow clear
    expect(feedError(() => parseChirpStack(msg(up('0303030303030303', { tags: { codec: 'other' } }), { event: 'up' }), env)).message).toBe(
      "unknown payload codec 'other' for device 0303030303030303",
    );
  });

  test('a meterClock tag reads an M-Bus meter clock in the territory zone', () => {
    // Kamstrup flowIQ 2200: 0.003 m³ at 2024-07-24 19:00 by the meter's clock
    const data = Buffer.from('78446d00331837441303000000', 'hex').toString('base64');
    const kamstrup = (meterClock?: string) => ({ deviceInfo: { devEui: '0505050505050505', tags: { codec: 'kamstrup-flowiq2200', ...(meterClock ? { meterClock } : {}) } }, fPort: 1, data });
    const observedAt = (t: { entities: Array<Record<string, unknown>> }) => (t.entities[0].waterConsumption as { observedAt: string }).observedAt;
    const paris = { ...env, timeZone: 'Europe/Paris' };
    expect(observedAt(parseChirpStack(msg(kamstrup(), { event: 'up' }), paris))).toBe('2024-07-24T19:00:00.000Z');
    expect(observedAt(parseChirpStack(msg(kamstrup('UTC'), { event: 'up' }), paris))).toBe('2024-07-24T19:00:00.000Z');
    expect(observedAt(parseChirpStack(msg(kamstrup('Local'), { event: 'up' }), paris))).toBe('2024-07-24T17:00:00.000Z');
    expect(feedError(() => parseChirpStack(msg(kamstrup('local'), { event: 'up' }), env))).toMatchObject({
      stage: 'decode',
      status: 422,
      message: "device 0505050505050505: meterClock 'local' needs the territory's timeZone (territory file)",
    });
    expect(feedError(() => parseChirpStack(msg(kamstrup('CEST'), { event: 'up' }), paris)).message).toBe("device 0505050505050505: meterClock 'CEST' must be utc or local");
  });

  test('a reading dated after the network received it is refused whole: a wrong clock, or bytes that only happen to decode', () => {
    // 42 bytes of 'x': an Axioma W1 log-frame layout fits, with a meter time in 2076
    const garbage = { deviceInfo: { devEui: '0101010101010101' }, fPort: 100, data: 'x'.repeat(56), time: '2026-09-02T23:10:00Z' };
    const e = feedError(() => parseChirpStack(msg(garbage, { event: 'up' }), env));
    expect(e).toMatchObject({ stage: 'decode', status: 422 });
    expect(e.message).toMatch(/^meter time 2076-.+ h after the network received the frame \(2026-09-02T23:10:00.000Z\): a wrong meter clock; a meter set to local time needs meterClock 'local', or not a frame of codec axioma-qalcosonic-w1$/);
    // a Kamstrup meter in summer time read as UTC: 19:00 "UTC" received at 17:05Z
    const data = Buffer.from('78446d00331837441303000000', 'hex').toString('base64');
    const local = { deviceInfo: { devEui: '0505050505050505', tags: { codec: 'kamstrup-flowiq2200' } }, fPort: 1, data, time: '2024-07-24T17:05:00Z' };
    expect(feedError(() => parseChirpStack(msg(local, { event: 'up' }), env)).message).toMatch(/^meter time 2024-07-24T19:00:00.000Z is 1.9 h after/);
    const t = parseChirpStack(msg({ ...local, deviceInfo: { ...local.deviceInfo, tags: { ...local.deviceInfo.tags, meterClock: 'local' } } }, { event: 'up' }), { ...env, timeZone: 'Europe/Paris' });
    expect(t.entities[0].waterConsumption).toMatchObject({ observedAt: '2024-07-24T17:00:00.000Z' });
  });

  test('a tag meterId that cannot be part of an id falls back to the DevEUI', () => {
    const t = parseChirpStack(msg(up('0303030303030303', { tags: { codec: 'axioma-qalcosonic-w1', meterId: 'bad id!' } }), { event: 'up' }), env);
    expect(t.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:0303030303030303');
  });

  test.each([
    [{ batteryLevel: 50 }, 0.5],
    [{ batteryLevel: 0 }, 0],
    [{ batteryLevel: 100, margin: -3 }, 1],
    [{ batteryLevelUnavailable: true }, -1],
    [{ externalPowerSource: true, batteryLevel: 0 }, undefined],
    [{ margin: 5 }, undefined],
  ])('status %j → batteryLevel %s', (fields, level) => {
    const t = parseChirpStack(msg({ deviceInfo: { devEui: '0101010101010101' }, time: '2026-09-02T23:12:06Z', ...fields }, { event: 'status' }), env);
    expect((t.entities[0].batteryLevel as { value: number } | undefined)?.value).toBe(level);
    expect(t.mode).toBe('merge');
  });

  test.each([
    [{ deviceInfo: {} }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: 'xyz' } }, 'up', 'decode', 422],
    [[], 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100.5, data: VECTOR_B64 }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100, data: VECTOR_B64, rxInfo: [3] }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100, data: VECTOR_B64, time: 'yesterday' }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, batteryLevel: 130 }, 'status', 'decode', 400],
    [{ deviceInfo: { devEui: '0404040404040404' }, batteryLevel: 30 }, 'status', 'translate', 422],
  ])('bad event %j (%s) → %s %s', (body, event, stage, status) => {
    expect(feedError(() => parseChirpStack(msg(body, { event }), env))).toMatchObject({ stage, status });
  });
});

describe('The Things Stack', () => {
  const uplink = (ids: Record<string, unknown>, up: Record<string, unknown>) => ({ end_device_ids: ids, uplink_message: { f_port: 100, frm_payload: VECTOR_B64, ...up } });

  test('version_ids select the codec; the meter id defaults to the DevEUI', () => {
    const t = parseTts(msg(uplink({ dev_eui: '0004A30B001C0530' }, { version_ids: { brand_id: 'axioma', model_id: 'qalcosonic-w1' } })), env);
    expect(t.entities.map((e) => e.id).slice(0, 2)).toEqual(['urn:ngsi-ld:WaterConsumptionObserved:demo:0004a30b001c0530', 'urn:ngsi-ld:Device:demo:0004a30b001c0530']);
  });

  test('a meterClock attribute reads an M-Bus meter clock in the territory zone', () => {
    const frm_payload = Buffer.from('78446d0f0a2101441303000000', 'hex').toString('base64'); // 2001-01-01 10:15 by the meter
    const t = parseTts(msg(uplink({ dev_eui: '0505050505050505' }, { f_port: 1, frm_payload, attributes: { codec: 'kamstrup-flowiq2200', meterClock: 'local' } })), { ...env, timeZone: 'Europe/Paris' });
    expect(t.entities[0].waterConsumption).toMatchObject({ value: 3, observedAt: '2001-01-01T09:15:00.000Z' });
  });

  test('a payload without f_port (as in the documentation example) is a data frame of unknown port, not ignored', () => {
    const noPort = (ids: Record<string, unknown>, up: Record<string, unknown>) => ({ end_device_ids: ids, uplink_message: { frm_payload: VECTOR_B64, ...up } });
    // a temperature sensor the registry does not know: refused as such, not acknowledged
    expect(feedError(() => parseTts(msg(noPort({ dev_eui: '0004A30B001C0530' }, { decoded_payload: { temperature: 1, luminosity: 0.64 } })), env))).toMatchObject({ stage: 'translate', status: 422 });
    // a built-in codec reads frames by port
    expect(feedError(() => parseTts(msg(noPort({ dev_eui: '0101010101010101' }, {})), env)).message).toBe('device 0101010101010101: the uplink gives no fPort, which codec axioma-qalcosonic-w1 needs to read the frame');
    // the network server's decoded volume needs no port
    const t = parseTts(msg(noPort({ dev_eui: '0004A30B001C0531' }, { decoded_payload: { volume_m3: 12.345 } })), env);
    expect(t.entities[0].waterConsumption).toMatchObject({ value: 12345 });
  });

  test('channel_rssi is used when rssi is absent', () => {
    const t = parseTts(msg(uplink({ dev_eui: '0101010101010101' }, { rx_metadata: [{ channel_rssi: -120, snr: -5 }] })), env);
    expect(t.entities[1].rssi).toMatchObject({ value: -120, unitCode: 'DBM' });
  });

  test.each([
    [{ end_device_ids: { dev_eui: '0101010101010101' }, downlink_ack: {} }, 'not an uplink message (downlink_ack)'],
    [uplink({ dev_eui: '0101010101010101' }, { f_port: 0 }), 'uplink without application payload'],
    [uplink({ dev_eui: '0101010101010101' }, { frm_payload: undefined }), 'uplink without application payload'],
  ])('%j is ignored', (body, reason) => {
    expect(parseTts(msg(body), env)).toMatchObject({ entities: [], ignored: reason });
  });

  test.each([
    ['{', 'decode', 400],
    [uplink({}, {}), 'decode', 400],
    [uplink({ dev_eui: '0101010101010101' }, { f_port: 2 }), 'decode', 422],
    [uplink({ dev_eui: '0101010101010101' }, { frm_payload: 'AA' }), 'decode', 400],
    [uplink({ dev_eui: '0505050505050505' }, {}), 'translate', 422],
  ])('bad message %j → %s %s', (body, stage, status) => {
    expect(feedError(() => parseTts(msg(body), env))).toMatchObject({ stage, status });
  });
});

test.each([
  [[], undefined],
  [[{ rssi: -100, snr: 1 }, { rssi: -90, snr: -2 }], { rssi: -90, snr: -2 }],
  [[{ rssi: -90, snr: 1 }, { rssi: -90, snr: 7 }], { rssi: -90, snr: 7 }],
  [[{ snr: 9 }, { rssi: -130 }], { rssi: -130 }],
])('best gateway of %j', (rx, best) => {
  expect(bestReception(rx)).toEqual(best);
});
