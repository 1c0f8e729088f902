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
