/**
 * Lighting commands end to end, in-process with the real app (src/main.ts start()): a territory file
 * with a lighting gateway, a loopback HTTP server standing in for the TALQ gateway, the embedded
 * broker's own subscription and notifier. A TALQ log report comes in through the webhook (the lamp's
 * reported level: no command), then a flow-like update of the lamp's illuminanceLevel reaches the
 * gateway as a targetLightCommand, and the acknowledged outcome shows on the entity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeGateway, type FakeGateway } from '../../adapters/lighting/commands/gateway.fixture';
import { STREETLIGHTING_CONTEXT } from '../../adapters/lighting/talq/translate';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/main';

const ROOT = path.resolve(__dirname, '../..');
const GATEWAY = '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40';
const CMS = '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c';
const LAMP = 'urn:ngsi-ld:Streetlight:eclor:e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21';
const SUBSCRIPTION = 'urn:ngsi-ld:Subscription:eclor:lighting-commands';
const LINK = `<${STREETLIGHTING_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

/** An attribute as the tests read it. */
interface Sub { value?: unknown }
type Attr = Sub & { talqReport?: Sub; targetLevel?: Sub; attempts?: Sub; reason?: Sub };

let gw: FakeGateway;
let running: Running;
let base: string;

/** Polls `probe` until it returns something truthy (bounded). */
async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

const lamp = async () => (await (await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(LAMP)}`, { headers: { link: LINK, accept: 'application/json' } })).json()) as Record<string, Attr>;

beforeAll(async () => {
  gw = await startFakeGateway();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-lighting-e2e-'));
  const territoryFile = path.join(dir, 'territory.json');
  fs.writeFileSync(territoryFile, JSON.stringify({
    territory: 'eclor',
    lighting: { cmsAddress: CMS, gateways: [{ url: `${gw.url}/talq`, clientAddress: GATEWAY, headers: { Authorization: 'Bearer e2e' } }], commands: { backoffMs: 50, maxBackoffMs: 200, giveUpMs: 10000 } },
  }));
  running = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', TERRITORY_FILE: territoryFile, LOG_LEVEL: 'silent', MAPPINGS_DIR: dir }));
  base = `http://127.0.0.1:${running.port}`;
  await until(async () => (await fetch(`${base}/ngsi-ld/v1/subscriptions/${encodeURIComponent(SUBSCRIPTION)}`)).status === 200, 'the lighting subscription');
});
afterAll(async () => {
  await running?.stop();
  await gw?.close();
});

it('a reported level sends nothing; a flow target reaches the gateway and is acknowledged on the entity', async () => {
  const report = fs.readFileSync(path.join(ROOT, 'adapters/lighting/fixtures/lamp-failure.input.json'), 'utf8');
  const res = await fetch(`${base}/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5`, { method: 'POST', headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' }, body: report });
  expect(res.status).toBe(201);
  expect((await lamp()).illuminanceLevel.value).toBe(0.8);
  await new Promise((ok) => setTimeout(ok, 700)); // the notification of the report's write has time to arrive
  expect(gw.requests).toHaveLength(0);

  // a flow sets a target (ngsi-ld update node: PATCH …/attrs, no mark)
  const patch = await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(LAMP)}/attrs`, { method: 'PATCH', headers: { 'content-type': 'application/json', link: LINK }, body: JSON.stringify({ illuminanceLevel: { type: 'Property', value: 0.3 } }) });
  expect(patch.status).toBe(204);
  const [cmd] = await gw.waitFor(1);
  expect(cmd.method).toBe('PATCH');
  expect(cmd.path).toBe('/talq/devices/e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21/lampActuator1/targetLightCommand');
  expect(cmd.query).toEqual({ clientAddress: CMS, talqRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(cmd.headers).toMatchObject({ 'talq-api-version': '2.7.1', authorization: 'Bearer e2e' });
  expect(cmd.body).toEqual({ type: 'AttributeCommand', timestamp: expect.any(String), value: { state: { name: 'LevelState', value: 30 }, reason: 'override', cmsRefId: LAMP } });
  const done = await until(async () => ((await lamp()).lightCommand?.value === 'acknowledged' ? lamp() : undefined), 'the acknowledged outcome');
  expect(done.lightCommand).toMatchObject({ type: 'Property', value: 'acknowledged', targetLevel: { value: 0.3 }, attempts: { value: 1 } });
  expect(done.illuminanceLevel.value).toBe(0.3);

  // a flow merges a new target (PATCH /entities/{id}: the report mark stays along): still a command, retried until acknowledged
  gw.plan = (i) => (i < 2 ? { status: 503 } : { status: 200 });
  const merge = await fetch(`${base}/ngsi-ld/v1/entities/${encodeURIComponent(LAMP)}`, { method: 'PATCH', headers: { 'content-type': 'application/json', link: LINK }, body: JSON.stringify({ illuminanceLevel: { type: 'Property', value: 0.55 } }) });
  expect(merge.status).toBe(204);
  await gw.waitFor(3);
  const merged = await until(async () => {
    const e = await lamp();
    return e.lightCommand?.value === 'acknowledged' && e.lightCommand.targetLevel?.value === 0.55 ? e : undefined;
  }, 'the second acknowledged outcome');
  expect(merged.lightCommand.attempts?.value).toBe(2);
  await new Promise((ok) => setTimeout(ok, 300)); // recording the outcome does not trigger another command
  expect(gw.requests.map((r) => (r.body as { value: { state: { value: number } } }).value.state.value)).toEqual([30, 55, 55]);
});
