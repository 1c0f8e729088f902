/**
 * ChirpStack `object` and TTS `decoded_payload` / `normalized_payload` through the parsers: which
 * reading wins, which devices are accepted, what is refused. The fixtures (chirpstack-up-decoded-*,
 * tts-uplink-normalized, tts-uplink-decoded-*) cover the whole translations.
 */
import type { AdapterEnv, IngestMessage } from '../../../src/ingest/types';
import { fixtureEnv } from '../fixture-runner.fixture';
import { parseChirpStack } from './chirpstack';
import { parseTts } from './tts';
import { feedError } from '../errors.fixture';

const env: AdapterEnv = fixtureEnv();
/** The Axioma W1 reference frame (6054 L at 2026-09-02T23:09:34Z). */
const AXIOMA_B64 = 'Aa6smGoAMhcAAAAAAAAAAAAAgAOAAFQADkAFEABIAAJAAgAAIAAAAAAAAAAAAAAAAAAA';
const msg = (body: unknown, query: Record<string, string> = {}): IngestMessage => ({ body: JSON.stringify(body), query, headers: {}, receivedAt: '2026-09-03T00:00:00.000Z' });
const volume = (t: { entities: Record<string, unknown>[] }) => t.entities[0].waterConsumption as { value: number; observedAt: string };

describe('ChirpStack object', () => {
  const up = (devEui: string, object: unknown, tags?: Record<string, string>, fPort = 100) => ({
    time: '2026-09-02T23:10:02Z',
    deviceInfo: { devEui, ...(tags ? { tags } : {}) },
    fPort,
    data: AXIOMA_B64,
    object,
  });
  const cs = (body: unknown) => parseChirpStack(msg(body, { event: 'up' }), env);

  test('a built-in codec wins over the object', () => {
    expect(volume(cs(up('0101010101010101', { current_volume_m3: 1 })))).toMatchObject({ value: 6054, observedAt: '2026-09-02T23:09:34.000Z' });
  });

  test('a registered device without codec: the object, with the event time when it has no meter time', () => {
    expect(volume(cs(up('70b3d5e75e000001', { total_m3: 1.5 }, undefined, 7)))).toEqual({ type: 'Property', value: 1500, unitCode: 'LTR', observedAt: '2026-09-02T23:10:02.000Z' });
  });

  test('an unregistered device is accepted with a volumeField tag (meterId from the tags)', () => {
    const t = cs(up('dec0de00000000aa', { idx: 12 }, { volumeField: 'idx', volumeUnit: 'm3', meterId: 'X-1' }));
    expect(t.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:X-1');
    expect(volume(t).value).toBe(12000);
  });

  test('an unregistered device whose object holds a volume in an explicit unit is a meter (id from the DevEUI)', () => {
    const t = cs(up('dec0de00000000aa', { current_volume_m3: 1.25 }));
    expect(t.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:dec0de00000000aa');
    expect(volume(t).value).toBe(1250);
  });

  test.each([
    [up('0303030303030303', { current_volume_m3: 1 }, { codec: 'other' }), "unknown payload codec 'other' for device 0303030303030303"],
    [up('dec0de00000000aa', undefined, { codec: 'decoded' }), 'no payload codec configured for device dec0de00000000aa, and the network server sent no decoded payload with a water volume (ChirpStack object, TTS decoded_payload or normalized_payload)'],
    [up('dec0de00000000aa', { idx: 1 }, { volumeField: 'idx', volumeUnit: 'kg' }), "device dec0de00000000aa: volumeUnit 'kg' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')"],
    [up('dec0de00000000aa', 'text', { codec: 'decoded' }), 'device dec0de00000000aa: object must be a JSON object to read a volume from'],
    [up('dec0de00000000aa', { temperature: 21.5, luminosity: 0.4 }), 'unknown device dec0de00000000aa: not in the territory registry, and no codec or volumeField tag/attribute, version_ids, normalized water volume or decoded volume with an explicit unit'],
    [up('dec0de00000000aa', { volume: 5 }), 'unknown device dec0de00000000aa: not in the territory registry, and no codec or volumeField tag/attribute, version_ids, normalized water volume or decoded volume with an explicit unit'],
    // an unregistered meter (a volume with its unit) is refused for what is wrong with it, not as unknown
    [up('dec0de00000000aa', { current_volume_m3: 1.7, index_l: 1800 }), 'device dec0de00000000aa: object has disagreeing volume fields (object.current_volume_m3, object.index_l): choose one with volumeField'],
    [up('dec0de00000000aa', { current_volume_m3: -1 }), 'device dec0de00000000aa: object.current_volume_m3 must be a volume (a number ≥ 0)'],
    [up('dec0de00000000aa', { data: { volume: { value: '12', unit: 'm3' } } }), 'device dec0de00000000aa: object.data.volume must be a volume (a number ≥ 0)'],
  ])('refused: %j', (body, reason) => {
    expect(feedError(() => cs(body)).message).toBe(reason);
  });

  test('a null object is no object', () => {
    expect(feedError(() => cs(up('70b3d5e75e000001', null))).message).toMatch(/^no payload codec configured for device 70b3d5e75e000001, and/);
  });
});

describe('TTS decoded_payload and normalized_payload', () => {
  const uplink = (devEui: string, up: Record<string, unknown>) => ({
    end_device_ids: { dev_eui: devEui },
    uplink_message: { f_port: 1, frm_payload: 'AAAA', received_at: '2026-09-02T23:10:01Z', ...up },
  });
  const tts = (body: unknown) => parseTts(msg(body), env);
  const normalized = [{ time: '2026-09-02T23:00:00Z', metering: { water: { total: 2500 } } }];

  test('the normalized water total accepts an unregistered device and gives the meter time', () => {
    const t = tts(uplink('DEC0DE00000000BB', { normalized_payload: normalized, decoded_payload: { volume_m3: 99 } }));
    expect(t.entities[0].id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:dec0de00000000bb');
    expect(volume(t)).toMatchObject({ value: 2500, observedAt: '2026-09-02T23:00:00.000Z' });
  });

  test('a meter that can only say leak (normalized water.leak) is in alarm while the leak lasts, and out of it when it clears', () => {
    const leak = (raised: boolean) => tts(uplink('DEC0DE00000000BB', { normalized_payload: [{ ...normalized[0], water: { leak: raised } }] })).entities[0];
    expect(leak(true).alarmInProgress).toMatchObject({ value: 1 });
    expect(leak(false).alarmInProgress).toMatchObject({ value: 0 });
  });

  test('a volumeField attribute wins over the normalized payload', () => {
    const t = tts(uplink('DEC0DE00000000BB', { normalized_payload: normalized, decoded_payload: { v: 3 }, attributes: { volumeField: 'v', volumeUnit: 'm3' } }));
    expect(volume(t)).toMatchObject({ value: 3000, observedAt: '2026-09-02T23:10:01.000Z' });
  });

  test('a built-in codec (version_ids) wins over both', () => {
    const t = tts(uplink('DEC0DE00000000BB', { f_port: 100, frm_payload: AXIOMA_B64, version_ids: { brand_id: 'axioma', model_id: 'qalcosonic-w1' }, normalized_payload: normalized }));
    expect(volume(t).value).toBe(6054);
  });

  test('a registered device falls back to decoded_payload when the normalized payload has no water total', () => {
    const t = tts(uplink('70B3D5E75E000001', { normalized_payload: [{ air: { temperature: 4 } }], decoded_payload: { index_l: 77 } }));
    expect(volume(t).value).toBe(77);
  });

  test.each([
    [uplink('DEC0DE00000000BB', { normalized_payload: [{ air: { temperature: 4 } }], decoded_payload: { temperature: 4 } }), 'translate', 'unknown device dec0de00000000bb: not in the territory registry, and no codec or volumeField tag/attribute, version_ids, normalized water volume or decoded volume with an explicit unit'],
    [uplink('70B3D5E75E000001', { normalized_payload: [{ metering: { water: { total: -5 } } }] }), 'decode', 'no payload codec configured for device 70b3d5e75e000001, and the network server sent no decoded payload with a water volume (ChirpStack object, TTS decoded_payload or normalized_payload)'],
    [uplink('70B3D5E75E000001', { decoded_payload: { volume: 5 } }), 'decode', 'device 70b3d5e75e000001: uplink_message.decoded_payload has uplink_message.decoded_payload.volume without a unit: name it with volumeField and volumeUnit (m3 or L)'],
  ])('refused: %j', (body, stage, reason) => {
    expect(feedError(() => tts(body))).toMatchObject({ stage, status: 422, message: reason });
  });
});
