/**
 * A real MQTT broker for tests: aedes on 127.0.0.1, served by net.createServer(aedes.handle). aedes 1.x
 * is an ES module, which jest's CommonJS runtime cannot load, so it runs in a worker thread of the test
 * process (plain Node, which imports ESM). close() drops every connection like a broker crash; start
 * again on the same port to test reconnection.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
(async () => {
  const { Aedes } = await import(workerData.aedesUrl);
  const aedes = await Aedes.createBroker();
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  server.on('error', (err) => parentPort.postMessage({ error: err.message }));
  server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
  parentPort.on('message', (m) => {
    if (m !== 'close') return;
    for (const s of sockets) s.destroy();
    server.close(() => aedes.close(() => parentPort.postMessage({ closed: true })));
  });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

export interface TestBroker {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts aedes on 127.0.0.1:`port` (0: any free port); resolves once it listens. */
export async function startTestBroker(port = 0, timeoutMs = 5000): Promise<TestBroker> {
  const worker = new Worker(WORKER, { eval: true, workerData: { port, aedesUrl: pathToFileURL(require.resolve('aedes')).href } });
  const next = (what: string) =>
    new Promise<{ port?: number; closed?: boolean; error?: string }>((ok, ko) => {
      const t = setTimeout(() => ko(new Error(`test broker: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', (m) => {
        clearTimeout(t);
        if (m.error) ko(new Error(`test broker: ${m.error}`));
        else ok(m);
      });
    });
  let first;
  try {
    first = await next('listen');
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const bound = first.port!;
  let closed = false;
  return {
    port: bound,
    url: `mqtt://127.0.0.1:${bound}`,
    async close() {
      if (closed) return;
      closed = true;
      const done = next('close');
      worker.postMessage('close');
      await done.catch(() => undefined);
      await worker.terminate();
    },
  };
}
