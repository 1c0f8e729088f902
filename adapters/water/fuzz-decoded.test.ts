/**
 * Bounded fuzzing with a fixed seed for the Sensus iPERL codec and the network-decoded payload
 * readers (fuzz.test.ts mutates every fixture, the decoded ones included). Only FeedError may escape;
 * whatever is accepted must be a well-formed reading.
 */
import { FeedError } from '../../src/ingest/types';
import { prng } from '../../test/support/prng';
import { readDecodedObject, type NetworkReading } from './lorawan/decoded-payload';
import { readNormalized, waterMeasurement } from './lorawan/normalized-payload';
import { decodeSensusIperl } from './lorawan/sensus-iperl';
import type { MeterReading } from './lorawan/types';

const rand = prng(0x1be7);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function attempt<T>(run: () => T, what: () => string): T | undefined {
  try {
    return run();
  } catch (err) {
    if (err instanceof FeedError && err.status === 422) return undefined;
    throw new Error(`${what()}: ${String(err)}`);
  }
}

function wellFormed(r: MeterReading & { volumeLitres: number }): void {
  expect(Number.isSafeInteger(r.volumeLitres) && r.volumeLitres >= 0).toBe(true);
  expect(r.time).toMatch(ISO);
  expect(Object.values(r.flags).every((f) => typeof f === 'boolean')).toBe(true);
}

/** The Device Repository's iPERL frame, mutated below. */
const IPERL = Buffer.from('7a06040000' + '8404133a1c7e01' + '84046d2a2d1336' + '8d04931318d23c' + '34002e0034002e0039002e0034002e00340033003400', 'hex');

test('Sensus iPERL decoder: 2,000 random and mutated frames give a frame or a FeedError', () => {
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    let frame: Uint8Array;
    if (rand() < 0.6) {
      frame = Uint8Array.from(IPERL);
      for (let m = 1 + int(3); m > 0; m--) frame[int(frame.length)] = int(256);
      if (rand() < 0.2) frame = frame.subarray(0, int(frame.length + 1));
    } else {
      frame = bytes(int(80));
      if (frame.length > 0) frame[0] = pick([0x78, 0x7a, 0x72, int(256)]);
    }
    const port = rand() < 0.9 ? 20 : int(256);
    const receivedAt = rand() < 0.5 ? '2026-09-03T00:00:05.000Z' : undefined;
    const f = attempt(() => decodeSensusIperl(frame, port, receivedAt), () => `frame ${Buffer.from(frame).toString('hex')} port ${port}`);
    if (!f) continue;
    decoded++;
    wellFormed(f);
  }
  expect(decoded).toBeGreaterThan(300);
});

const KEYS = ['volume', 'current_volume_m3', 'total_m3', 'index_l', 'Index', 'unit', 'volumeUnit', 'time', 'timestamp', 'timestamp_unix', 'leakage', 'burst', 'reverse_flow', 'alarms', 'flags', 'data', 'decoded', 'metering', 'water', 'value', 'total', 'leak', 'constructor', '__proto__'];
const VALUES: readonly (() => unknown)[] = [
  () => int(1e6) / pick([1, 10, 1000]),
  () => -int(100),
  () => pick([1e308, -0, Number.MAX_SAFE_INTEGER, 1788390574, 1788390574123]),
  () => pick(['m3', 'L', 'litres', 'gal', '', 'x', '2026-09-02T23:09:34Z', '2026-02-30T00:00:00Z', 'LOW_BATTERY', 'medium']),
  () => pick([true, false, null, 1, 0]),
  () => [pick(['LEAK', 'BURST', 'x']), int(3)],
];

/** A random JSON value up to `depth` levels of objects. */
function randomValue(depth: number): unknown {
  if (depth > 0 && rand() < 0.3) return randomObject(depth - 1);
  return pick(VALUES)();
}
function randomObject(depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let n = int(6); n > 0; n--) Object.defineProperty(o, pick(KEYS), { value: randomValue(depth), enumerable: true, writable: true, configurable: true });
  return o;
}

test('decoded objects: 3,000 random objects and specs give a reading or a FeedError', () => {
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const o = rand() < 0.9 ? randomObject(2) : randomValue(0);
    const spec = rand() < 0.5 ? {} : { field: pick(['volume', 'data.volume', 'a.b.c', 'values.0', 'total', 'constructor', '']), unit: rand() < 0.7 ? pick(['m3', 'L', 'kg']) : undefined };
    const r = attempt<NetworkReading>(() => readDecodedObject(JSON.parse(JSON.stringify(o) ?? 'null'), spec, 'object', '2026-09-03T00:00:05.000Z'), () => `${JSON.stringify(o)} ${JSON.stringify(spec)}`);
    if (!r) continue;
    accepted++;
    wellFormed(r);
  }
  expect(accepted).toBeGreaterThan(50);
});

test('normalized payloads: 2,000 random lists give a reading or none', () => {
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const list = Array.from({ length: int(4) }, () => (rand() < 0.5 ? { metering: { water: { total: randomValue(0) } }, time: randomValue(0), water: { leak: randomValue(0) } } : randomObject(1)));
    const m = waterMeasurement(JSON.parse(JSON.stringify(list)));
    if (!m) continue;
    accepted++;
    wellFormed(readNormalized(m, '2026-09-03T00:00:05.000Z'));
  }
  expect(accepted).toBeGreaterThan(100);
});
