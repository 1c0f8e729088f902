/**
 * The cross-domain rules of node-red-flows/ end to end. The platform (src/main.ts, from the TypeScript
 * sources) runs once in a child process (Node-RED cannot start twice in a process) with FLOWS_DIR = the
 * repository's node-red-flows, a temporary DATA_DIR, CLOCK at night in Lyon, a territory file whose
 * lighting gateway is a fake TALQ gateway on loopback, and OPERATOR_WEBHOOK_URL pointing at a loopback
 * receiver. Every rule starts from a partner-format message posted to an adapter's webhook (DATEX II,
 * ChirpStack, TALQ) and is checked by its effect: TALQ commands received by the gateway, the operator
 * call, the entities the flows write (validated against the Smart Data Models schemas).
 */
import { startPlatform, type Platform } from '../support/platform';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { datexMeasuredData, datexSiteTable, flowsSubscribed, postDatex, until, type MeasurementSite } from '../../bench/lighting-rule';
import { startFakeGateway, type FakeGateway } from '../../adapters/lighting/commands/gateway.fixture';
import { axiomaAlarmEvent, axiomaDataEvent } from '../../adapters/water/frames.fixture';
import { createSdmValidator } from '../../adapters/sdm-validate.fixture';
import type { Entity } from '../../src/ngsi-ld/types';

const ROOT = path.resolve(__dirname, '../..');
const FLOWS_DIR = path.join(ROOT, 'node-red-flows');
jest.setTimeout(60000);

const GATEWAY = '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40';
const CTX = (m: string) => `https://raw.githubusercontent.com/smart-data-models/dataModel.${m}/master/context.jsonld`;
const link = (m: string) => `<${CTX(m)}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

// Lyon: the measurement site, lamps L1 (10 m away), L2 (~90 m), L3 (~2 km, another commune), cabinet C1
const SITE: MeasurementSite = { id: 'LYO_QUAI_1', name: 'Quai Rambaud', at: [4.8357, 45.764], lanes: 2 };
const lampAt: Record<string, [number, number]> = { L1: [4.8357, 45.7641], L2: [4.8357, 45.7648], L3: [4.86, 45.77] };
const lampId = (k: string) => `urn:ngsi-ld:Streetlight:eclor:${k}`;
const CABINET = 'urn:ngsi-ld:StreetlightControlCabinet:eclor:C1';
const METER = { devEui: '0101010101010101', meterId: 'W1-0001', location: [4.8358, 45.7641] as [number, number] };

/** The operator's webhook: records every POST. */
async function startReceiver(): Promise<{ url: string; posts: unknown[]; close(): Promise<void> }> {
  const posts: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/operator`, posts, close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))) };
}

let p: Platform;
let gw: FakeGateway;
let operator: Awaited<ReturnType<typeof startReceiver>>;
let dir: string;
let flowsBefore: string;
/** Every entity the flows wrote, read back at the end of each test, for the schema checks. */
const written: Entity[] = [];

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const hashFlows = () => crypto.createHash('sha256').update(fs.readdirSync(FLOWS_DIR).sort().map((f) => f + fs.readFileSync(path.join(FLOWS_DIR, f), 'utf8')).join('\n')).digest('hex');

async function entity(id: string, model: string): Promise<Entity | undefined> {
  const res = await fetch(`${p.base}/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, { headers: { link: link(model), accept: 'application/json' } });
  return res.status === 200 ? ((await res.json()) as Entity) : undefined;
}
const attr = (e: Entity | undefined, name: string) => (e?.[name] as { value?: unknown; object?: unknown } | undefined);
const level = async (k: string) => attr(await entity(lampId(k), 'Streetlighting'), 'illuminanceLevel')?.value;

async function upsert(entities: object[], model: string): Promise<void> {
  const res = await fetch(`${p.base}/ngsi-ld/v1/entityOperations/upsert`, { method: 'POST', headers: { 'content-type': 'application/json', link: link(model) }, body: JSON.stringify(entities) });
  expect(res.status).toBeLessThan(300);
}

/** A TALQ log report from the gateway: attribute values per device address. */
async function talqReport(at: string, values: Array<[device: string, fn: string, name: string, value: unknown]>): Promise<void> {
  const entries = values.map(([device, fn, attributeName, v]) => ({
    data: {
      type: 'AttributeLogData', srcAddress: `${device}/${fn}`, timestamp: at, attributeName,
      attributeValue: attributeName === 'actualLightState' ? { type: 'AttributeLevelState', value: { name: 'LevelState', value: v } } : { type: 'AttributeFloat', value: v },
    },
  }));
  const res = await fetch(`${p.base}/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=${crypto.randomUUID()}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' }, body: JSON.stringify({ address: 'logger-e2e', entries }),
  });
  expect(res.status).toBe(201);
}

/** Posts a ChirpStack `up` event (adapters/water/frames.fixture.ts) to the water webhook. */
async function postUplink(body: string): Promise<void> {
  const res = await fetch(`${p.base}/ingest/water/chirpstack?event=up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(204);
}
/** The Axioma W1 reference frame with the meter's clock at `at` and status byte `status` (0x20 leak). */
const uplink = (at: string, status: number) => postUplink(axiomaDataEvent(at, { status }));
/** An Axioma W1 alarm frame (fPort 103) at `at`. */
const alarmFrame = (at: string, status: number) => postUplink(axiomaAlarmEvent(at, status));

/** DATEX II v3 ParkingStatusPublication of car park P-GARE: `occupied` of 100 spaces. */
async function parkingStatus(at: string, occupied: number): Promise<void> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<d2:payload xmlns:d2="http://datex2.eu/schema/3/d2Payload" xmlns:prk="http://datex2.eu/schema/3/parking" xmlns:com="http://datex2.eu/schema/3/common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="prk:ParkingStatusPublication" lang="fr" modelBaseVersion="3">
  <com:publicationTime>${at}</com:publicationTime>
  <com:publicationCreator><com:country>FR</com:country><com:nationalIdentifier>ECLOR</com:nationalIdentifier></com:publicationCreator>
  <prk:parkingRecordStatus xsi:type="prk:ParkingSiteStatus">
    <prk:parkingRecordReference targetClass="prk:ParkingRecord" id="P-GARE" version="1"/>
    <prk:parkingStatusOriginTime>${at}</prk:parkingStatusOriginTime>
    <prk:parkingOccupancy><prk:parkingNumberOfVacantSpaces>${100 - occupied}</prk:parkingNumberOfVacantSpaces><prk:parkingNumberOfOccupiedSpaces>${occupied}</prk:parkingNumberOfOccupiedSpaces></prk:parkingOccupancy>
  </prk:parkingRecordStatus>
</d2:payload>`;
  await postDatex(p.base, xml);
}

/** The commands the gateway received from request `from` on: lamp → level (%). */
const commands = (from = 0) => gw.requests.slice(from).map((r) => [/\/devices\/([^/]+)\//.exec(r.path)?.[1], (r.body as { value: { state: { value: number } } }).value.state.value]);

beforeAll(async () => {
  flowsBefore = hashFlows();
  gw = await startFakeGateway();
  operator = await startReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-rules-e2e-'));
  const territoryFile = path.join(dir, 'territory.json');
  fs.writeFileSync(territoryFile, JSON.stringify({
    territory: 'eclor',
    location: SITE.at,
    devices: [{ ...METER, codec: 'axioma-qalcosonic-w1' }],
    lighting: { cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c', gateways: [{ url: `${gw.url}/talq`, clientAddress: GATEWAY, functionId: 'lampActuator1' }], commands: { backoffMs: 50, maxBackoffMs: 200, giveUpMs: 5000 } },
  }));
  p = await startPlatform({
    DATA_DIR: path.join(dir, 'data'), FLOWS_DIR, TERRITORY_FILE: territoryFile, MAPPINGS_DIR: dir,
    CLOCK: '2026-01-15T22:00:00Z', OPERATOR_WEBHOOK_URL: operator.url,
  });
  await flowsSubscribed(p.base, 3);
  // the inventory (GIS import): lamps with their location and commune, L1 and L2 behind the metered cabinet C1
  const place = (k: string, commune: string) => ({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: lampAt[k] } }, address: { type: 'Property', value: { addressLocality: commune } } });
  await upsert([
    { id: CABINET, type: 'StreetlightControlCabinet', ...place('L1', 'Lyon') },
    { id: lampId('L1'), type: 'Streetlight', ...place('L1', 'Lyon'), refStreetlightControlCabinet: { type: 'Relationship', object: CABINET } },
    { id: lampId('L2'), type: 'Streetlight', ...place('L2', 'Lyon'), refStreetlightControlCabinet: { type: 'Relationship', object: CABINET } },
    { id: lampId('L3'), type: 'Streetlight', ...place('L3', 'Villeurbanne') },
  ], 'Streetlighting');
  // the lamps report their level (50 %) through the gateway: a report is no command
  await talqReport('2026-01-15T20:00:00Z', ['L1', 'L2', 'L3'].map((k) => [k, 'lampActuator1', 'actualLightState', 50]));
  await postDatex(p.base, datexSiteTable([SITE]));
  await sleep(300);
  expect(gw.requests).toHaveLength(0);
}, 60000);

afterAll(async () => {
  if (p && p.child.exitCode === null) {
    p.child.kill('SIGTERM');
    await Promise.race([p.exited, sleep(15000)]);
  }
  await gw?.close();
  await operator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('rule 1 · adaptive lighting (DATEX II traffic → TALQ commands)', () => {
  it('heavy traffic → M3 (100 %) for the lamps within 150 m; light traffic → M5 (50 %); same level again → no command', async () => {
    // 2 × 450 veh/h of 1800 → 50 % → M3 → 1.0 (the lane-1 length class of the publication is not added)
    await postDatex(p.base, datexMeasuredData(SITE, '2026-01-15T21:50:00Z', [450, 450]));
    await gw.waitFor(2);
    expect(commands().sort()).toEqual([['L1', 100], ['L2', 100]]);
    expect(gw.requests[0].path).toMatch(/^\/talq\/devices\/L[12]\/lampActuator1\/targetLightCommand$/);
    expect(await level('L1')).toBe(1);
    expect(await level('L3')).toBe(0.5);

    // 2 × 100 veh/h → 11 % → M5 → 0.5
    await postDatex(p.base, datexMeasuredData(SITE, '2026-01-15T21:51:00Z', [100, 100]));
    await gw.waitFor(4);
    expect(commands(2).sort()).toEqual([['L1', 50], ['L2', 50]]);

    // 2 × 110 veh/h: still M5, nothing sent
    await postDatex(p.base, datexMeasuredData(SITE, '2026-01-15T21:52:00Z', [110, 110]));
    await sleep(800);
    expect(gw.requests).toHaveLength(4);
  });
});

describe('rule 2 · water leak (ChirpStack leak alarm → lamps at 100 %, operator called once, restored at the end)', () => {
  const alertId = `urn:ngsi-ld:Alert:eclor:${METER.meterId}:leak`;

  it('opens on the meter\'s alarm frame: the lamps within 50 m at 100 %, the operator called once per episode; traffic does not dim a held lamp', async () => {
    const from = gw.requests.length;
    await alarmFrame('2026-01-15T21:55:00Z', 0x20); // sent at once, not with the next daily data frame
    await gw.waitFor(from + 1);
    await until(async () => operator.posts.length === 1, 'the operator call');
    expect(commands(from)).toEqual([['L1', 100]]); // L2 is ~85 m away
    // the rule's memory of the episode is on disk at once (a kill -9 now would not lose it), not 30 s later
    const memory = path.join(dir, 'data', 'node-red', 'context', 'rule-water-leak', 'flow.json');
    await until(async () => fs.existsSync(memory) && fs.readFileSync(memory, 'utf8').includes(alertId), 'the episode in the flow context file');
    expect(operator.posts[0]).toMatchObject({
      event: 'waterAlertOpened', alert: alertId, kind: 'leak', severity: 'medium', meterId: METER.meterId,
      source: `urn:ngsi-ld:WaterConsumptionObserved:eclor:${METER.meterId}`, since: '2026-01-15T21:55:00.000Z', lightsOn: [lampId('L1')],
    });

    // the meter's data frame still flags the leak an hour later: same episode, nothing new
    await uplink('2026-01-15T22:55:00Z', 0x20);
    // traffic drops (2 × 20 veh/h → 2 % → M6 0.3): L2 dimmed, L1 held at 100 %
    await postDatex(p.base, datexMeasuredData(SITE, '2026-01-15T22:56:00Z', [20, 20]));
    await gw.waitFor(from + 2);
    await sleep(800);
    expect(commands(from + 1)).toEqual([['L2', 30]]);
    expect(operator.posts).toHaveLength(1);
    expect(await level('L1')).toBe(1);
  });

  it('a new episode whose previous close the flow never saw (lost in a crash) is a new episode: the operator is called again', async () => {
    // the Alert as the water adapter leaves it when an episode closed and another opened (validTo
    // deleted, a new validFrom), its close notification missed
    const res = await fetch(`${p.base}/ngsi-ld/v1/entities/${encodeURIComponent(alertId)}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', link: link('Alert') },
      body: JSON.stringify({ validFrom: { type: 'Property', value: '2026-01-15T23:05:00.000Z' }, dateIssued: { type: 'Property', value: '2026-01-15T23:05:00.000Z' } }),
    });
    expect(res.status).toBe(204);
    await until(async () => operator.posts.length === 2, 'the second operator call');
    expect(operator.posts[1]).toMatchObject({ event: 'waterAlertOpened', alert: alertId, since: '2026-01-15T23:05:00.000Z', lightsOn: [lampId('L1')] });
    expect(await level('L1')).toBe(1);
  });

  it('closes (validTo): the lamp goes back to its level before the leak', async () => {
    const from = gw.requests.length;
    await uplink('2026-01-15T23:30:00Z', 0x00);
    await gw.waitFor(from + 1);
    expect(commands(from)).toEqual([['L1', 50]]);
    await sleep(500);
    expect(gw.requests).toHaveLength(from + 1);
    expect(operator.posts).toHaveLength(2);
  });
});

describe('rule 3 · lighting energy per commune (TALQ meters → KeyPerformanceIndicator)', () => {
  const kpi = (commune: string) => `urn:ngsi-ld:KeyPerformanceIndicator:eclor:lighting-energy:${commune}`;
  const runNow = async () => expect((await fetch(`${p.base}/node-red/inject/en-every-15-min`, { method: 'POST' })).status).toBe(200);

  it('sums the energy used since the previous run; a lamp behind a metered cabinet is counted by the cabinet only', async () => {
    await talqReport('2026-01-15T22:00:00Z', [['C1', 'meter1', 'totalActiveEnergy', 1000], ['L1', 'lampMonitor1', 'activeEnergy', 50], ['L2', 'lampMonitor1', 'activeEnergy', 40], ['L3', 'lampMonitor1', 'activeEnergy', 20]]);
    await runNow(); // first readings: baselines
    await sleep(800);
    expect(await entity(kpi('Lyon'), 'KeyPerformanceIndicator')).toBeUndefined();

    await talqReport('2026-01-15T22:15:00Z', [['C1', 'meter1', 'totalActiveEnergy', 1012.5], ['L1', 'lampMonitor1', 'activeEnergy', 53], ['L2', 'lampMonitor1', 'activeEnergy', 44], ['L3', 'lampMonitor1', 'activeEnergy', 21.25]]);
    await runNow();
    const lyon = await until(() => entity(kpi('Lyon'), 'KeyPerformanceIndicator'), 'the Lyon KPI');
    const villeurbanne = await until(() => entity(kpi('Villeurbanne'), 'KeyPerformanceIndicator'), 'the Villeurbanne KPI');
    expect(lyon.kpiValue).toMatchObject({ value: 12.5, unitCode: 'KWH', observedAt: expect.stringMatching(/^2026-01-15T22:0\d:\d\d\.\d{3}Z$/) });
    expect(villeurbanne.kpiValue).toMatchObject({ value: 1.25, unitCode: 'KWH' });
    expect(attr(lyon, 'calculationPeriod')?.value).toEqual({ from: '2026-01-15', to: '2026-01-15' });
    expect(attr(lyon, 'area')?.value).toBe('Lyon');
    expect(attr(lyon, 'category')?.value).toEqual(['quantitative']);
    written.push(lyon, villeurbanne);
  });
});

describe('rule 4 · car park full (DATEX II parking status → Alert and message sign, hysteresis 90 % / 85 %)', () => {
  const alertId = 'urn:ngsi-ld:Alert:eclor:parking:P-GARE';
  const signId = 'urn:ngsi-ld:VariableMessageSign:eclor:P-GARE';
  const sign = async () => attr(await entity(signId, 'Parking'), 'message')?.value;

  it('above 90 %: Alert open and sign FULL; 88 %: still full; below 85 %: Alert closed, free spaces shown', async () => {
    await parkingStatus('2026-01-15T21:00:00Z', 50);
    await until(async () => (await sign()) === '50 FREE SPACES', 'the sign showing 50 free spaces');
    expect(await entity(alertId, 'Alert')).toBeUndefined();

    await parkingStatus('2026-01-15T21:10:00Z', 95);
    await until(async () => (await sign()) === 'FULL', 'the sign showing FULL');
    const opened = await until(() => entity(alertId, 'Alert'), 'the parking Alert');
    expect(opened).toMatchObject({ category: { value: 'traffic' }, alertSource: { object: 'urn:ngsi-ld:OffStreetParking:eclor:P-GARE' }, data: { value: { occupancy: 0.95, availableSpotNumber: 5 } } });
    expect(opened.validTo).toBeUndefined();

    await parkingStatus('2026-01-15T21:20:00Z', 88);
    await sleep(600);
    expect(await sign()).toBe('FULL');
    expect((await entity(alertId, 'Alert'))?.validTo).toBeUndefined();

    await parkingStatus('2026-01-15T21:30:00Z', 80);
    await until(async () => (await sign()) === '20 FREE SPACES', 'the sign showing 20 free spaces');
    const closed = await until(async () => {
      const a = await entity(alertId, 'Alert');
      return a?.validTo ? a : undefined;
    }, 'the closed Alert');
    written.push(closed, (await entity(signId, 'Parking'))!);
  });
});

describe('what the flows wrote', () => {
  it('the Alert and KPI entities validate against the Smart Data Models schemas; the sign against ours', () => {
    const sdm = createSdmValidator();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const f of fs.readdirSync(path.join(ROOT, 'schemas/entities'))) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/entities', f), 'utf8')));
    const signSchema = ajv.getSchema('https://eclor.dev/schemas/entities/VariableMessageSign.schema.json')!;
    expect(written.map((e) => e.type).sort()).toEqual(['Alert', 'KeyPerformanceIndicator', 'KeyPerformanceIndicator', 'VariableMessageSign']);
    for (const e of written) {
      if (e.type === 'VariableMessageSign') expect([signSchema(e), signSchema.errors]).toEqual([true, null]);
      else expect(sdm.errors(e)).toEqual([]);
    }
  });

  it('left the flow files untouched and logged no flow error; stops cleanly', async () => {
    expect(hashFlows()).toBe(flowsBefore);
    expect(p.out()).not.toMatch(/"level":50/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
