import fs from 'node:fs';
import path from 'node:path';
import { FeedError } from '../../../src/ingest/types';
import { decodeAxiomaW1 } from './axioma-w1';
import { decodeAxiomaW1Uplink } from './axioma-w1-uplink';

const VECTOR = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../shared/reference/feeds/lorawan/axioma-qalcosonic-w1-vector.json'), 'utf8')) as { bytes_hex: string };
const vector = (): Uint8Array => new Uint8Array(Buffer.from(VECTOR.bytes_hex, 'hex'));
const T = Date.parse('2026-09-02T23:09:34Z') / 1000;

/** A log frame (no temperature) of `n` increments of 10 L, the log time n hours before `time`. */
function logFrame(n: number, time = T): Uint8Array {
  const b = Buffer.alloc(17 + 2 * n);
  b.writeUInt32LE(time, 0);
  b.writeUInt32LE(50_000 + 10 * n, 5);
  b.writeUInt32LE(time - n * 3600, 9);
  b.writeUInt32LE(50_000, 13);
  for (let i = 0; i < n; i++) b.writeUInt16LE(10, 17 + 2 * i);
  return new Uint8Array(b);
}

const refusal = (bytes: Uint8Array, fPort: number): string => {
  try {
    decodeAxiomaW1Uplink(bytes, fPort);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ stage: 'decode', status: 422 });
    return (err as Error).message;
  }
  throw new Error('not refused');
};

test('the reference 24 h frame reads as before', () => {
  expect(decodeAxiomaW1Uplink(vector(), 100)).toEqual({ ...decodeAxiomaW1(vector(), 100), layout: '24h' });
});

test('log frames on fPort 100, of any length', () => {
  for (const n of [0, 13, 15, 20]) expect(decodeAxiomaW1Uplink(logFrame(n), 100)).toMatchObject({ layout: 'log', volumeLitres: 50_000 + 10 * n });
});

test('a 51-byte log frame whose first byte is 1 is a log frame, not a 24 h frame', () => {
  const time = T - (T & 0xff) + 1; // low byte of the meter time = 0x01
  const bytes = logFrame(17, time);
  expect(bytes).toHaveLength(51);
  expect(bytes[0]).toBe(1);
  expect(decodeAxiomaW1Uplink(bytes, 100)).toMatchObject({ layout: 'log', timestamp: time, volumeLitres: 50_170 });
});

test('the alarm frame on fPort 103', () => {
  const f = decodeAxiomaW1Uplink(Uint8Array.of(...logFrame(0).subarray(0, 4), 0x60), 103);
  expect(f).toMatchObject({ layout: 'alarm', time: '2026-09-02T23:09:34.000Z', flags: { backflow: true } });
  expect('volumeLitres' in f).toBe(false);
});

test.each<[string, Uint8Array, number, string]>([
  ['another fPort', vector(), 1, 'Axioma W1: unsupported fPort 1 (data frames use 100, alarm frames 103)'],
  ['empty', new Uint8Array(0), 100, 'Axioma W1: payload is 0 bytes: not the 51-byte 24 h frame, nor a log frame (a log frame has at least 17 bytes)'],
  [
    'a 24 h frame one byte short',
    vector().slice(0, 50),
    100,
    'Axioma W1: payload is 50 bytes: not the 51-byte 24 h frame, nor a log frame (in either layout, its log time is not within 31 days before its meter time, or its log volume is above its current volume)',
  ],
  [
    'a 24 h frame of version 2',
    Object.assign(vector(), { 0: 2 }),
    100,
    'Axioma W1: unsupported frame version 0x02, nor a log frame (in either layout, its log time is not within 31 days before its meter time, or its log volume is above its current volume)',
  ],
  ['an alarm frame on fPort 100', Uint8Array.of(0, 0, 0, 0, 0x20), 100, 'Axioma W1: payload is 5 bytes: not the 51-byte 24 h frame, nor a log frame (a log frame has at least 17 bytes)'],
])('refused: %s', (_, bytes, fPort, reason) => {
  expect(refusal(bytes, fPort)).toBe(reason);
});

test('a log frame that fits both layouts is refused', () => {
  const b = Buffer.alloc(25);
  b.writeUInt32LE(0x6a9aff00, 0);
  b.writeUInt32LE(0xffffffff, 5);
  Buffer.from([0x00, 0x10, 0x9a, 0x6a, 0x9a, 0x6a]).copy(b, 9);
  expect(refusal(new Uint8Array(b), 100)).toBe('Axioma W1: a 25-byte log frame refused rather than guessed: it fits both log layouts, with and without the temperature');
});
