/**
 * The embedded Node-RED for real: the platform (src/main.ts) runs in a child process (Node-RED cannot
 * be started twice in a process, and its node loader's import() does not run inside jest's VM) on
 * 127.0.0.1, with a temporary DATA_DIR and a FLOWS_DIR holding one flow file. Checks the editor and
 * admin API, our nodes in the palette, an `http in` route under /node-red/api, a rule flow going from
 * a notification of the embedded broker to an entity update, a deploy written back to the files, the
 * editor login, and a clean stop.
 */
import { startPlatform, type Platform } from '../../test/support/platform';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(120000);

async function stopPlatform(p: Platform): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const json = { 'content-type': 'application/json' };

/** A rule flow: a Streetlight switched off raises an Alert (ngsi-ld in → function → ngsi-ld update), and an http in route. */
const RULE = [
  { id: 'tab1', type: 'tab', label: 'Lamp alerts' },
  { id: 'brk1', type: 'ngsi-ld-broker', mode: 'embedded', name: 'embedded' },
  { id: 'in1', type: 'ngsi-ld in', z: 'tab1', broker: 'brk1', entityType: 'Streetlight', watchedAttributes: 'powerState', q: 'powerState=="off"', x: 100, y: 60, wires: [['fn1']] },
  {
    id: 'fn1', type: 'function', z: 'tab1', x: 300, y: 60, outputs: 1, wires: [['up1']],
    func: "return { payload: { id: msg.topic.replace('Streetlight', 'Alert'), type: 'Alert', alertSource: { type: 'Property', value: msg.topic }, territory: { type: 'Property', value: global.get('eclor').territory.name } } };",
  },
  { id: 'up1', type: 'ngsi-ld update', z: 'tab1', broker: 'brk1', mode: 'upsert', x: 500, y: 60, wires: [[]] },
  { id: 'hin1', type: 'http in', z: 'tab1', url: '/hello', method: 'get', x: 100, y: 120, wires: [['hout1']] },
  { id: 'hout1', type: 'http response', z: 'tab1', statusCode: '200', x: 300, y: 120, wires: [] },
];

describe('embedded Node-RED, editor open', () => {
  let p: Platform;
  let flowsDir: string;
  let dataDir: string;
  beforeAll(async () => {
    [flowsDir, dataDir] = [tmp('eclor-flows-'), tmp('eclor-data-')];
    fs.writeFileSync(path.join(flowsDir, 'lamp-alerts.json'), JSON.stringify(RULE, null, 2) + '\n');
    p = await startPlatform({ DATA_DIR: dataDir, FLOWS_DIR: flowsDir });
  });
  afterAll(async () => {
    if (p.child.exitCode === null) await stopPlatform(p);
    fs.rmSync(flowsDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the flows of FLOWS_DIR at GET /node-red/flows; logs through pino with a warning that the editor is open', async () => {
    const res = await fetch(`${p.base}/node-red/flows`);
    expect(res.status).toBe(200);
    const flows = (await res.json()) as Array<{ id: string }>;
    expect(flows.map((n) => n.id)).toEqual(RULE.map((n) => n.id));
    expect(p.out()).toMatch(/"module":"node-red".*open to anyone/);
    expect(p.out()).toMatch(/Node-RED 5 asks for Node.js >= 22.9|"msg":"Node-RED version/);
    expect(p.out()).not.toMatch(/\*{20}/);
    expect(fs.existsSync(path.join(dataDir, 'node-red', 'credential-secret'))).toBe(true);
  });

  it('has our nodes in the palette, with their editor templates', async () => {
    const list = (await (await fetch(`${p.base}/node-red/nodes`, { headers: { accept: 'application/json' } })).json()) as Array<{ types: string[]; err?: string }>;
    const types = list.flatMap((s) => s.types);
    expect(types).toEqual(expect.arrayContaining(['ngsi-ld-broker', 'ngsi-ld in', 'ngsi-ld query', 'ngsi-ld entity', 'ngsi-ld update', 'inject', 'function']));
    expect(list.filter((s) => s.err)).toEqual([]);
    const html = await (await fetch(`${p.base}/node-red/nodes`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('data-template-name="ngsi-ld query"');
    expect(html).toContain('data-help-name="ngsi-ld in"');
  });

  it('routes http in nodes under /node-red/api (Express 4 mount)', async () => {
    const res = await fetch(`${p.base}/node-red/api/hello`);
    expect(res.status).toBe(200);
  });

  it('runs the rule: a notification of the embedded broker → function → ngsi-ld update', async () => {
    const lamp = 'urn:ngsi-ld:Streetlight:rt:1';
    const res = await fetch(`${p.base}/ngsi-ld/v1/entityOperations/upsert`, {
      method: 'POST', headers: json, body: JSON.stringify([{ id: lamp, type: 'Streetlight', powerState: { type: 'Property', value: 'off' } }]),
    });
    expect(res.status).toBe(201);
    const alert = 'urn:ngsi-ld:Alert:rt:1';
    let got: Response | undefined;
    for (let i = 0; i < 100 && got?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      got = await fetch(`${p.base}/ngsi-ld/v1/entities/${encodeURIComponent(alert)}`);
    }
    expect(got?.status).toBe(200);
    expect(await got!.json()).toMatchObject({ alertSource: { value: lamp }, territory: { value: 'eclor' } });
  });

  it('a deploy from the editor writes each tab to its own file', async () => {
    const current = (await (await fetch(`${p.base}/node-red/flows`)).json()) as unknown[];
    const added = [{ id: 'tab2', type: 'tab', label: 'Night crew' }, { id: 'inj2', type: 'inject', z: 'tab2', x: 100, y: 60, wires: [] }];
    const res = await fetch(`${p.base}/node-red/flows`, { method: 'POST', headers: { ...json, 'node-red-deployment-type': 'full' }, body: JSON.stringify([...current, ...added]) });
    expect(res.status).toBe(204);
    expect(fs.readdirSync(flowsDir).sort()).toEqual(['lamp-alerts.json', 'night-crew.json']);
    expect(JSON.parse(fs.readFileSync(path.join(flowsDir, 'night-crew.json'), 'utf8'))).toEqual(added);
    expect(JSON.parse(fs.readFileSync(path.join(flowsDir, 'lamp-alerts.json'), 'utf8')).map((n: { id: string }) => n.id)).toEqual(RULE.map((n) => n.id));
  });

  it('stops cleanly on SIGTERM (flows closed, subscriptions deleted)', async () => {
    expect(await stopPlatform(p)).toBe(0);
    expect(p.out()).toMatch(/"msg":"Stopped flows"/);
    expect(p.out()).toMatch(/"msg":"stopped"/);
    expect(p.out()).not.toMatch(/could not delete subscription/);
  });
});

describe('embedded Node-RED with NODE_RED_USER and NODE_RED_PASSWORD', () => {
  let p: Platform;
  let dirs: string[];
  beforeAll(async () => {
    dirs = [tmp('eclor-flows-'), tmp('eclor-data-')];
    p = await startPlatform({ FLOWS_DIR: dirs[0], DATA_DIR: dirs[1], NODE_RED_USER: 'admin', NODE_RED_PASSWORD: 'correct horse' });
  });
  afterAll(async () => {
    if (p.child.exitCode === null) await stopPlatform(p);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const token = (password: string) =>
    fetch(`${p.base}/node-red/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: 'admin', password }).toString(),
    });

  it('answers 401 without a token, gives a token for the right password, then serves the flows', async () => {
    expect((await fetch(`${p.base}/node-red/flows`)).status).toBe(401);
    expect((await token('wrong')).status).toBeGreaterThanOrEqual(401);
    const res = await token('correct horse');
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const flows = await fetch(`${p.base}/node-red/flows`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(flows.status).toBe(200);
    expect(await flows.json()).toEqual([]);
    expect(p.out()).not.toMatch(/open to anyone/);
  });
});
