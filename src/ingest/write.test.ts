/**
 * The in-process write stage on the embedded broker: a translation larger than a batch goes in
 * slices, and a broker failing between slices is retried, then reported with what was written.
 */
import { createBroker } from '../broker/create-broker';
import { MAX_BATCH } from '../broker/operations/batch';
import type { Broker } from '../broker/request';
import type { EntityStore } from '../broker/store/types';
import { createContextResolver } from '../ngsi-ld/context';
import { createIngest } from './create-ingest';
import { runMessage } from './run-message';
import { createWriter, PartialWriteError } from './write';
import type { Adapter, Translation } from './types';

const CTX = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';
const devices = (n: number): Translation => ({
  context: [CTX],
  entities: Array.from({ length: n }, (_, i) => ({ id: `urn:ngsi-ld:Device:w:${i}`, type: 'Device', batteryLevel: { type: 'Property', value: 0.5 } })),
});

/** The embedded broker, whose store write number `failing` (1-based, every time it is tried) fails as a disk would. */
function brokerFailingAt(failing: number): { broker: Broker & { close(): void }; tries: () => number } {
  const real = createBroker({ dataDir: ':memory:' });
  let tries = 0;
  const forWrite = (name: string | undefined): EntityStore => {
    const store = real.tenants.forWrite(name);
    return new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'write'
          ? <T>(fn: () => T) => (++tries >= failing ? Promise.reject(new Error('disk I/O error')) : target.write(fn))
          : Reflect.get(target, key, receiver),
    });
  };
  const broker = Object.assign(Object.create(real) as typeof real, { tenants: { ...real.tenants, forWrite } });
  return { broker, tries: () => tries };
}

it('writes more than MAX_BATCH entities in slices', async () => {
  const broker = createBroker({ dataDir: ':memory:' });
  try {
    const out = await createWriter({ broker, contexts: createContextResolver({}) })(devices(MAX_BATCH + 3));
    expect(out.written).toHaveLength(MAX_BATCH + 3);
    expect(out.failed).toEqual([]);
    expect(broker.tenants.forRead(undefined).has(`urn:ngsi-ld:Device:w:${MAX_BATCH + 2}`)).toBe(true);
  } finally {
    broker.close();
  }
});

it('a broker failing after the first slice: retried, then a PartialWriteError naming what was written', async () => {
  const { broker, tries } = brokerFailingAt(2);
  try {
    const write = createWriter({ broker, contexts: createContextResolver({}), attempts: 3, backoffMs: 1 });
    const err = await write(devices(MAX_BATCH + 1)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PartialWriteError);
    expect((err as PartialWriteError).written).toHaveLength(MAX_BATCH);
    expect(((err as PartialWriteError).cause as Error).message).toBe('disk I/O error');
    expect(tries()).toBe(4); // the first slice, then the second one 3 times
  } finally {
    broker.close();
  }
});

it('a broker failing at once: the error itself, nothing written', async () => {
  const { broker } = brokerFailingAt(1);
  try {
    const err = await createWriter({ broker, contexts: createContextResolver({}), attempts: 2, backoffMs: 1 })(devices(3)).then(() => undefined, (e: unknown) => e);
    expect(err).not.toBeInstanceOf(PartialWriteError);
    expect((err as Error).message).toBe('disk I/O error');
  } finally {
    broker.close();
  }
});

it('a message whose write fails part-way: a 503 dead letter that says how much was written, and the counters agree', async () => {
  const { broker } = brokerFailingAt(2);
  const many: Adapter = { name: 'test/many', path: '/ingest/test/many', contentTypes: ['text/plain'], handle: (msg) => devices(Number(msg.body)) };
  const ingest = createIngest({ broker, contexts: createContextResolver({}), adapters: [many], dataDir: ':memory:', maxBody: 4096 });
  try {
    const out = await runMessage(many, { body: String(MAX_BATCH + 1), query: {}, headers: {}, receivedAt: '2026-11-22T00:00:00.000Z' }, ingest.routes, 'text/plain');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toMatchObject({ stage: 'write', status: 503 });
    expect(out.error.message).toBe(`unexpected write failure: disk I/O error; ${MAX_BATCH} entities of the message, before the fault, were written, the rest was not`);
    expect(out.writtenCount).toBe(MAX_BATCH);
    expect(ingest.routes.deadLetters.get(out.deadLetter)).toMatchObject({ stage: 'write', bodyKept: true, payload: String(MAX_BATCH + 1) });
    expect(ingest.routes.stats.of('test/many')).toMatchObject({ received: 1, written: MAX_BATCH, rejected: 1 });
  } finally {
    ingest.close();
    broker.close();
  }
});
