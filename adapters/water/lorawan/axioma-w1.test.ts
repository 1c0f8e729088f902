import fs from 'node:fs';
import path from 'node:path';
import { FeedError } from '../../../src/ingest/types';
import { axiomaW1Flags, decodeAxiomaW1, type AxiomaW1Frame } from './axioma-w1';

const VECTOR = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../shared/reference/feeds/lorawan/axioma-qalcosonic-w1-vector.json'), 'utf8')) as {
  fPort: number;
  bytes_hex: string;
  frm_payload_base64: string;
  expected_output_excerpt: Record<string, unknown>;
};
const vector = (): Uint8Array => new Uint8Array(Buffer.from(VECTOR.bytes_hex, 'hex'));

/** Test-only encoder of the layout, to check the decoder on frames with known content. */
function encode(timestamp: number, status: number, logLitres: number, deltas: number[], multiplier = 0): Uint8Array {
  const b = new Uint8Array(51);
  b[0] = 1;
  new DataView(b.buffer).setUint32(1, timestamp, true);
  b[5] = status;
  new DataView(b.buffer).setUint32(6, logLitres, true);
  const put = (bit: number, len: number, v: number) => {
    for (let i = 0; i < len; i++) if ((v >> i) & 1) b[10 + ((bit + i) >> 3)] |= 1 << ((bit + i) & 7);
  };
  deltas.forEach((d, i) => put(i * 14, 14, d));
  put(23 * 14, 6, multiplier);
  return b;
}

describe('Axioma Qalcosonic W1 reference vector', () => {
  const f = decodeAxiomaW1(vector(), VECTOR.fPort);
  const x = VECTOR.expected_output_excerpt;

  test('decodes to the expected values', () => {
    expect(f.time).toBe(x.timestamp_utc);
    expect(f.status).toBe(x.status);
    expect(f.flags.leak).toBe(x.leakage);
    expect(f.flags.burst).toBe(x.burst);
    expect(f.flags.backflow).toBe(x.backflow);
    expect(f.logVolumeM3).toBe(x.log_volume_m3);
    expect(f.historyTotalM3).toBe(x.history_total_m3);
    expect(f.currentVolumeM3).toBe(x.current_volume_m3);
  });

  test('raw fields and hourly history', () => {
    expect(f).toMatchObject<Partial<AxiomaW1Frame>>({ frameVersion: 1, timestamp: 0x6a98acae, logVolumeLitres: 5938, volumeLitres: 6054, historyMultiplier: 0 });
    expect(f.hourlyDeltasLitres).toHaveLength(23);
    expect(f.hourlyDeltasLitres.reduce((a, d) => a + d, 0)).toBe(116);
    expect(f.hourlyDeltasLitres.every((d) => Number.isInteger(d) && d >= 0 && d < 1 << 14)).toBe(true);
  });

  test('the base64 form gives the same bytes', () => {
    expect(Buffer.from(VECTOR.frm_payload_base64, 'base64').toString('hex')).toBe(VECTOR.bytes_hex);
  });
});

describe('status flags', () => {
  test.each([
    [0x00, {}],
    [0x04, { lowBattery: true }],
    [0x08, { permanentError: true }],
    [0x10, { temporaryError: true, pipeEmpty: true }],
    [0x14, { temporaryError: true, lowBattery: true }],
    [0x20, { leak: true }],
    [0x60, { backflow: true }],
    [0xa0, { burst: true }],
    [0xe0, { burst: true, backflow: true }],
    [0x80, { lowTemperature: true }],
    [0x24, { leak: true, lowBattery: true }],
  ])('0x%s', (status, set) => {
    const none = { leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };
    expect(axiomaW1Flags(status)).toEqual({ ...none, ...set });
  });
});

describe('decoding frames with known content', () => {
  test.each([
    ['all zero deltas', 1700000000, 0, 0, Array(23).fill(0)],
    ['max deltas', 1700000000, 0x20, 0xfffffff0, Array(23).fill(16383)],
    ['ramp', 0, 0x60, 123456, Array.from({ length: 23 }, (_, i) => i * 700)],
    ['alternating', 0xffffffff, 0xa4, 1, Array.from({ length: 23 }, (_, i) => (i % 2 ? 0x2aaa : 0x1555))],
  ])('%s', (_name, ts, status, log, deltas) => {
    const f = decodeAxiomaW1(encode(ts, status, log, deltas, 5), 100);
    const sum = deltas.reduce((a, d) => a + d, 0);
    expect(f.timestamp).toBe(ts);
    expect(f.time).toBe(new Date(ts * 1000).toISOString());
    expect(f.status).toBe(status);
    expect(f.logVolumeLitres).toBe(log);
    expect(f.hourlyDeltasLitres).toEqual(deltas);
    expect(f.volumeLitres).toBe(log + sum);
    expect(f.historyMultiplier).toBe(5);
  });
});

describe('frames that are refused', () => {
  test.each([
    ['wrong fPort', vector(), 1, /unsupported fPort 1/],
    ['fPort 0', vector(), 0, /unsupported fPort 0/],
    ['empty', new Uint8Array(0), 100, /payload is 0 bytes/],
    ['one byte short', vector().slice(0, 50), 100, /payload is 50 bytes/],
    ['one byte long', new Uint8Array([...vector(), 0]), 100, /payload is 52 bytes/],
    ['frame version 2', Object.assign(vector(), { 0: 2 }), 100, /unsupported frame version 0x02/],
  ])('%s', (_name, bytes, port, reason) => {
    let err: unknown;
    try {
      decodeAxiomaW1(bytes, port);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ stage: 'decode', status: 422 });
    expect((err as Error).message).toMatch(reason);
  });
});
