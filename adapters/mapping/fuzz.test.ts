/**
 * Bounded fuzzing with a fixed seed: random mutations of the example payloads (and random bodies).
 * Only FeedError may escape; whatever is accepted must be a well-formed translation.
 */
import fs from 'node:fs';
import { FeedError, type Translation } from '../../src/ingest/types';
import { mappingAdapter } from './adapter';
import { loadMappingFile } from './load';
import { env, EXAMPLES, exampleFile, message } from './test-support.fixture';
import { prng } from '../../test/support/prng';


const rand = prng(0x3a9);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const WEIRD: readonly unknown[] = [null, true, false, 0, -1, 1e308, -1e308, 3.5, 1788328800, '', 'x', '85', 'NaN', '2026-09-02T06:00:00Z', 'a:b', [], [1, 'a'], {}, { a: 1 }, { constructor: 1 }, '__proto__'];

type Path = (string | number)[];
function paths(x: unknown, prefix: Path = []): Path[] {
  if (typeof x !== 'object' || x === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x);
  return [prefix, ...keys.flatMap((k) => paths((x as Record<string | number, unknown>)[k], [...prefix, k]))];
}

function mutate(doc: unknown): unknown {
  const copy = structuredClone(doc);
  const all = paths(copy);
  for (let n = 1 + int(3); n > 0; n--) {
    const p = pick(all);
    if (p.length === 0) return structuredClone(pick(WEIRD));
    const parent = p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], copy) as Record<string | number, unknown> | undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    const key = p[p.length - 1];
    if (rand() < 0.3) delete parent[key];
    else parent[key] = structuredClone(pick(WEIRD));
  }
  return copy;
}

function wellFormed(t: Translation): void {
  for (const e of t.entities) {
    expect(e.id).toMatch(/^urn:ngsi-ld:[A-Za-z]+:eclor:[A-Za-z0-9._~-]+$/);
    for (const [k, a] of Object.entries(e)) {
      if (k === 'id' || k === 'type') continue;
      expect(['Property', 'Relationship', 'GeoProperty']).toContain((a as { type: string }).type);
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    }
  }
}

describe.each(EXAMPLES)('%s', (name) => {
  const adapter = mappingAdapter(loadMappingFile(exampleFile(name, '.yaml')));
  const input = JSON.parse(fs.readFileSync(exampleFile(name, '.input.json'), 'utf8')) as unknown;

  test('1,500 mutated payloads give a translation or a FeedError', () => {
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const doc = rand() < 0.1 ? [mutate(input), mutate(input)] : mutate(input);
      const body = rand() < 0.05 ? JSON.stringify(doc).slice(0, int(200)) : JSON.stringify(doc);
      try {
        wellFormed(adapter.handle(message(body), env));
        accepted++;
      } catch (err) {
        if (!(err instanceof FeedError)) throw new Error(`${body}: ${String(err)}`);
        expect([400, 413, 422]).toContain(err.status);
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });
});
