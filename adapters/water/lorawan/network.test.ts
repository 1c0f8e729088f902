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
    expect(t.entities[1].dateLastValueReported).toEqual({ type: 'Property', value: '2026-09-03T00:00:00.000Z' });
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

  test('empty tags count as absent (a tag left empty in the console)', () => {
    const t = parseChirpStack(msg(up('0101010101010101', { tags: { meterId: '', codec: ' ', volumeField: '', volumeUnit: '', meterClock: '' } }), { event: 'up' }), env);
    expect(t.entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001', 'urn:ngsi-ld:Device:demo:0101010101010101']);
    // an unregistered meter named by its tags: the empty meterId falls back to the DevEUI
    const u = parseChirpStack(msg(up('0303030303030303', { tags: { codec: 'axioma-qalcosonic-w1', meterId: '' } }), { event: 'up' }), env);
    expect(u.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:0303030303030303');
    // another type is still the sender's error
    expect(feedError(() => parseChirpStack(msg(up('0101010101010101', { tags: { meterId: 5 } }), { event: 'up' }), env))).toMatchObject({ stage: 'decode', status: 400 });
  });

  describe('status of a device the registry does not list', () => {
    const status = (devEui: string, fields: Record<string, unknown>, tags?: Record<string, string>) =>
      parseChirpStack(msg({ deviceInfo: { devEui, ...(tags ? { tags } : {}) }, time: '2026-09-02T23:12:06Z', ...fields }, { event: 'status' }), env);

    test('a meter known from its payload alone: battery and margin on the Device its uplinks write (id from the DevEUI), nothing more', () => {
      expect(status('0404040404040404', { batteryLevel: 30, margin: 7 }, {})).toEqual({
        entities: [
          {
            id: 'urn:ngsi-ld:Device:demo:0404040404040404',
            type: 'Device',
            batteryLevel: { type: 'Property', value: 0.3, observedAt: '2026-09-02T23:12:06.000Z' },
            linkMargin: { type: 'Property', value: 7, unitCode: '2N', observedAt: '2026-09-02T23:12:06.000Z' },
          },
        ],
        context: ['https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld'],
        mode: 'merge',
      });
    });
    test('the same Device id as its uplinks, whatever its meter id', () => {
      const uplink = parseChirpStack(msg({ deviceInfo: { devEui: '0404040404040404' }, fPort: 2, data: 'AQ==', object: { current_volume_m3: 1.25 } }, { event: 'up' }), env);
      expect(status('0404040404040404', { margin: 7 }).entities[0].id).toBe(uplink.entities[1].id);
    });
    test('a meter named by its tags gets its whole Device, as its uplinks do', () => {
      expect(status('0404040404040404', { batteryLevel: 30 }, { codec: 'axioma-qalcosonic-w1', meterId: 'T-4' }).entities[0]).toMatchObject({ serialNumber: { value: 'T-4' }, batteryLevel: { value: 0.3 } });
    });
    test('a report with neither battery nor margin is acknowledged and ignored', () => {
      expect(status('0404040404040404', { externalPowerSource: true })).toMatchObject({ entities: [], ignored: 'status event without battery level or margin, of a device not in the registry' });
    });
  });

  test.each([
    [{ deviceInfo: {} }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: 'xyz' } }, 'up', 'decode', 422],
    [[], 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100.5, data: VECTOR_B64 }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100, data: VECTOR_B64, rxInfo: [3] }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 100, data: VECTOR_B64, time: 'yesterday' }, 'up', 'decode', 400],
    [{ deviceInfo: { devEui: '0101010101010101' }, batteryLevel: 130 }, 'status', 'decode', 400],
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

  test('an uplink simulated in the console is acknowledged and ignored, whatever it holds', () => {
    expect(parseTts(msg({ ...uplink({ dev_eui: '0101010101010101' }, {}), simulated: true }), env)).toMatchObject({ entities: [], ignored: 'simulated message (The Things Stack console)' });
    expect(parseTts(msg({ ...uplink({ dev_eui: '0909090909090909' }, { decoded_payload: { temperature: 3 } }), simulated: true }), env).ignored).toBe('simulated message (The Things Stack console)');
    expect(parseTts(msg({ ...uplink({ dev_eui: '0101010101010101' }, {}), simulated: false }), env).entities).toHaveLength(2);
    expect(feedError(() => parseTts(msg({ ...uplink({ dev_eui: '0101010101010101' }, {}), simulated: 'yes' }), env))).toMatchObject({ stage: 'decode', status: 400 });
  });

  test.each([
    [{ f_cnt: 14, value: 87.5, received_at: '2026-09-02T20:00:00Z' }, 0.875, '2026-09-02T20:00:00.000Z'],
    [{ value: 90.118576, f_updated_at: '2026-09-02T21:00:00Z' }, 0.901, '2026-09-02T21:00:00.000Z'],
    [{ value: 0 }, 0, '2026-09-02T23:10:01.000Z'], // no time: the uplink's
  ])('last_battery_percentage %j → Device batteryLevel %s at %s', (last, level, observedAt) => {
    const t = parseTts(msg(uplink({ dev_eui: '0101010101010101' }, { received_at: '2026-09-02T23:10:01Z', last_battery_percentage: last })), env);
    expect(t.entities[1].batteryLevel).toEqual({ type: 'Property', value: level, observedAt });
  });

  test('last_battery_percentage without a value gives no battery level; out of 0..100 is refused', () => {
    expect(parseTts(msg(uplink({ dev_eui: '0101010101010101' }, { last_battery_percentage: { f_cnt: 3 } })), env).entities[1].batteryLevel).toBeUndefined();
    expect(feedError(() => parseTts(msg(uplink({ dev_eui: '0101010101010101' }, { last_battery_percentage: { value: 101 } })), env))).toMatchObject({
      stage: 'decode',
      status: 400,
      message: 'message.uplink_message.last_battery_percentage.value must be a percentage 0..100',
    });
  });

  test('empty attributes and version ids count as absent', () => {
    const t = parseTts(msg(uplink({ dev_eui: '0004A30B001C0530' }, { version_ids: { brand_id: 'axioma', model_id: 'qalcosonic-w1', firmware_version: '' }, attributes: { meterId: '', volumeUnit: '', codec: '', volumeField: '', meterClock: '' } })), env);
    expect(t.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:0004a30b001c0530');
    expect(feedError(() => parseTts(msg(uplink({ dev_eui: '0004A30B001C0530' }, { version_ids: { brand_id: '', model_id: '' } })), env))).toMatchObject({ stage: 'translate', status: 422 });
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
