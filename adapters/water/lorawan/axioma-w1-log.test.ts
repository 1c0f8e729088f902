import { FeedError } from '../../../src/ingest/types';
import { decodeAxiomaW1Alarm, LOG_WINDOW_S, readAxiomaW1Log, type AxiomaW1LogFrame } from './axioma-w1-log';

const T = Date.parse('2026-09-02T23:09:34Z') / 1000;

interface LogSpec {
  time?: number;
  status?: number;
  current: number;
  logTime: number;
  logVolume: number;
  increments: number[];
  temperature?: number;
  pad?: boolean;
}

/** Test-only encoder of the two log layouts. */
function encodeLog(s: LogSpec): Uint8Array {
  const header = s.temperature === undefined ? 17 : 19;
  const b = Buffer.alloc(header + 2 * s.increments.length + (s.pad ? 1 : 0));
  b.writeUInt32LE(s.time ?? T, 0);
  b[4] = s.status ?? 0;
  b.writeUInt32LE(s.current, 5);
  if (s.temperature !== undefined) b.writeInt16LE(s.temperature, 9);
  b.writeUInt32LE(s.logTime, header - 8);
  b.writeUInt32LE(s.logVolume, header - 4);
  s.increments.forEach((d, i) => b.writeUInt16LE(d, header + 2 * i));
  return new Uint8Array(b);
}

const frameOf = (bytes: Uint8Array): AxiomaW1LogFrame => {
  const r = readAxiomaW1Log(bytes);
  if (!('frame' in r)) throw new Error(r.why);
  return r.frame;
};

describe('log frame without temperature', () => {
  const increments = [0, 0, 12, 35, 48, 20, 9, 14, 62, 80, 41, 18, 7, 25, 33];
  const spec = { status: 0x24, current: 128_734, logTime: T - 15 * 3600 - 574, logVolume: 128_324, increments };

  test('every field', () => {
    expect(frameOf(encodeLog(spec))).toEqual<AxiomaW1LogFrame>({
      layout: 'log',
      time: '2026-09-02T23:09:34.000Z',
      volumeLitres: 128_734,
      flags: { leak: true, burst: false, backflow: false, lowBattery: true, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false },
      timestamp: T,
      status: 0x24,
      logTimestamp: T - 15 * 3600 - 574,
      logTime: '2026-09-02T08:00:00.000Z',
      logVolumeLitres: 128_324,
      incrementsLitres: increments,
    });
  });

  test('a last odd byte is padding', () => {
    const f = frameOf(encodeLog({ ...spec, pad: true }));
    expect(f.incrementsLitres).toEqual(increments);
    expect(f.volumeLitres).toBe(128_734);
  });

  test('any number of increments, none included', () => {
    expect(frameOf(encodeLog({ ...spec, increments: [] })).incrementsLitres).toEqual([]);
    expect(frameOf(encodeLog({ ...spec, increments: Array(40).fill(65_535) })).incrementsLitres).toHaveLength(40);
  });

  test('log time at the meter time, and at the edge of the window', () => {
    expect(frameOf(encodeLog({ ...spec, logTime: T })).logTimestamp).toBe(T);
    expect(frameOf(encodeLog({ ...spec, logTime: T - LOG_WINDOW_S })).logTimestamp).toBe(T - LOG_WINDOW_S);
  });
});

describe('log frame with temperature', () => {
  test('every field; the temperature is signed, in hundredths of °C', () => {
    const increments = [5, 4, 6, 5, 5, 4, 5, 6, 5, 4, 5, 5, 6, 5];
    const f = frameOf(encodeLog({ status: 0x20, current: 412_905, temperature: 1411, logTime: T - 14 * 3600 - 574, logVolume: 412_833, increments }));
    expect(f).toMatchObject({ layout: 'log-temperature', volumeLitres: 412_905, temperatureC: 14.11, logVolumeLitres: 412_833, incrementsLitres: increments });
    expect(f.flags.leak).toBe(true);
    expect(frameOf(encodeLog({ current: 10, temperature: -150, logTime: T - 3600, logVolume: 9, increments: [1] })).temperatureC).toBe(-1.5);
  });
});

describe('frames that are no log frame', () => {
  const base = { current: 1000, logTime: T - 3600, logVolume: 990, increments: [10] };
  test.each<[string, Uint8Array, RegExp]>([
    ['too short', new Uint8Array(16), /at least 17 bytes/],
    ['log time after the meter time', encodeLog({ ...base, logTime: T + 1 }), /not within 31 days before its meter time/],
    ['log time before the window', encodeLog({ ...base, logTime: T - LOG_WINDOW_S - 1 }), /not within 31 days/],
    ['log volume above the current volume', encodeLog({ ...base, logVolume: 1001 }), /log volume is above its current volume/],
  ])('%s', (_, bytes, why) => {
    const r = readAxiomaW1Log(bytes);
    expect('frame' in r).toBe(false);
    expect(r).toMatchObject({ why: expect.stringMatching(why) });
  });

  test('a frame that fits both layouts is refused, not guessed', () => {
    // bytes 9–14 read as a time from offset 9 and from offset 11 both land shortly before the meter time
    const b = Buffer.alloc(25);
    b.writeUInt32LE(0x6a9aff00, 0);
    b.writeUInt32LE(0xffffffff, 5);
    Buffer.from([0x00, 0x10, 0x9a, 0x6a, 0x9a, 0x6a]).copy(b, 9);
    const r = readAxiomaW1Log(new Uint8Array(b));
    expect(r).toEqual({ why: 'it fits both log layouts, with and without the temperature', ambiguous: true });
  });
});

describe('alarm frame', () => {
  const alarm = (status: number, length = 5): Uint8Array => {
    const b = Buffer.alloc(length);
    b.writeUInt32LE(T, 0);
    b[4] = status;
    return new Uint8Array(b);
  };

  test.each([
    [0x00, {}],
    [0x20, { leak: true }],
    [0xa0, { burst: true }],
    [0x60, { backflow: true }],
    [0x84, { lowTemperature: true, lowBattery: true }],
    [0x88, { lowTemperature: true, permanentError: true }],
  ])('status byte %d: flags at the meter time, no volume', (status, set) => {
    const none = { leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };
    const f = decodeAxiomaW1Alarm(alarm(status));
    expect(f).toEqual({ layout: 'alarm', time: '2026-09-02T23:09:34.000Z', timestamp: T, status, flags: { ...none, ...set } });
    expect(f.volumeLitres).toBeUndefined();
  });

  test.each<[string, Uint8Array, string]>([
    ['4 bytes', alarm(0x20, 4), 'Axioma W1: alarm frame (fPort 103) is 4 bytes (expected 5)'],
    ['6 bytes', alarm(0x20, 6), 'Axioma W1: alarm frame (fPort 103) is 6 bytes (expected 5)'],
    ['bit 0x01', alarm(0x01), 'Axioma W1: alarm frame with status 0x01: bits 0x01 and 0x02 are not in the status layout'],
    ['bit 0x02', alarm(0x22), 'Axioma W1: alarm frame with status 0x22: bits 0x01 and 0x02 are not in the status layout'],
  ])('refused: %s', (_, bytes, reason) => {
    let error: unknown;
    try {
      decodeAxiomaW1Alarm(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ message: reason, stage: 'decode', status: 422 });
  });
});
