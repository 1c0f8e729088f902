/**
 * Bounded fuzz test with a fixed seed: random mutations of the fixtures, random JSON and random text.
 * Only FeedError (400 decode / 422 translate) may escape, and whatever is accepted yields entities
 * that are valid Smart Data Models merge fragments.
 */
import { FeedError, type IngestMessage } from '../../src/ingest/types';
import { talqGroupsAdapter, talqLogReportAdapter } from './index';
import { createSdmValidator } from '../sdm-validate.fixture';
import { env, fixtureCases, logReportMessage, readInput } from './test-support.fixture';
import { prng } from '../../test/support/prng';

const sdm = createSdmValidator();
const SEED = 20250115;
const ITERATIONS = 1500;


const rnd = prng(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

const STRINGS = ['', 'lampFailure', 'actualLightState', 'activePower', 'LevelState', 'AttributeFloat', 'AttributeLevelState', 'EventLogData', 'StateChangeEventLogData',
  'AttributeLogData', '2025-01-15T05:00:00Z', '2025-02-30T00:00:00Z', 'not a date', '/', 'ü:/%', 'ON', 'totalPower', 'location', 'AttributeLocation', 'x'.repeat(300)];
const NUMBERS = [0, -1, 1, 50, 100, 101, 1e308, -1e308, 0.5, 2 ** 53, -0.0001];

function randomJson(depth = 0): unknown {
  switch (int(depth > 3 ? 4 : 6)) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: return pick(NUMBERS);
    case 3: return pick(STRINGS);
    case 4: return Array.from({ length: int(4) }, () => randomJson(depth + 1));
    default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['type', 'value', 'name', 'entries', 'data', 'srcAddress', 'timestamp', 'latitude', 'state', 'command', ...STRINGS]), randomJson(depth + 1)]));
  }
}

/** All container paths of a JSON value. */
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (typeof v === 'object' && v !== null) {
    out.push(v as Record<string, unknown>);
    for (const c of Object.values(v)) containers(c, out);
  }
  return out;
}

function mutate(doc: unknown): unknown {
  const targets = containers(doc);
  for (let k = 0, n = 1 + int(3); k < n && targets.length > 0; k++) {
    const t = pick(targets);
    const keys = Object.keys(t);
    if (keys.length === 0) continue;
    const key = pick(keys);
    const rec = t as Record<string, unknown>;
    const op = int(5);
    if (op === 0) delete rec[key];
    else if (op === 1) rec[key] = randomJson();
    else if (op === 2 && typeof rec[key] === 'number') rec[key] = pick(NUMBERS);
    else if (op === 3 && Array.isArray(t)) t.push(structuredClone(t[int(t.length)]));
    else rec[key] = pick(STRINGS);
  }
  return doc;
}

function envelope(): Partial<IngestMessage> {
  if (rnd() > 0.1) return {};
  return pick<Partial<IngestMessage>>([{ headers: {} }, { headers: { 'talq-api-version': pick(['1.0', '2.7.1', '9', '']) } }, { query: {} }, { query: { clientAddress: pick(STRINGS), talqRequestId: pick(STRINGS) } }]);
}

describe('lighting/talq fuzz (seed 20250115)', () => {
  it(`${ITERATIONS} random inputs: only FeedError escapes; accepted entities are valid SDM fragments`, () => {
    const cases = fixtureCases();
    const outcomes = { accepted: 0, refused: 0, 400: 0, 422: 0 } as Record<string, number>;
    for (let i = 0; i < ITERATIONS; i++) {
      const name = pick(cases);
      const kind = int(10);
      let body: string;
      if (kind < 7) body = JSON.stringify(mutate(JSON.parse(readInput(name))));
      else if (kind < 9) body = JSON.stringify(randomJson());
      else { const text = readInput(name); body = text.slice(0, int(text.length)); }
      const adapter = name.startsWith('groups-') ? talqGroupsAdapter : talqLogReportAdapter;
      try {
        const t = adapter.handle(logReportMessage(body, envelope()), env);
        for (const e of t.entities) {
          const errors = sdm.errors(e, { partial: true });
          if (errors.length) throw new Error(`invalid entity from ${body}: ${JSON.stringify(errors)}`);
        }
        if (t.refused?.length) outcomes.refused++;
        else outcomes.accepted++;
      } catch (err) {
        if (!(err instanceof FeedError)) throw new Error(`non-FeedError ${String(err)} for body ${body}`);
        expect([400, 422]).toContain(err.status);
        outcomes[err.status]++;
      }
    }
    expect(outcomes.accepted).toBeGreaterThan(50);
    expect(outcomes[400]).toBeGreaterThan(50);
    // a value out of range refuses its device (a part of the report), not the report
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
