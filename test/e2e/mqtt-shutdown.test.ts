/**
 * MQTT messages across a shutdown, with the real application (src/main.ts start()): a message whose
 * write hangs (an external broker that does not answer) does not hold the shutdown past its grace
 * period; it waits in the inbox (DATA_DIR) and is written at the next start, to a broker that answers.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { connectAsync } from 'mqtt';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/main';
import { startTestBroker, type TestBroker } from '../../src/ingest/sources/mqtt-broker.fixture';

const ROOT = path.resolve(__dirname, '../..');
const STATION = 'urn:ngsi-ld:AirQualityObserved:eclor:AQ-LYON-CENTRE';
const LINK = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';

/** Polls `probe` until it is true (bounded). */
async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

let mqttBroker: TestBroker;
let hanging: http.Server;
let dir: string;
const running: Running[] = [];
beforeAll(async () => {
  mqttBroker = await startTestBroker();
  // an NGSI-LD broker that takes requests and never answers them
  hanging = http.createServer(() => undefined);
  await new Promise<void>((ok) => hanging.listen(0, '127.0.0.1', ok));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mqtt-shutdown-'));
});
afterAll(async () => {
  for (const r of running) await r.stop();
  hanging.closeAllConnections();
  await new Promise((ok) => hanging.close(ok));
  await mqttBroker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const platform = async (env: Record<string, string>): Promise<Running> => {
  const r = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_RED: 'off', MAPPINGS_DIR: path.join(ROOT, 'adapters/mapping/examples'), ...env }));
  running.push(r);
  return r;
};

it('a message being written when the platform stops waits in the inbox, and is written at the next start', async () => {
  const territoryFile = path.join(dir, 'territory.json');
  fs.writeFileSync(territoryFile, JSON.stringify({ sources: { mqtt: { url: mqttBroker.url, clientId: 'eclor-shutdown-test', subscriptions: [{ topic: 'aq/+/up', adapter: 'mapping/air-quality' }] } } }));
  const dataDir = path.join(dir, 'data');
  const first = await platform({ DATA_DIR: dataDir, TERRITORY_FILE: territoryFile, BROKER_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, SHUTDOWN_GRACE_MS: '300' });
  await new Promise((ok) => setTimeout(ok, 300)); // subscribed
  const publisher = await connectAsync(mqttBroker.url);
  await publisher.publishAsync('aq/lyon/up', fs.readFileSync(path.join(ROOT, 'adapters/mapping/examples/air-quality.input.json')), { qos: 1 });
  await publisher.endAsync();
  const inbox = () => {
    const db = new Database(path.join(dataDir, 'ingest.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM mqtt_inbox').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  await until(() => inbox() === 1, 'the message kept, its write hanging');
  await first.stop(); // returns although the write still hangs (jest's timeout would say otherwise)
  expect(inbox()).toBe(1);

  // the next start, with a broker that answers: the embedded one
  const second = await platform({ DATA_DIR: dataDir, TERRITORY_FILE: territoryFile });
  const base = `http://127.0.0.1:${second.port}`;
  await until(async () => (await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(STATION)}`, { headers: { link: LINK } })).status === 200, 'the station written');
  await until(() => inbox() === 0, 'the inbox emptied');
}, 30000);
