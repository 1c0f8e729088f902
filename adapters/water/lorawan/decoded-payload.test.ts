/**
 * Readings from payloads the network server decoded. The objects are shaped like the output of real
 * codecs of the LoRaWAN Device Repository (TheThingsNetwork/lorawan-devices): Axioma
 * `qalcosonic-w1-codec.yaml` (its documented example output), Quandify `cubicmeter-1-1-uplink.js`,
 * GWF `rcm-lrw10.js`, Kamstrup `mbusparser.yaml`, Sensus `iperl-codec.yaml`; plus wmbusmeters-style
 * `total_m3` and the Device Repository's normalized shape.
 */
import { decodedSpec } from './codecs';
import { deviceTime } from '../payload';
import { leakOf, readDecodedObject, volumeUnit, type DecodedSpec } from './decoded-payload';
import { readNormalized, waterMeasurement } from './normalized-payload';
import { reason422 } from '../errors.fixture';

const NET = '2026-09-03T00:00:05.000Z';
const read = (o: unknown, spec: DecodedSpec = {}) => readDecodedObject(o, spec, 'object', NET);
const reason = reason422;

/** The Axioma W1 codec's documented output for the reference frame (abridged deltas). */
const AXIOMA_TTN = {
  payload_format: 'AXIOMA_W1_ENHANCED_24H', frame_version: 1, timestamp_unix: 1788390574, timestamp_utc: '2026-09-02T23:09:34.000Z',
  status: 0, low_battery: false, permanent_error: false, temporary_error: false, pipe_empty: false, backflow: false, burst: false, leakage: false, low_temperature: false,
  log_volume_m3: 5.938, delta_1_m3: 0, delta_6_m3: 0.014, history_count: 23, history_total_m3: 0.116, current_volume_m3: 6.054, history_multiplier: 0,
};
/** Quandify CubicMeter status report: totalVolume in litres, but the name does not say so. */
const QUANDIFY = { fPort: 1, length: 28, type: 'statusReport', decoded: { errorCode: 0, isSensing: true, totalVolume: 1234567, leakState: 3, batteryActive: 3600 } };
/** GWF RCM-LRW10: a raw register value whose unit depends on the meter. */
const GWF = { protocol: 'standard', manufacturer: 'GWF', meterId: 12345678, medium: 'Water', lowBattery: false, registerValue: 4321, continousFlow: true, brokenPipe: false, backFlow: true };

describe('volume found by name, with its unit', () => {
  test.each([
    ['Axioma codec output: current_volume_m3 (log/history/delta fields are not indexes)', AXIOMA_TTN, 6054, 'object.current_volume_m3'],
    ['wmbusmeters total_m3', { media: 'water', total_m3: 123.4567, timestamp: '2026-09-02T22:00:00Z' }, 123457, 'object.total_m3'],
    ['litres in the name', { index_litres: 98765 }, 98765, 'object.index_litres'],
    ['m³ with a superscript', { 'Volume (m³)': 1 }, undefined, undefined],
    ['camelCase unit', { currentVolumeM3: 0.5 }, 500, 'object.currentVolumeM3'],
    ['value object', { volume: { value: 12.5, unit: 'm³' } }, 12500, 'object.volume'],
    ['unit beside it', { index: 1234.5, unit: 'L' }, 1235, 'object.index'],
    ['<name>Unit beside it', { meterReading: 3.2, meterReadingUnit: 'cubic meters' }, 3200, 'object.meterReading'],
    ['normalized shape in a ChirpStack object (litres)', { metering: { water: { total: 5000 } } }, 5000, 'object.metering.water.total'],
    ['under data', { data: { volume_m3: 2 } }, 2000, 'object.data.volume_m3'],
    ['two fields that agree', { volume_m3: 1, volume_l: 1000 }, 1000, 'object.volume_m3'],
  ])('%s', (_name, o, litres, source) => {
    if (litres === undefined) {
      expect(reason(() => read(o))).toMatch(/no volume field/);
      return;
    }
    expect(read(o)).toMatchObject({ volumeLitres: litres, source });
  });

  test.each([
    ['Quandify totalVolume has no unit', QUANDIFY, 'object has object.decoded.totalVolume without a unit: name it with volumeField and volumeUnit (m3 or L)'],
    ['GWF registerValue is not a known name', GWF, 'object has no volume field: name it with volumeField and volumeUnit (m3 or L)'],
    ['Kamstrup mbusparser latestVolume is not a known name', { values: [{ Type: 'Volume', Value: 0.236, Unit: 'm3' }], latestVolume: 0.236 }, 'object has no volume field: name it with volumeField and volumeUnit (m3 or L)'],
    ['fields that disagree', { volume_m3: 1, total_l: 5 }, 'object has disagreeing volume fields (object.volume_m3, object.total_l): choose one with volumeField'],
    ['a negative volume', { volume_m3: -1 }, 'object.volume_m3 must be a volume (a number ≥ 0)'],
    ['a flow is not a volume', { flow_m3h: 2, volume_m3_h: 1 }, 'object has no volume field: name it with volumeField and volumeUnit (m3 or L)'],
    ['not an object', [1, 2], 'object must be a JSON object to read a volume from'],
  ])('refused: %s', (_name, o, why) => {
    expect(reason(() => read(o))).toBe(why);
  });
});

describe('volume named by volumeField / volumeUnit', () => {
  test('Quandify: decoded.totalVolume in L', () => {
    expect(read(QUANDIFY, { field: 'decoded.totalVolume', unit: 'L' })).toMatchObject({ volumeLitres: 1234567, source: 'object.decoded.totalVolume' });
  });
  test('GWF: registerValue in m3, and its alarm names', () => {
    const r = read(GWF, { field: 'registerValue', unit: 'm3' });
    expect(r).toMatchObject({ volumeLitres: 4321000, time: NET, timeSource: 'network' });
    expect(r.flags).toMatchObject({ leak: true, burst: false, backflow: true, lowBattery: false });
  });
  test('a unit in the field name or beside it makes volumeUnit optional; the explicit unit wins', () => {
    expect(read(AXIOMA_TTN, { field: 'log_volume_m3' }).volumeLitres).toBe(5938);
    expect(read({ r: { value: 2, unit: 'm3' } }, { field: 'r' }).volumeLitres).toBe(2000);
    expect(read({ total: 7, unit: 'm3' }, { field: 'total', unit: 'L' }).volumeLitres).toBe(7);
  });
  test('a pulse counter: volumeUnit gives the weight of one step', () => {
    // a pulse adapter's decoded frame: channel counters, each pulse 10 L on channel A
    const pulses = { type: '0x46 Data frame', counterValues: [12345, 0] };
    expect(read(pulses, { field: 'counterValues.0', unit: '10L' })).toMatchObject({ volumeLitres: 123450, source: 'object.counterValues.0' });
    expect(read(pulses, { field: 'counterValues.0', unit: '2,5 litres' }).volumeLitres).toBe(30863); // 30862.5, to the litre
    expect(read(pulses, { field: 'counterValues.0', unit: '0.001 m3' }).volumeLitres).toBe(12345);
  });
  test('array indexes in the path', () => {
    expect(read({ values: [{ Value: 0.236 }] }, { field: 'values.0.Value', unit: 'm3' }).volumeLitres).toBe(236);
  });
  test.each([
    [{ a: 1 }, { field: 'b', unit: 'm3' }, "object has no field 'b' (volumeField)"],
    [{ a: 1 }, { field: 'a' }, 'object.a has no unit: set volumeUnit (m3 or L)'],
    [{ a: 1 }, { field: 'a', unit: 'gallons' }, "volumeUnit 'gallons' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')"],
    [{ a: 1 }, { field: 'a', unit: '0L' }, "volumeUnit '0L' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')"],
    [{ a: 1 }, { field: 'a', unit: '10' }, "volumeUnit '10' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')"],
    [{ a: 1 }, { field: 'a', unit: '-10L' }, "volumeUnit '-10L' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')"],
    [{ a: 'x' }, { field: 'a', unit: 'L' }, 'object.a must be a volume (a number ≥ 0)'],
    [{ a: 1 }, { field: 'constructor', unit: 'L' }, "object has no field 'constructor' (volumeField)"],
    [{ a: { b: 1 } }, { field: 'a.toString.x', unit: 'L' }, "object has no field 'a.toString.x' (volumeField)"],
  ])('%j with %j → %s', (o, spec, why) => {
    expect(reason(() => read(o, spec))).toBe(why);
  });
});

describe('time and flags', () => {
  test('the meter time of the Axioma codec output, its flags', () => {
    const r = read({ ...AXIOMA_TTN, leakage: true, low_battery: true });
    expect(r).toMatchObject({ time: '2026-09-02T23:09:34.000Z', timeSource: 'meter' });
    expect(r.flags).toEqual({ leak: true, burst: false, backflow: false, lowBattery: true, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false });
  });
  test('a flag the object does not mention is not reported: neither raised nor clear', () => {
    expect(read({ volume_m3: 1 }).flags).toEqual({});
    expect(read({ volume_m3: 1, leakage: false, burst: 1 }).flags).toEqual({ leak: false, burst: true });
  });
  test.each([
    [{ volume_m3: 1, time: '2026-09-02T23:00:00+02:00' }, '2026-09-02T21:00:00.000Z'],
    [{ volume_m3: 1, timestamp: 1788390574 }, '2026-09-02T23:09:34.000Z'],
    [{ volume_m3: 1, timestamp: 1788390574123 }, '2026-09-02T23:09:34.123Z'],
    [{ volume_m3: 1, meter_datetime: '2026-09-02 23:00' }, NET], // no zone: not a meter time we can trust
    [{ volume_m3: 1, timestamp: 12345 }, NET], // not a plausible Unix time
    [{ volume_m3: 1, time: 'yesterday' }, NET],
    [{ data: { volume_m3: 1, time: '2026-09-01T00:00:00Z' }, time: '2026-09-02T00:00:00Z' }, '2026-09-01T00:00:00.000Z'],
  ])('%j → %s', (o, time) => {
    expect(read(o).time).toBe(time);
  });
  const clear = { leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };
  test.each([
    // an alarm list or object is the whole report: what it does not name is clear
    [{ alarms: ['LOW_BATTERY', 'REVERSE_FLOW'] }, { ...clear, lowBattery: true, backflow: true }],
    [{ alarms: [] }, clear],
    [{ flags: { Water_Leak: true, Water_Burst: 1, Empty_Pipe: 0 } }, { ...clear, leak: true, burst: true }],
    [{ alarms: {} }, clear],
    // single fields report only themselves
    [{ water: { leak: 'medium' } }, { leak: true }],
    [{ water: { leak: '' } }, { leak: false }],
    [{ water: { temperature: 9 } }, {}],
    [{ leak: 'yes', burst: 'true' }, {}], // only true/1 or false/0
    [{ leak: 0, burst: null }, { leak: false }],
    [{ decoded: { leakage: true } }, { leak: true }],
    [{ leakage: false, decoded: { leakage: true } }, { leak: true }], // raised anywhere wins
  ])('%j → %j', (extra, flags) => {
    expect(read({ volume_m3: 1, ...extra }).flags).toEqual(flags);
  });
});

describe('TTS normalized_payload', () => {
  test('the water measurement: the latest by time, else the last; litres', () => {
    const list = [{ metering: { water: { total: 10 } }, time: '2026-09-02T22:00:00Z' }, { air: { temperature: 20 } }, { metering: { water: { total: 12.4 } }, time: '2026-09-02T23:00:00Z', water: { leak: true } }];
    const m = waterMeasurement(list);
    expect(m).toBe(list[2]);
    expect(readNormalized(m as never, NET)).toEqual({
      time: '2026-09-02T23:00:00.000Z',
      volumeLitres: 12,
      flags: { leak: true },
      source: 'normalized_payload.metering.water.total',
      timeSource: 'meter',
    });
    expect(readNormalized(waterMeasurement([{ metering: { water: { total: 1 } } }]) as never, NET)).toMatchObject({ time: NET, timeSource: 'network', flags: {} }); // no water.leak: not reported
    expect(readNormalized({ metering: { water: { total: 1 } }, water: { leak: 'No leak' } }, NET).flags).toEqual({ leak: false });
  });
  test.each([[[{ air: { temperature: 3 } }]], [[{ metering: { water: { total: -1 } } }]], [[{ metering: { water: { total: '5' } } }]], [null], ['x'], [[]]])('%j has no water total', (n) => {
    expect(waterMeasurement(n)).toBeUndefined();
  });
});

test.each([
  ['m3', 'm3'], ['M³', 'm3'], ['m^3', 'm3'], ['L', 'L'], ['litres', 'L'], ['Liters', 'L'], ['gal', undefined], [3, undefined],
])('unit %j → %s', (s, u) => {
  expect(volumeUnit(s)).toBe(u);
});

test.each([[true, true], [false, false], ['large', true], ['No leak', false], ['', false], [1, false]])('normalized leak %j → %s', (v, leak) => {
  expect(leakOf(v)).toBe(leak);
});

test('meter times', () => {
  expect(deviceTime('2026-02-30T00:00:00Z')).toBeUndefined();
  expect(deviceTime(4102444800)).toBeUndefined();
});

test('a meter time without a zone is a local time of the territory zone, when there is one', () => {
  const o = { volume_m3: 1, meter_datetime: '2026-09-02 23:00' };
  expect(readDecodedObject(o, {}, 'object', NET, 'Europe/Paris')).toMatchObject({ time: '2026-09-02T21:00:00.000Z', timeSource: 'meter' });
  expect(readDecodedObject(o, {}, 'object', NET)).toMatchObject({ time: NET, timeSource: 'network' });
  // a time with a zone keeps it
  expect(deviceTime('2026-09-02T23:00:00Z', 'Europe/Paris')).toBe('2026-09-02T23:00:00.000Z');
});

test.each([
  ['decoded', {}],
  ['Decoded:decoded.totalVolume:L', { field: 'decoded.totalVolume', unit: 'L' }],
  ['decoded:registerValue', { field: 'registerValue' }],
  ['decoded::m3', { unit: 'm3' }],
  ['axioma-qalcosonic-w1', undefined],
])('codec name %s → spec %j', (name, spec) => {
  expect(decodedSpec(name)).toEqual(spec === undefined ? undefined : { field: undefined, unit: undefined, ...spec });
});
