/** Node-RED's settings: config options, editor login, credential secret, the eclor object, the nodes folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { clockOffset, loadConfig } from '../config';
import { isNodeRedPath } from '../http/server';
import { adminAuth } from './admin-auth';
import { credentialSecret, SECRET_FILE } from './credential-secret';
import { nodeSetNames, nodesDir } from './nodes-dir';
import { eclorSettings, nodeRedSettings } from './settings';
import { createFlowsStorage } from './storage';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('config', () => {
  it('defaults: Node-RED on, ./node-red-flows, open editor, notifications to this process', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ nodeRed: true, flowsDir: path.resolve('node-red-flows'), nodeRedUser: undefined, notifyBaseUrl: undefined });
  });

  it('NODE_RED, FLOWS_DIR, NODE_RED_USER + NODE_RED_PASSWORD, NOTIFY_BASE_URL, NODE_RED_CREDENTIAL_SECRET', () => {
    const c = loadConfig({ NODE_RED: 'off', FLOWS_DIR: '/srv/flows', NODE_RED_USER: 'admin', NODE_RED_PASSWORD: 'pw', NOTIFY_BASE_URL: 'http://eclor:1026/', NODE_RED_CREDENTIAL_SECRET: 's' });
    expect(c).toMatchObject({ nodeRed: false, flowsDir: '/srv/flows', nodeRedUser: 'admin', nodeRedPassword: 'pw', notifyBaseUrl: 'http://eclor:1026', nodeRedCredentialSecret: 's' });
    expect(() => loadConfig({ NODE_RED: 'maybe' })).toThrow(/NODE_RED=maybe/);
    expect(() => loadConfig({ NODE_RED_USER: 'admin' })).toThrow(/go together/);
    expect(() => loadConfig({ NOTIFY_BASE_URL: 'eclor:1026' })).toThrow(/NOTIFY_BASE_URL/);
  });

  it('the server sends /node-red and below to Node-RED, nothing else', () => {
    expect(['/node-red', '/node-red/', '/node-red/flows', '/node-red?x=1'].every(isNodeRedPath)).toBe(true);
    expect(['/node-redx', '/docs', '/', undefined].some(isNodeRedPath)).toBe(false);
  });
});

describe('the rules clock (CLOCK)', () => {
  it('real time by default; an ISO instant starts the clock there; a signed offset shifts it', () => {
    const url = 'http://127.0.0.1:1026';
    expect(Math.abs(eclorSettings(loadConfig({}), url).now().getTime() - Date.now())).toBeLessThan(1000);
    const night = eclorSettings(loadConfig({ CLOCK: '2026-01-15T22:00:00Z' }), url).now().getTime();
    expect(Math.abs(night - Date.parse('2026-01-15T22:00:00Z'))).toBeLessThan(1000);
    expect(Math.abs(eclorSettings(loadConfig({ CLOCK: '-90m' }), url).now().getTime() - (Date.now() - 5400000))).toBeLessThan(1000);
    expect(clockOffset('+6h', 0)).toBe(21600000);
    expect(clockOffset('2026-01-15T23:00:00+01:00', Date.parse('2026-01-15T21:00:00Z'))).toBe(3600000);
    expect(clockOffset(undefined)).toBe(0);
    expect(() => loadConfig({ CLOCK: 'tonight' })).toThrow(/CLOCK=tonight/);
    expect(() => loadConfig({ CLOCK: '2026-01-15T22:00:00' })).toThrow(/with a zone/);
  });

  it('is global.get(\'eclor\').now() in function nodes; context is kept in files', () => {
    const log = pino({ level: 'warn' });
    const s = nodeRedSettings({ config: loadConfig({ CLOCK: '+1d' }), log, port: 1026, userDir: dir, nodesDir: dir, storage: createFlowsStorage({ dir, log, local: {} as never }), credentialSecret: 'k' });
    const eclor = (s.functionGlobalContext as { eclor: { now(): Date } }).eclor;
    expect(eclor.now().getTime() - Date.now()).toBeGreaterThan(86400000 - 1000);
    expect(s.contextStorage).toMatchObject({ default: 'file', file: { module: 'localfilesystem' } });
  });
});

describe('adminAuth', () => {
  it('none without credentials; a plain password is bcrypt-hashed, a hash kept', () => {
    expect(adminAuth(undefined, undefined)).toBeUndefined();
    const plain = adminAuth('admin', 'secret')!;
    expect(plain).toMatchObject({ type: 'credentials', users: [{ username: 'admin', permissions: '*' }] });
    expect(plain.users[0].password).toMatch(/^\$2[aby]\$10\$/);
    const hash = '$2b$08$k5ZV3bDgZHqFBb3wG1Nvd.a8Sv3lh8sD7m1XnYiB6Mng9L0QjKZ/C';
    expect(adminAuth('admin', hash)!.users[0].password).toBe(hash);
  });
});

describe('credentialSecret', () => {
  it('the configured one, else one generated once and kept (mode 600)', () => {
    expect(credentialSecret('mine', dir)).toBe('mine');
    expect(fs.existsSync(path.join(dir, SECRET_FILE))).toBe(false);
    const s = credentialSecret(undefined, dir);
    expect(s).toMatch(/^[0-9a-f]{64}$/);
    expect(credentialSecret(undefined, dir)).toBe(s);
    expect(fs.statSync(path.join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe('eclor settings', () => {
  it('broker and notification URLs; the territory file gives the name and location', () => {
    const territoryFile = path.join(dir, 'territory.json');
    fs.writeFileSync(territoryFile, JSON.stringify({ territory: 'paris', location: [2.35, 48.85], devices: [] }));
    expect(eclorSettings(loadConfig({}, { territoryFile }), 'http://127.0.0.1:1026')).toEqual({
      now: expect.any(Function),
      brokerUrl: 'http://127.0.0.1:1026',
      notifyBaseUrl: 'http://127.0.0.1:1026',
      httpNodeUrl: 'http://127.0.0.1:1026/node-red/api',
      platformBroker: undefined,
      territory: { name: 'paris', location: [2.35, 48.85] },
    });
    const remote = eclorSettings(loadConfig({ NOTIFY_BASE_URL: 'http://eclor:1026', BROKER_URL: 'http://orion:1026', BROKER_FLAVOUR: 'orion-ld' }), 'http://127.0.0.1:9');
    expect(remote).toMatchObject({ notifyBaseUrl: 'http://eclor:1026', httpNodeUrl: 'http://eclor:1026/node-red/api', platformBroker: { url: 'http://orion:1026', flavour: 'orion-ld' }, territory: { name: 'eclor' } });
  });

  it("Node-RED's settings: roots, storage, log level, login, global context", () => {
    const log = pino({ level: 'warn' });
    const storage = createFlowsStorage({ dir, log, local: {} as never });
    const s = nodeRedSettings({ config: loadConfig({ NODE_RED_USER: 'a', NODE_RED_PASSWORD: 'b' }), log, port: 1026, userDir: dir, nodesDir: dir, storage, credentialSecret: 'k' });
    expect(s).toMatchObject({ httpAdminRoot: '/node-red', httpNodeRoot: '/node-red/api', userDir: dir, nodesDir: [dir], storageModule: storage, credentialSecret: 'k', uiPort: 1026 });
    expect(s).toMatchObject({ adminAuth: { users: [{ username: 'a' }] }, logging: { eclor: { level: 'warn' } }, telemetry: { enabled: false } });
    expect((s.functionGlobalContext as { eclor: unknown; suncalc: { getTimes: unknown } }).suncalc.getTimes).toBeInstanceOf(Function);
    expect((s.functionGlobalContext as { eclor: unknown }).eclor).toBe(s.eclor);
  });
});

describe('nodesDir', () => {
  it('our node sets; from the sources, shims that require the .ts next to a copy of the .html', () => {
    expect(nodeSetNames()).toEqual(['ngsi-ld-broker', 'ngsi-ld-entity', 'ngsi-ld-in', 'ngsi-ld-query', 'ngsi-ld-update']);
    const shims = nodesDir(path.join(dir, 'shims'));
    expect(fs.readdirSync(shims).sort()).toEqual(nodeSetNames().flatMap((n) => [`${n}.html`, `${n}.js`]).sort());
    expect(fs.readFileSync(path.join(shims, 'ngsi-ld-in.js'), 'utf8')).toContain(`require(${JSON.stringify(path.join(__dirname, 'nodes/ngsi-ld-in/ngsi-ld-in.ts'))})`);
  });
});
