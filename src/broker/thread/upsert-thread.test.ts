/**
 * The ingest write thread on real SQLite files and a real worker thread: answers as the embedded batch
 * upsert does, only once committed, shares the file with the main connection (versions, write lock,
 * change feed), commits what it holds when it closes, and when it dies (here: past its heap bound,
 * halfway through a transaction) fails its writes alone, leaving the file unlocked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBroker } from '../create-broker';
import { createContextResolver } from '../../ngsi-ld/context';
import { NgsiError } from '../../ngsi-ld/errors';
import { batchUpsert } from '../operations/batch-upsert';
import type { Broker, RequestContext } from '../request';
import { openTenantDb } from '../store/tenant-db';
import type { EntityChange } from '../store/types';
import { createUpsertThread, type UpsertThread } from './upsert-thread';

const SDM = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld';
const contexts = createContextResolver();
let dir: string;
let broker: Broker & { close(): void };
let thread: UpsertThread;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-thread-'));
  broker = createBroker({ dataDir: dir });
  thread = createUpsertThread();
});
afterEach(() => {
  thread.close();
  broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const meter = (n: number, attrs: Record<string, number> = { acquisitionStageFlow: n }) => ({
  id: `urn:ngsi-ld:WaterConsumptionObserved:m${n}`,
  type: 'WaterConsumptionObserved',
  ...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'Property', value: v }])),
});
async function request(body: unknown[], params: Record<string, string> = {}): Promise<RequestContext> {
  return { ctx: await contexts.resolve(SDM), responseContext: undefined, params, body, accept: 'application/json' };
}
const upsert = async (body: unknown[], params?: Record<string, string>) => thread.upsert(broker, await request(body, params));
const valueOf = (id: string, term: string) => broker.tenants.forRead(undefined).get(id)?.attrs[contexts.resolveSync(SDM)!.expand(term)]?.[0]?.value;

it('writes on its own connection and answers once the write is committed, as the batch upsert does', async () => {
  expect(await upsert([meter(1), meter(2)])).toEqual({ status: 201, body: [meter(1).id, meter(2).id] });
  // another connection, opened after the answer, reads them: they are committed
  const other = openTenantDb(path.join(dir, 'default.sqlite'));
  expect(other.has(meter(1).id) && other.has(meter(2).id)).toBe(true);
  other.close();
  expect(await upsert([meter(1, { acquisitionStageFlow: 7 })])).toEqual({ status: 204 });
  expect(valueOf(meter(1).id, 'acquisitionStageFlow')).toBe(7);
  // options=update merges: the attribute written before stays
  expect(await upsert([meter(1, { totalActiveVolume: 3 })], { options: 'update' })).toEqual({ status: 204 });
  expect([valueOf(meter(1).id, 'acquisitionStageFlow'), valueOf(meter(1).id, 'totalActiveVolume')]).toEqual([7, 3]);
});

it('refuses a bad item alone (207) and a bad request whole (NgsiError, nothing written)', async () => {
  const res = await upsert([meter(1), { id: 'urn:ngsi-ld:WaterConsumptionObserved:no-type' }, meter(2)]);
  expect(res.status).toBe(207);
  expect(res.body).toMatchObject({ success: [meter(1).id, meter(2).id], errors: [{ entityId: 'urn:ngsi-ld:WaterConsumptionObserved:no-type', error: { status: 400 } }] });
  await expect(upsert([meter(3)], { options: 'replace,update' })).rejects.toBeInstanceOf(NgsiError);
  await expect(upsert([])).rejects.toBeInstanceOf(NgsiError);
  expect(broker.tenants.forRead(undefined).has(meter(3).id)).toBe(false);
});

it('gives versions unique across its connection and the main one', async () => {
  await upsert([meter(999)]); // the thread is up
  // the thread and the embedded broker write at once, on different entities
  const writes: Array<Promise<unknown>> = [];
  for (let i = 0; i < 40; i++) {
    writes.push(upsert([meter(i)]));
    writes.push(request([meter(100 + i)]).then((req) => batchUpsert(broker, req)));
  }
  await Promise.all(writes);
  const store = broker.tenants.forRead(undefined);
  const versions = [...Array(40).keys()].flatMap((i) => [store.getRow(meter(i).id)!.ver, store.getRow(meter(100 + i).id)!.ver]);
  versions.push(store.getRow(meter(999).id)!.ver);
  expect(new Set(versions).size).toBe(81);
});

it('shares one entity with the main connection without losing a write of either', async () => {
  await upsert([meter(1)]);
  const mainSide = async () => {
    for (let i = 1; i <= 30; i++) await batchUpsert(broker, await request([meter(1, { totalActiveVolume: i })], { options: 'update' }));
  };
  const threadSide = async () => {
    for (let i = 1; i <= 30; i++) await upsert([meter(1, { acquisitionStageFlow: i })], { options: 'update' });
  };
  await Promise.all([mainSide(), threadSide()]);
  expect([valueOf(meter(1).id, 'acquisitionStageFlow'), valueOf(meter(1).id, 'totalActiveVolume')]).toEqual([30, 30]);
});

it("reports its commits to the main connection's change feed before it answers", async () => {
  const seen: EntityChange[] = [];
  broker.tenants.forRead(undefined).setChangeListener((changes) => seen.push(...changes));
  await upsert([meter(1)]);
  expect(seen.map((c) => [c.id, c.before === undefined, typeof c.after])).toEqual([[meter(1).id, true, 'string']]);
  await upsert([meter(1, { acquisitionStageFlow: 5 })]);
  expect(seen).toHaveLength(2);
  expect(JSON.parse(seen[1].before!).attrs).not.toEqual(JSON.parse(seen[1].after!).attrs);
  // no listener: no changes sent
  broker.tenants.forRead(undefined).setChangeListener(undefined);
  await upsert([meter(2)]);
  expect(seen).toHaveLength(2);
});

it('keeps the commit order in the change feed when both connections write one entity at once', async () => {
  const feed: EntityChange[] = [];
  broker.tenants.forRead(undefined).setChangeListener((changes) => feed.push(...changes));
  await upsert([meter(999)]); // the thread is up
  // each entity created by the thread and, at once, updated by the main connection
  await Promise.all(
    Array.from({ length: 150 }, async (_, i) => {
      const req = await request([meter(i, { totalActiveVolume: i })], { options: 'update' });
      return Promise.all([upsert([meter(i)]), batchUpsert(broker, req)]);
    }),
  );
  const byEntity = new Map<string, EntityChange[]>();
  for (const c of feed) byEntity.set(c.id, [...(byEntity.get(c.id) ?? []), c]);
  for (let i = 0; i < 150; i++) {
    const changes = byEntity.get(meter(i).id)!;
    // every change reported, the creation first, versions rising: nothing lost or out of order
    expect(changes.map((c) => c.before === undefined)).toEqual([true, false]);
    expect(changes[0].ver).toBeLessThan(changes[1].ver);
    expect(changes[1].before).toBe(changes[0].after);
  }
});

it('commits the writes it holds when it closes, then writes in place', async () => {
  const sent = Array.from({ length: 20 }, (_, i) => upsert([meter(i)]).catch((err: Error) => err));
  await new Promise((ok) => setTimeout(ok, 0)); // the requests are on their way to the thread
  thread.close();
  const outcomes = await Promise.all(sent);
  const store = broker.tenants.forRead(undefined);
  // answered or not, every write sent before the close is committed
  expect([...Array(20).keys()].filter((i) => !store.has(meter(i).id))).toEqual([]);
  for (const o of outcomes) if (o instanceof Error) expect(o.message).toMatch(/closed/);
  expect(await upsert([meter(30)])).toEqual({ status: 201, body: [meter(30).id] });
});

it('writes in place for an in-memory tenant, which no other connection can open', async () => {
  const memory = createBroker({ dataDir: ':memory:' });
  try {
    expect(await thread.upsert(memory, await request([meter(1)]))).toEqual({ status: 201, body: [meter(1).id] });
    expect(memory.tenants.forRead(undefined).has(meter(1).id)).toBe(true);
  } finally {
    memory.close();
  }
});

it('fails the writes of a thread that dies, leaves no lock behind, and starts a new thread for the next write', async () => {
  thread.close();
  // a thread whose heap cannot hold a 24 MB value twice: Node stops it halfway through the write
  thread = createUpsertThread({ heapLimitMb: 48 });
  expect(await upsert([meter(1)])).toEqual({ status: 201, body: [meter(1).id] });
  const huge = { ...meter(2), description: { type: 'Property', value: 'x'.repeat(24 << 20) } };
  await expect(upsert([huge])).rejects.toThrow(/ingest write thread stopped/);
  const store = broker.tenants.forRead(undefined);
  expect(store.has(meter(2).id)).toBe(false); // nothing of it written
  // the file is not left locked: the main connection writes, and a new thread does
  expect(await batchUpsert(broker, await request([meter(3)]))).toEqual({ status: 201, body: [meter(3).id] });
  expect(await upsert([meter(4), meter(1, { acquisitionStageFlow: 9 })])).toEqual({ status: 201, body: [meter(4).id] });
  expect([store.has(meter(4).id), valueOf(meter(1).id, 'acquisitionStageFlow')]).toEqual([true, 9]);
});
