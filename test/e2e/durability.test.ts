/**
 * Durability: a real server process (src/main.ts) takes batch creates on loopback and is killed with
 * SIGKILL while requests are in flight; after the restart every acknowledged entity is on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTenantRegistry } from '../../src/broker/store/tenants';

const ROOT = path.resolve(__dirname, '../..');
const BATCHES = 400;
const PER_BATCH = 50;

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test/support/ts-register.js'), path.join(ROOT, 'src/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const batch = (b: number) =>
  Array.from({ length: PER_BATCH }, (_, i) => ({
    id: `urn:ngsi-ld:WaterConsumptionObserved:dur:${b}-${i}`,
    type: 'WaterConsumptionObserved',
    acquisitionStageFlow: { type: 'Property', value: b * PER_BATCH + i, unitCode: 'LTR', observedAt: '2024-01-01T00:00:00Z' },
  }));

it('keeps every acknowledged entity through kill -9', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-dur-'));
  const { child, port } = await startServer(dataDir);
  const acked: string[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < BATCHES && !killed) {
      const b = next++;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/ngsi-ld/v1/entityOperations/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch(b)),
        });
        if (res.status === 201) acked.push(...((await res.json()) as string[]));
      } catch {
        // the connection died with the server: this batch was not acknowledged
      }
      if (b === 60 && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  };
  const exited = new Promise((ok) => child.on('exit', ok));
  await Promise.all([worker(), worker(), worker(), worker()]);
  await exited;
  expect(acked.length).toBeGreaterThanOrEqual(50 * PER_BATCH);

  const reg = createTenantRegistry({ dataDir });
  const store = reg.forRead(undefined);
  const missing = acked.filter((id) => !store.get(id));
  reg.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  expect(missing).toEqual([]);
}, 120000);

it('keeps the DATEX II site parts waiting for their first measurement through kill -9', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-dur-'));
  const fixture = (name: string) => fs.readFileSync(path.join(ROOT, 'adapters/mobility/fixtures', `${name}.input.xml`), 'utf8');
  const post = (port: number, body: string) =>
    fetch(`http://127.0.0.1:${port}/ingest/mobility/datex2`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
  let { child, port } = await startServer(dataDir);
  const table = await post(port, fixture('v2-site-table-soap'));
  expect(table.status).toBe(202);
  const held = ((await table.json()) as { held: string[] }).held;
  expect(held.length).toBeGreaterThan(1);
  let exited = new Promise((ok) => child.on('exit', ok));
  child.kill('SIGKILL');
  await exited;

  ({ child, port } = await startServer(dataDir));
  try {
    const waiting = await fetch(`http://127.0.0.1:${port}/ingest/waiting?limit=1000`);
    expect(((await waiting.json()) as Array<{ entity: { id: string } }>).map((p) => p.entity.id).sort()).toEqual([...held].sort());
    // the measurement of one site: written with the site's table part, which waits no more
    expect((await post(port, fixture('v2-soap-measured-data'))).status).toBe(204);
    const site = held.find((id) => id.endsWith('PZH01_MST_0629_00:4'))!; // indexes 4 and 8 are measured
    const link = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
    const got = await fetch(`http://127.0.0.1:${port}/ngsi-ld/v1/entities/${encodeURIComponent(site)}?options=keyValues`, { headers: { link } });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ laneId: expect.anything(), dateObserved: expect.any(String) });
    const left = (await (await fetch(`http://127.0.0.1:${port}/ingest/waiting?limit=1000`)).json()) as Array<{ entity: { id: string } }>;
    expect(left.map((p) => p.entity.id)).not.toContain(site);
  } finally {
    exited = new Promise((ok) => child.on('exit', ok));
    child.kill('SIGKILL');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120000);
