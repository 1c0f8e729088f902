import { createBatchingWriter } from './batching-writer';
import type { Translation } from './types';
import type { WriteOutcome } from './write';

const t = (ids: string[], context = ['c1'], mode: Translation['mode'] = 'merge'): Translation => ({ context, mode, entities: ids.map((id) => ({ id, type: 'T' })) });

function recorder(fail: string[] = []) {
  const calls: Translation[] = [];
  const inner = async (x: Translation): Promise<WriteOutcome> => {
    calls.push(x);
    const ids = x.entities.map((e) => e.id);
    return { written: ids.filter((i) => !fail.includes(i)), failed: fail.filter((i) => ids.includes(i)).map((entityId) => ({ entityId, reason: 'bad' })), retries: 1 };
  };
  return { calls, inner };
}

describe('createBatchingWriter', () => {
  it('merges the messages of a short window into one write and splits the outcome back', async () => {
    const r = recorder(['urn:b']);
    const write = createBatchingWriter(r.inner, { maxDelayMs: 20 });
    const [a, b, c] = await Promise.all([write(t(['urn:a'])), write(t(['urn:b', 'urn:c'])), write(t(['urn:d'], ['c2']))]);
    expect(r.calls).toHaveLength(2); // one per context
    expect(r.calls[0].entities.map((e) => e.id)).toEqual(['urn:a', 'urn:b', 'urn:c']);
    expect(a).toEqual({ written: ['urn:a'], failed: [], retries: 1 });
    expect(b).toEqual({ written: ['urn:c'], failed: [{ entityId: 'urn:b', reason: 'bad' }], retries: 0 });
    expect(c.written).toEqual(['urn:d']);
  });
  it('flushes at maxEntities without waiting, and writes a large translation on its own', async () => {
    const r = recorder();
    const write = createBatchingWriter(r.inner, { maxEntities: 3, maxDelayMs: 10_000 });
    await Promise.all([write(t(['urn:1', 'urn:2'])), write(t(['urn:3']))]);
    expect(r.calls).toHaveLength(1);
    await write(t(['urn:4', 'urn:5', 'urn:6', 'urn:7']));
    expect(r.calls).toHaveLength(2);
  });
  it('fails every message of a batch when the write fails', async () => {
    const write = createBatchingWriter(async () => {
      throw new Error('broker down');
    }, { maxDelayMs: 5 });
    const results = await Promise.allSettled([write(t(['urn:a'])), write(t(['urn:b']))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });
});
