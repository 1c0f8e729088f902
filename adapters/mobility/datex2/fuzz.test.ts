/**
 * Bounded fuzz with a fixed seed: mutated fixtures (byte flips, deletions, insertions of XML
 * punctuation, truncations, duplicated slices) must either translate or throw a FeedError — nothing
 * else may escape, through `handle` or `handleStream`.
 */
import { FeedError } from '../../../src/ingest/types';
import { byteChunks, fixtureCases, handle, handleStream, readInput } from '../test-support.fixture';
import { prng } from '../../../test/support/prng';


const PIECES = ['<', '>', '/', '"', '&', '&amp;', '&#0;', ']]>', '<![CDATA[', '-1', 'NaN', '1e309', '<x>', '</x>', 'xsi:type="Foo"', '\u0000', '\uFFFF', 'é', ' index="-3"', '<!DOCTYPE x [<!ENTITY a "b">]>'];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * s.length);
    switch (Math.floor(rnd() * 5)) {
      case 0: s = s.slice(0, at) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + s.slice(at + 1); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20)); break;
      case 2: s = s.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + s.slice(at); break;
      case 3: s = s.slice(0, at); break;
      default: { const len = Math.floor(rnd() * 200); s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at); }
    }
  }
  return s;
}

function onlyFeedErrors(run: () => unknown): 'ok' | 'feed-error' {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (!(err instanceof FeedError)) throw err;
    expect(err.stage).toBe('decode');
    expect([400, 422]).toContain(err.status);
    return 'feed-error';
  }
}

describe('fuzz (seed 20250815)', () => {
  const rnd = prng(20250815);
  const inputs = fixtureCases().map(readInput);
  const mutants = Array.from({ length: 600 }, (_, i) => mutate(inputs[i % inputs.length], rnd));

  it('handle: only FeedError escapes', () => {
    const outcomes = mutants.map((m) => onlyFeedErrors(() => handle(m)));
    // Both outcomes happen, so the fuzz exercises the translator as well as the error path.
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('feed-error');
  });

  it('handleStream: only FeedError escapes', async () => {
    for (const m of mutants.slice(0, 150)) {
      try {
        await handleStream(byteChunks(m, 1 + Math.floor(rnd() * 64)));
      } catch (err) {
        expect(err).toBeInstanceOf(FeedError);
      }
    }
  });
});
