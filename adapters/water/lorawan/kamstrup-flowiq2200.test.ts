/**
 * Kamstrup flowIQ 2200 (OMS over LoRaWAN). The vectors and their decoded values are the documented
 * examples of the LoRaWAN Device Repository:
 * https://github.com/TheThingsNetwork/lorawan-devices/blob/master/vendor/kamstrup/mbusparser.yaml
 * (the last one is the "Example from Integration Guide"). Their times carry no zone; the vendor's
 * codec computes them as UTC, so do we.
 */
import { decodeKamstrupFlowIq, kamstrupFlowIqFlags, kamstrupFlowIqNoReading, mbusDate, parseRecords } from './kamstrup-flowiq2200';
import { reason422 } from '../errors.fixture';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** "Multiple profile values for volume": 0.003 m³ at 2024-07-24T19:00, 32 hourly values. */
const HOURLY = hex('78 446d00331837 441303000000 4d931322 6101 00000003' + '00'.repeat(28));
/** "Data from midnight log of water meter with invalid temperatures": 0.236 m³, Tamper set. */
const MIDNIGHT = hex('78 446d0020f32a 4413ec000000 52ff251000 42ff1c0500 623b0000 523b0000 615b80 515b80');
/** "Installation frame with config number": long header, no volume. */
const INSTALLATION = hex('72 58578853 372c 3c 16 d6 10 0800 04ff16bf587000');
/** "Missing Base value": a profile without its index (documented as an error). */
const MISSING_BASE = hex('78 446d00331837 4d931322 6101 00000003' + '00'.repeat(28));
/** "Multiple profile values for volume (Example from Integration Guide)": 7842.497 m³ at 2023-08-29T12:00. */
const GUIDE = hex('7a08000000 446d002cfd28 4413c1aa7700 4d931318 6201 2701220122012601220122012101270122012201 2701 2f');

const decode = (b: Uint8Array, port = 1, receivedAt?: string) => decodeKamstrupFlowIq(b, port, receivedAt);
const reason = reason422;

describe('documented vectors', () => {
  test('hourly profile frame', () => {
    const f = decode(HOURLY);
    expect(f.volumeLitres).toBe(3); // latestVolume 0.003 m³
    expect(f.time).toBe('2024-07-24T19:00:00.000Z');
    expect(f.timeSource).toBe('meter');
    expect(f.infoCode).toBeUndefined();
    expect(f.flags).toEqual({}); // no info code record: no flag reported, none cleared
    expect(f.profile).toHaveLength(32);
    expect(f.profile.slice(0, 4)).toEqual([
      { time: '2024-07-24T18:00:00.000Z', volumeLitres: 3 },
      { time: '2024-07-24T17:00:00.000Z', volumeLitres: 3 },
      { time: '2024-07-24T16:00:00.000Z', volumeLitres: 3 },
      { time: '2024-07-24T15:00:00.000Z', volumeLitres: 0 },
    ]);
    expect(f.profile[31]).toEqual({ time: '2024-07-23T11:00:00.000Z', volumeLitres: 0 });
  });

  test('midnight log frame: index, time and info code (tamper only)', () => {
    const f = decode(MIDNIGHT);
    expect(f.volumeLitres).toBe(236); // 0.236 m³
    expect(f.time).toBe('2023-10-19T00:00:00.000Z');
    expect(f.infoCode).toBe(0x10); // Tamper true, Dry/Reverse/Leak/Burst/Low Battery false
    expect(f.flags).toEqual({ leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false });
    expect(f.profile).toEqual([]);
    // ALD last day 5, min/max flow 0 (storage 1, functions min/max), invalid temperatures 0x80
    expect(f.records.map((r) => [r.functionField, r.storage, Buffer.from(r.vib).toString('hex'), Buffer.from(r.data).toString('hex')])).toEqual([
      [0, 1, '6d', '0020f32a'],
      [0, 1, '13', 'ec000000'],
      [1, 1, 'ff25', '1000'],
      [0, 1, 'ff1c', '0500'],
      [2, 1, '3b', '0000'],
      [1, 1, '3b', '0000'],
      [2, 1, '5b', '80'],
      [1, 1, '5b', '80'],
    ]);
  });

  test('integration guide frame (short header, 11 hourly values)', () => {
    const f = decode(GUIDE);
    expect(f.volumeLitres).toBe(7842497); // 7842.497 m³
    expect(f.time).toBe('2023-08-29T12:00:00.000Z');
    expect(f.ci).toBe(0x7a);
    expect(f.profile.map((p) => [p.time.slice(11, 13), p.volumeLitres])).toEqual([
      ['11', 7842202],
      ['10', 7841912],
      ['09', 7841622],
      ['08', 7841328],
      ['07', 7841038],
      ['06', 7840748],
      ['05', 7840459],
      ['04', 7840164],
      ['03', 7839874],
      ['02', 7839584],
      ['01', 7839289],
    ]);
  });

  test('installation frame: no reading, refused by the decoder, told apart as a frame to ignore', () => {
    expect(parseRecords(INSTALLATION, 13).map((r) => Buffer.from(r.vib).toString('hex'))).toEqual(['ff16']);
    expect(reason(() => decode(INSTALLATION))).toMatch(/no volume record/);
    expect(kamstrupFlowIqNoReading(INSTALLATION, 1)).toBe('Kamstrup flowIQ 2200: installation frame (configuration number) without a volume or info code: no reading');
  });

  test('missing base value: refused, not a frame to ignore', () => {
    expect(reason(() => decode(MISSING_BASE))).toMatch(/no volume record/);
    expect(kamstrupFlowIqNoReading(MISSING_BASE, 1)).toBeUndefined();
  });

  test.each([
    ['a reading', GUIDE, 1],
    ['another port', INSTALLATION, 2],
    ['an info code without a volume', hex('78 02ff251000'), 1],
    ['an encrypted frame', hex('7a 08 00 0005 04ff16bf587000'), 1],
    ['a truncated record', hex('78 04ff16bf58'), 1],
    ['no record', hex('78 2f2f'), 1],
  ])('not a frame to ignore: %s', (_what, frame, port) => {
    expect(kamstrupFlowIqNoReading(frame, port)).toBeUndefined();
  });
});

describe('info code → flags', () => {
  const none = { leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };
  test.each([
    [0x00, {}],
    [0x01, { pipeEmpty: true }],
    [0x02, { backflow: true }],
    [0x04, { leak: true }],
    [0x08, { burst: true }],
    [0x10, {}], // tamper: no flag
    [0x20, { lowBattery: true }],
    [0x40, { lowTemperature: true }],
    [0x80, {}], // high ambient temperature: no flag
    [0x2c, { leak: true, burst: true, lowBattery: true }],
  ])('0x%s', (info, set) => {
    expect(kamstrupFlowIqFlags(info)).toEqual({ ...none, ...set });
  });

  test('from a frame: leak + reverse on the midnight frame', () => {
    const b = MIDNIGHT.slice();
    b[16] = 0x06; // the info code's low byte (was 0x10, tamper)
    expect(decode(b).flags).toMatchObject({ leak: true, backflow: true, burst: false });
  });
});

describe('dates (EN 13757-3 types F, I, G)', () => {
  test.each([
    ['00331837', '2024-07-24T19:00:00.000Z'], // type F
    ['2a2d1336', '2024-06-19T13:42:00.000Z'],
    ['00331f37', '2024-07-31T19:00:00.000Z'],
    ['0f0a2101', '2001-01-01T10:15:00.000Z'], // no hundred-year field: 0–80 → 20yy
    ['80331837', undefined], // IV bit: invalid
    ['00331e3d', undefined], // month 13
    ['00331f36', undefined], // 31 June
    ['1e2a2d133600', '2024-06-19T13:42:30.000Z'], // type I, with seconds
    ['1837', '2024-07-24T00:00:00.000Z'], // type G
    ['2a2d13', undefined], // no such size
  ])('%s → %s', (h, iso) => {
    expect(mbusDate(hex(h))).toBe(iso);
  });
});

describe('a meter clock in local time (meterClock: local)', () => {
  test.each([
    ['00331837', 'Europe/Paris', '2024-07-24T17:00:00.000Z'], // summer: UTC+2
    ['0f0a2101', 'Europe/Paris', '2001-01-01T09:15:00.000Z'], // winter: UTC+1
    ['00023e33', 'Europe/Paris', '2025-03-30T01:00:00.000Z'], // 02:00 does not occur that night: read with the offset before
    ['00023a3a', 'Europe/Paris', '2025-10-26T00:00:00.000Z'], // 02:00 occurs twice: the first
    ['00331837', 'America/New_York', '2024-07-24T23:00:00.000Z'],
  ])('%s in %s → %s', (h, zone, iso) => {
    expect(mbusDate(hex(h), zone)).toBe(iso);
  });

  test('the index time and its profile shift together', () => {
    const utc = decodeKamstrupFlowIq(HOURLY, 1);
    const local = decodeKamstrupFlowIq(HOURLY, 1, undefined, 'Europe/Paris');
    expect([utc.time, local.time]).toEqual(['2024-07-24T19:00:00.000Z', '2024-07-24T17:00:00.000Z']);
    expect(local.profile.map((p) => Date.parse(p.time))).toEqual(utc.profile.map((p) => Date.parse(p.time) - 2 * 3600_000));
  });
});

describe('time fallback', () => {
  const noDate = hex('78 4413ec000000');
  test('no date record: the network time when given', () => {
    const f = decode(noDate, 1, '2026-09-03T00:00:05.000Z');
    expect(f).toMatchObject({ volumeLitres: 236, time: '2026-09-03T00:00:05.000Z', timeSource: 'network' });
  });
  test('no date record and no network time: refused', () => {
    expect(reason(() => decode(noDate))).toMatch(/no valid date\/time/);
  });
});

describe('bad frames', () => {
  test.each([
    ['wrong fPort', HOURLY, 100, /unsupported fPort 100/],
    ['empty', new Uint8Array(0), 1, /payload is 0 bytes/],
    ['too long', new Uint8Array(243).fill(0x2f), 1, /payload is 243 bytes/],
    ['unknown CI', hex('51 4413ec000000'), 1, /unsupported CI field 0x51/],
    ['encrypted', hex('7a08000005 4413ec000000'), 1, /encrypted frame \(security mode 5\)/],
    ['short header truncated', hex('7a0800'), 1, /short header truncated/],
    ['long header truncated', INSTALLATION.subarray(0, 10), 1, /long header truncated/],
    ['truncated data', MIDNIGHT.subarray(0, 10), 1, /needs 4 data bytes, 1 left/],
    ['truncated VIF', hex('78 44'), 1, /truncated before its VIF/],
    ['truncated profile', HOURLY.subarray(0, 40), 1, /needs 34 data bytes/],
    ['invalid volume', hex('78 446d00331837 441300000080'), 1, /marked invalid/],
    ['negative volume', hex('78 446d00331837 4413ffffffff'), 1, /out of range/],
    ['plain-text VIF', hex('78 047c'), 1, /plain-text VIF/],
    ['special DIF', hex('78 3f'), 1, /unsupported special DIF/],
  ])('%s', (_name, b, port, re) => {
    expect(reason(() => decode(b, port))).toMatch(re);
  });

  test('manufacturer data (DIF 0x0F) ends the records', () => {
    expect(decode(hex('78 446d00331837 441303000000 0f deadbeef')).volumeLitres).toBe(3);
  });

  test('BCD volume and m³ resolutions', () => {
    expect(decode(hex('78 446d00331837 4c1378563412')).volumeLitres).toBe(12345678); // BCD, litres
    expect(decode(hex('78 446d00331837 4416e8030000')).volumeLitres).toBe(1000000); // 1000 m³
    expect(decode(hex('78 446d00331837 44104e610000')).volumeLitres).toBe(25); // 24910 cm³ → 25 L
  });

  test('the current value (storage 0) wins over a logged one', () => {
    const f = decode(hex('78 446d00331837 441303000000 046d002cfd28 0413c1aa7700'));
    expect(f).toMatchObject({ storage: 0, volumeLitres: 7842497, time: '2023-08-29T12:00:00.000Z' });
  });
});
