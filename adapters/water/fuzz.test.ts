/**
 * Bounded fuzzing with a fixed seed: random frames for the decoder, random mutations of the fixture
 * inputs for every adapter. Only FeedError may escape; whatever is accepted must be well-formed.
 */
import { FeedError, type Translation } from '../../src/ingest/types';
import { createSdmValidator } from '../sdm-validate.fixture';
import { fixtureCases, fixtureEnv, isFragment, type FixtureCase } from './fixture-runner.fixture';
import { decodeAxiomaW1 } from './lorawan/axioma-w1';
import { decodeAxiomaW1Uplink } from './lorawan/axioma-w1-uplink';
import { decodeKamstrupFlowIq } from './lorawan/kamstrup-flowiq2200';
import { prng } from '../../test/support/prng';


const rand = prng(0xec10);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));

function onlyFeedErrors(run: () => unknown, what: () => string): unknown {
  try {
    return run();
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw new Error(`${what()}: ${String(err)}`);
  }
}

test('decoder: 2,000 random frames give a frame or a FeedError', () => {
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    const frame = bytes(rand() < 0.7 ? 51 : int(64));
    if (rand() < 0.5) frame[0] = 1;
    const port = rand() < 0.8 ? 100 : int(256);
    const out = onlyFeedErrors(() => decodeAxiomaW1(frame, port), () => `frame ${Buffer.from(frame).toString('hex')} port ${port}`);
    if (out instanceof FeedError) continue;
    decoded++;
    const f = out as ReturnType<typeof decodeAxiomaW1>;
    expect(Number.isSafeInteger(f.volumeLitres)).toBe(true);
    expect(f.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(f.hourlyDeltasLitres.every((d) => d >= 0 && d < 16384)).toBe(true);
  }
  expect(decoded).toBeGreaterThan(500);
});

test('Axioma W1 uplinks (24 h, log and alarm frames): 2,000 random and mutated frames give a frame or a FeedError', () => {
  const counts = { '24h': 0, log: 0, 'log-temperature': 0, alarm: 0 };
  const t = 1_788_390_574; // 2026-09-02T23:09:34Z
  for (let i = 0; i < 2000; i++) {
    const port = pick([100, 100, 100, 103, int(256)]);
    const header = pick([17, 19]);
    const frame = bytes(port === 103 && rand() < 0.7 ? pick([4, 5, 5, 5, 6]) : rand() < 0.5 ? header + int(40) : int(64));
    if (rand() < 0.6 && frame.length >= header) {
      // a plausible log frame, mutated afterwards
      const v = new DataView(frame.buffer);
      v.setUint32(0, t, true);
      v.setUint32(5, 2_000_000 + int(1000), true);
      v.setUint32(header - 8, t - int(40 * 86_400), true);
      v.setUint32(header - 4, 2_000_000 - int(1000), true);
      if (rand() < 0.3) frame[int(frame.length)] = int(256);
    }
    if (rand() < 0.1) frame[0] = 1;
    const out = onlyFeedErrors(() => decodeAxiomaW1Uplink(frame, port), () => `frame ${Buffer.from(frame).toString('hex')} port ${port}`);
    if (out instanceof FeedError) continue;
    const f = out as ReturnType<typeof decodeAxiomaW1Uplink>;
    counts[f.layout]++;
    expect(f.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    if (f.layout === 'alarm') expect(f.volumeLitres).toBeUndefined();
    else expect(Number.isSafeInteger(f.volumeLitres) && f.volumeLitres >= 0).toBe(true);
    if (f.layout === 'log' || f.layout === 'log-temperature') {
      expect(f.logTimestamp <= f.timestamp && f.logVolumeLitres <= f.volumeLitres).toBe(true);
      expect(f.incrementsLitres.every((d) => Number.isInteger(d) && d >= 0 && d < 65_536)).toBe(true);
    }
  }
  expect(counts.log + counts['log-temperature']).toBeGreaterThan(300);
  expect(counts.alarm).toBeGreaterThan(5);
});

/** A documented flowIQ 2200 frame (integration guide example), mutated below. */
const FLOWIQ = Buffer.from('7a08000000446d002cfd284413c1aa77004d93131862012701220122012601220122012101270122012201' + '27012f', 'hex');

test('Kamstrup flowIQ decoder: 2,000 random and mutated frames give a frame or a FeedError', () => {
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    let frame: Uint8Array;
    if (rand() < 0.5) {
      frame = Uint8Array.from(FLOWIQ);
      for (let m = 1 + int(3); m > 0; m--) frame[int(frame.length)] = int(256);
      if (rand() < 0.2) frame = frame.subarray(0, int(frame.length + 1));
    } else {
      frame = bytes(int(80));
      if (frame.length > 0) frame[0] = pick([0x78, 0x7a, 0x72, int(256)]);
    }
    const port = rand() < 0.9 ? 1 : int(256);
    const receivedAt = rand() < 0.5 ? '2026-09-03T00:00:05.000Z' : undefined;
    const out = onlyFeedErrors(() => decodeKamstrupFlowIq(frame, port, receivedAt), () => `frame ${Buffer.from(frame).toString('hex')} port ${port}`);
    if (out instanceof FeedError) continue;
    decoded++;
    const f = out as ReturnType<typeof decodeKamstrupFlowIq>;
    expect(Number.isSafeInteger(f.volumeLitres) && f.volumeLitres >= 0).toBe(true);
    expect(f.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(f.profile.every((p) => Number.isSafeInteger(p.volumeLitres) && p.time < f.time)).toBe(true);
  }
  expect(decoded).toBeGreaterThan(300);
});

const WEIRD: readonly unknown[] = [null, true, 0, -1, 1e308, 3.5, '', 'x', '0101010101010101', '2026-09-02T23:10:02Z', 'not a date', [], [1, 'a'], {}, { a: 1 }];

function paths(x: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof x !== 'object' || x === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x);
  return [prefix, ...keys.flatMap((k) => paths((x as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** One random structural mutation of a JSON document (deep-copied). */
function mutateJson(doc: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const all = paths(copy).filter((p) => p.length > 0);
  if (all.length === 0) return pick(WEIRD);
  const p = pick(all);
  const parent = p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const key = p[p.length - 1];
  const op = int(4);
  if (op === 0) delete parent[key];
  else if (op === 1) parent[key] = pick(WEIRD);
  else if (op === 2) parent[key] = Buffer.from(bytes(int(60))).toString('base64');
  else parent[key] = typeof parent[key] === 'number' ? (parent[key] as number) * pick([-1, 0, 1000, 0.5]) : pick(WEIRD);
  return copy;
}

function mutateText(body: string): string {
  const at = int(body.length + 1);
  switch (int(4)) {
    case 0:
      return body.slice(0, at);
    case 1:
      return body.slice(0, at) + pick([';', '\n', '"', '{', ',', '\u0000', 'é', '-', '9']) + body.slice(at);
    case 2:
      return body.slice(0, at) + body.slice(at + 1 + int(5));
    default: {
      const lines = body.split('\n');
      const i = int(lines.length);
      const j = int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
  }
}

const sdm = createSdmValidator();

/** Accepted output is well-formed and valid for its Smart Data Model. */
function checkTranslation(t: Translation): void {
  expect(Array.isArray(t.entities)).toBe(true);
  for (const e of t.entities) {
    expect(e.id).toMatch(/^urn:ngsi-ld:[A-Za-z]+:[^:]+:/);
    expect(JSON.stringify(e)).not.toMatch(/NaN|Infinity|null/);
    expect(sdm.errors(e, { partial: isFragment(e) })).toEqual([]);
  }
}

const cases = fixtureCases();
const env = fixtureEnv();

test.each(['chirpstack', 'tts', 'quality', 'csv'])('%s: 2,000 mutated inputs give a translation or a FeedError', (prefix) => {
  const mine = cases.filter((c) => c.name.startsWith(`${prefix}-`));
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const base: FixtureCase = pick(mine);
    let body = base.message.body;
    const rounds = 1 + int(3);
    for (let r = 0; r < rounds; r++) {
      if (prefix !== 'csv' && rand() < 0.85) {
        try {
          body = JSON.stringify(mutateJson(JSON.parse(body)));
          continue;
        } catch {
          // an unparsable body stays text
        }
      }
      body = mutateText(body);
    }
    const message = { ...base.message, body };
    const out = onlyFeedErrors(() => base.adapter.handle(message, env), () => `${base.name} mutated to ${body.slice(0, 500)}`);
    if (out instanceof FeedError) continue;
    accepted++;
    checkTranslation(out as Translation);
  }
  expect(accepted).toBeGreaterThan(0);
});
