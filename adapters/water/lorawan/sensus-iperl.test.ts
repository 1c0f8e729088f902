/**
 * Sensus iPERL (OMS over LoRaWAN). The reference vector and its decoded values are the documented
 * example of the LoRaWAN Device Repository:
 * https://github.com/TheThingsNetwork/lorawan-devices/blob/master/vendor/sensus/iperl-codec.yaml
 * ("SND-ALARM", fPort 20: 25041.978 m³ at 2024-06-19 13:42, status 4 = LOW_BATTERY). The other
 * frames are built from it by hand (header variants, errors).
 */
import { SENSUS_IPERL, codecByName, codecForVersionIds } from './codecs';
import { decodeSensusIperl, omsStatusFlags } from './sensus-iperl';
import { reason422 } from '../errors.fixture';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

const VOLUME = '84 04 13 3a1c7e01';
const DATE = '84 04 6d 2a2d1336';
const PROFILE = '8d 04 93 13 18 d23c 3400 2e00 3400 2e00 3900 2e00 3400 2e00 3400 3300 3400';
/** The documented SND-ALARM frame: short header (ACC 6, STS 4, config 0), volume, date, hourly profile. */
const ALARM = hex(`7a 06 04 0000 ${VOLUME} ${DATE} ${PROFILE}`);

const reason = reason422;

test('the documented SND-ALARM frame', () => {
  const f = decodeSensusIperl(ALARM, 20);
  expect(f.volumeLitres).toBe(25041978); // scaledValue 25041.978 m³
  expect(f.time).toBe('2024-06-19T13:42:00.000Z'); // timestamp 1718804520
  expect(f.timeSource).toBe('meter');
  expect(f.storage).toBe(8);
  expect(f.status).toBe(4);
  expect(f.flags).toEqual({ alarm: false, busy: false, applicationError: false, leak: false, burst: false, backflow: false, lowBattery: true, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false });
  expect(f.records.map((r) => [r.storage, r.vib[0]])).toEqual([[8, 0x13], [8, 0x6d], [8, 0x93]]);
});

test.each([
  ['no header (CI 0x78): no status', `78 ${VOLUME} ${DATE}`, undefined],
  ['long header (CI 0x72)', `72 78563412 c5 14 01 07 06 10 0000 ${VOLUME} ${DATE}`, 0x10],
  ['status 0', `7a 06 00 0000 ${VOLUME} ${DATE}`, 0],
])('%s', (_name, frame, status) => {
  const f = decodeSensusIperl(hex(frame), 20);
  expect([f.volumeLitres, f.time, f.status]).toEqual([25041978, '2024-06-19T13:42:00.000Z', status]);
});

test('without a status byte (CI 0x78) no flag is reported, none cleared', () => {
  expect(decodeSensusIperl(hex(`78 ${VOLUME} ${DATE}`), 20).flags).toEqual({});
});

test('the lowest storage number wins; its own date; BCD and other VIF scales', () => {
  // storage 0: 8-digit BCD 12345678 × 10⁻² m³ (VIF 0x15) = 1234567.8 m³ → 1234567800 L, date of storage 0
  const f = decodeSensusIperl(hex(`7a 01 00 0000 ${VOLUME} ${DATE} 0c 15 78563412 04 6d 00 0c 21 31`), 20);
  expect([f.storage, f.volumeLitres, f.time]).toEqual([0, 1234567800, '2025-01-01T12:00:00.000Z']);
});

test('without a date for the volume, the network time (or a 422 without one)', () => {
  const frame = hex(`7a 06 00 0000 ${VOLUME}`);
  expect(decodeSensusIperl(frame, 20, '2026-09-03T00:00:05.000Z')).toMatchObject({ time: '2026-09-03T00:00:05.000Z', timeSource: 'network' });
  expect(reason(() => decodeSensusIperl(frame, 20))).toBe('Sensus iPERL: no valid date/time for the volume of storage 8');
});

const state = { busy: false, applicationError: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };
const noAlarm = { ...state, alarm: false, leak: false, burst: false, backflow: false };
test.each([
  ['0x00', 0x00, noAlarm],
  ['0x04', 0x04, { ...noAlarm, lowBattery: true }],
  ['0x08', 0x08, { ...noAlarm, permanentError: true }],
  ['0x10', 0x10, { ...noAlarm, temporaryError: true }],
  ['0xe0', 0xe0, noAlarm], // manufacturer bits
  // bits 1–0 (EN 13757-7): 11 an alarm of unsaid kind, leak/burst/backflow neither raised nor cleared
  ['0x03', 0x03, { ...state, alarm: true }],
  ['0x07', 0x07, { ...state, alarm: true, lowBattery: true }],
  // 01 busy, 10 application error: nothing said of alarms
  ['0x01', 0x01, { ...state, busy: true }],
  ['0x02', 0x02, { ...state, applicationError: true }],
])('status %s → %j', (_hex, status, flags) => {
  expect(omsStatusFlags(status)).toEqual(flags);
});

test.each([
  ['encrypted (mode 5)', `7a 06 00 1005 ${VOLUME}`, 20, 'Sensus iPERL: encrypted frame (security mode 5) is not supported'],
  ['no volume', `7a 06 00 0000 ${DATE}`, 20, 'Sensus iPERL: no volume record'],
  ['other CI', `8c 06 00 0000 ${VOLUME}`, 20, 'Sensus iPERL: unsupported CI field 0x8c (expected 0x7a, 0x72 or 0x78)'],
  ['truncated header', '7a 06 00', 20, 'Sensus iPERL: short header truncated (3 bytes)'],
  ['truncated record', '7a 06 00 0000 84 04 13 3a1c', 20, 'Sensus iPERL: record at byte 8 needs 4 data bytes, 2 left'],
  ['invalid volume (type B 0x80000000)', '7a 06 00 0000 04 13 00000080', 20, 'Sensus iPERL: the volume record is marked invalid or not an integer'],
  ['port 0', `7a 06 00 0000 ${VOLUME}`, 0, 'Sensus iPERL: unsupported fPort 0 (expected an application port 1–223)'],
  ['port 224', `7a 06 00 0000 ${VOLUME}`, 224, 'Sensus iPERL: unsupported fPort 224 (expected an application port 1–223)'],
  ['one byte', '7a', 20, 'Sensus iPERL: payload is 1 bytes (expected 2–242)'],
])('refused: %s', (_name, frame, port, why) => {
  expect(reason(() => decodeSensusIperl(hex(frame), port as number, '2026-09-03T00:00:05Z'))).toBe(why);
});

test('registered as sensus-iperl, chosen by TTS version_ids sensus/iperl', () => {
  expect(codecByName('Sensus-iPERL')?.decode(ALARM, 20)).toMatchObject({ volumeLitres: 25041978 });
  expect(codecForVersionIds({ brand_id: 'sensus', model_id: 'iperl' })).toBe(SENSUS_IPERL);
  expect(codecForVersionIds({ brand_id: 'Sensus', model_id: 'iPERL' })).toBe(SENSUS_IPERL);
  expect(codecForVersionIds({ brand_id: 'sensus', model_id: '620' })).toBeUndefined();
});
