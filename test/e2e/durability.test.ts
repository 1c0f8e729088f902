/**
 * Durability: a real server process (src/main.ts) takes batch creates (the embedded broker's connection)
 * and ChirpStack uplinks (the ingest write thread's connection) on loopback and is killed with SIGKILL
 * while requests are in flight; after the restart every acknowledged write is on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTenantRegistry } from '../../src/broker/store/tenants';
import { createContextResolver } from '../../src/ngsi-ld/context';

const ROOT = path.resolve(__dirname, '../..');
const BATCHES = 400;
const PER_BATCH = 50;

function startServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test/support/ts-register.js'), path.join(ROOT, 'src/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
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

it('keeps every acknowledged uplink through kill -9 (written by the ingest write thread)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-dur-'));
  const METERS = 10;
  const eui = (m: number) => (m + 1).toString(16).padStart(16, '0');
  const territory = path.join(dataDir, 'territory.json');
  const devices = Array.from({ length: METERS }, (_, m) => ({ devEui: eui(m), meterId: `M-${m}`, codec: 'axioma-qalcosonic-w1', location: [3.87, 43.6] }));
  fs.writeFileSync(territory, JSON.stringify({ territory: 'dur', devices }));
  const event = JSON.parse(fs.readFileSync(path.join(ROOT, 'adapters/water/fixtures/chirpstack-up-axioma.input.json'), 'utf8'));
  const frame0 = Buffer.from(event.data as string, 'base64');
  const t0 = frame0.readUInt32LE(1);
  const v0 = frame0.readUInt32LE(6);
  // the n-th frame of a meter: one hour and 37 litres after the one before (Axioma W1 bytes 1-4, 6-9)
  const uplink = (m: number, n: number): string => {
    const data = Buffer.from(frame0);
    data.writeUInt32LE(t0 + n * 3600, 1);
    data.writeUInt32LE(v0 + n * 37, 6);
    const time = new Date((t0 + n * 3600 + 28) * 1000).toISOString();
    return JSON.stringify({ ...event, time, data: data.toString('base64'), deviceInfo: { ...event.deviceInfo, devEui: eui(m), deviceName: `meter ${eui(m)}` } });
  };
  const { child, port } = await startServer(dataDir, { TERRITORY_FILE: territory, NODE_RED: 'off' });
  /** The largest acknowledged volume of each meter (litres). */
  const acked = new Array<number>(METERS).fill(-1);
  let sent = 0;
  let answered = 0;
  let killed = false;
  // frames go out meter after meter, as meters report, four at a time
  const sender = async () => {
    while (!killed && sent < 2000) {
      const c = sent++;
      const m = c % METERS;
      const n = Math.floor(c / METERS) + 1;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/ingest/water/chirpstack?event=up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: uplink(m, n) });
        if (res.status === 204) {
          acked[m] = Math.max(acked[m], v0 + n * 37);
          answered++;
        }
      } catch {
        // the connection died with the server: this uplink was not acknowledged
      }
      if (answered >= 300 && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  };
  const exited = new Promise((ok) => child.on('exit', ok));
  await Promise.all([sender(), sender(), sender(), sender()]);
  await exited;
  expect(answered).toBeGreaterThanOrEqual(300);

  const ctx = await createContextResolver().resolve('https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld');
  const reg = createTenantRegistry({ dataDir });
  const store = reg.forRead(undefined);
  const stored = acked.map((_, m) => store.get(`urn:ngsi-ld:WaterConsumptionObserved:dur:M-${m}`)?.attrs[ctx.expand('waterConsumption')]?.[0]?.value as number | undefined);
  reg.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  // each meter holds its last acknowledged reading, or a later one written as the server died
  expect(stored.map((v, m) => (v ?? -1) >= acked[m])).toEqual(acked.map(() => true));
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
