/**
 * Latency of the adaptive-lighting rule end to end (node-red-flows/10-adaptive-lighting.json): a DATEX II
 * MeasuredDataPublication posted to the mobility webhook → TrafficFlowObserved on the embedded broker →
 * notification to the flow's `ngsi-ld in` → the site's counts and the lights nearby queried → illuminanceLevel
 * written → the lighting adapter's subscription → the TALQ `targetLightCommand` PATCH received by a fake
 * gateway on loopback. The built platform (dist/src/main.js) runs in a child process with the real flows,
 * CLOCK at night, a territory file whose lighting gateway is the fake one.
 *
 * Each run alternates heavy and light traffic, so every run changes the level of the lights near the
 * site (M3 1.0 ↔ M6 0.3), and measures from the POST until the gateway has received the PATCH of every
 * light near the site. The DATEX II builders are shared with test/e2e/rules.test.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Server } from './server';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const CREATOR = '<publicationCreator><country>fr</country><nationalIdentifier>ECLOR</nationalIdentifier></publicationCreator>';
const HEADER = '<headerInformation><confidentiality>noRestriction</confidentiality><informationStatus>real</informationStatus></headerInformation>';
const doc = (type: string, at: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<d2LogicalModel xmlns="http://datex2.eu/schema/2/2_0" ${XSI} modelBaseVersion="2">` +
  `<exchange><supplierIdentification><country>fr</country><nationalIdentifier>ECLOR</nationalIdentifier></supplierIdentification></exchange>` +
  `<payloadPublication xsi:type="${type}" lang="fr"><publicationTime>${at}</publicationTime>${CREATOR}${body}</payloadPublication></d2LogicalModel>`;

export interface MeasurementSite {
  id: string;
  name: string;
  /** [longitude, latitude] */
  at: [number, number];
  /** Lanes: one all-vehicle flow index per lane (1..lanes); index lanes+1 is a lane-1 length class, lanes+2 the lane-1 speed. */
  lanes: number;
}

const characteristics = (index: number, lane: number, quantity: string, vehicle: string) =>
  `<measurementSpecificCharacteristics index="${index}"><measurementSpecificCharacteristics><period>60</period><specificLane>lane${lane}</specificLane>` +
  `<specificMeasurementValueType>${quantity}</specificMeasurementValueType><specificVehicleCharacteristics>${vehicle}</specificVehicleCharacteristics>` +
  `</measurementSpecificCharacteristics></measurementSpecificCharacteristics>`;

/** A DATEX II v2 MeasurementSiteTablePublication (location and what each index measures). */
export function datexSiteTable(sites: MeasurementSite[], at = '2026-01-15T12:00:00Z'): string {
  const records = sites.map((s) => {
    const lanes = Array.from({ length: s.lanes }, (_, i) => characteristics(i + 1, i + 1, 'trafficFlow', '<vehicleType>anyVehicle</vehicleType>')).join('');
    const lengthClass = characteristics(s.lanes + 1, 1, 'trafficFlow', '<lengthCharacteristic><comparisonOperator>lessThan</comparisonOperator><vehicleLength>5.6</vehicleLength></lengthCharacteristic>');
    const speed = characteristics(s.lanes + 2, 1, 'trafficSpeed', '<vehicleType>anyVehicle</vehicleType>');
    return `<measurementSiteRecord id="${s.id}" version="1"><measurementSiteName><values><value lang="fr">${s.name}</value></values></measurementSiteName>` +
      `<measurementSiteNumberOfLanes>${s.lanes}</measurementSiteNumberOfLanes>${lanes}${lengthClass}${speed}` +
      `<measurementSiteLocation xsi:type="Point"><pointByCoordinates><pointCoordinates><latitude>${s.at[1]}</latitude><longitude>${s.at[0]}</longitude></pointCoordinates></pointByCoordinates></measurementSiteLocation>` +
      `</measurementSiteRecord>`;
  });
  return doc('MeasurementSiteTablePublication', at, `${HEADER}<measurementSiteTable id="ECLOR_MT" version="1">${records.join('')}</measurementSiteTable>`);
}

/**
 * A DATEX II v2 MeasuredDataPublication of one site at `at`: `perLane` vehicles/hour on each lane (all
 * vehicles), plus the lane-1 length class (part of lane 1: not to be added) and a speed.
 */
export function datexMeasuredData(site: MeasurementSite, at: string, perLane: number[]): string {
  const value = (index: number, basic: string) => `<measuredValue index="${index}"><measuredValue><basicData xsi:type="${basic}</basicData></measuredValue></measuredValue>`;
  const flows = perLane.map((v, i) => value(i + 1, `TrafficFlow"><vehicleFlow><vehicleFlowRate>${v}</vehicleFlowRate></vehicleFlow>`));
  const lengthClass = value(site.lanes + 1, `TrafficFlow"><vehicleFlow><vehicleFlowRate>${Math.round(perLane[0] * 0.8)}</vehicleFlowRate></vehicleFlow>`);
  const speed = value(site.lanes + 2, 'TrafficSpeed"><averageVehicleSpeed numberOfInputValuesUsed="4"><speed>48</speed></averageVehicleSpeed>');
  return doc('MeasuredDataPublication', at,
    `<measurementSiteTableReference id="ECLOR_MT" version="1" targetClass="MeasurementSiteTable"/>${HEADER}` +
    `<siteMeasurements><measurementSiteReference id="${site.id}" version="1" targetClass="MeasurementSiteRecord"/>` +
    `<measurementTimeDefault>${at}</measurementTimeDefault>${flows.join('')}${lengthClass}${speed}</siteMeasurements>`);
}

/** POSTs a DATEX II document to the mobility webhook; throws unless 2xx. */
export async function postDatex(base: string, xml: string): Promise<void> {
  const res = await fetch(`${base}/ingest/mobility/datex2`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  if (!res.ok) throw new Error(`DATEX II webhook answered ${res.status}: ${await res.text()}`);
}

/** Resolves once `probe` gives something truthy; polls every 50 ms, throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Resolves once the platform's Node-RED flows hold `n` subscriptions (`ngsi-ld in` nodes) and the lighting one. */
export async function flowsSubscribed(base: string, n: number, timeoutMs = 30_000): Promise<void> {
  await until(async () => {
    const res = await fetch(`${base}/ngsi-ld/v1/subscriptions?limit=100`).catch(() => undefined);
    if (!res?.ok) return false;
    const subs = (await res.json()) as Array<{ id: string }>;
    return subs.filter((s) => s.id.includes(':node-red:')).length >= n && subs.some((s) => s.id.endsWith(':lighting-commands'));
  }, `${n} flow subscriptions and the lighting one`, timeoutMs);
}

interface GatewayStub {
  url: string;
  /** Device address and level (percent) of each targetLightCommand, with its arrival time. */
  commands: Array<{ device: string; level: number; at: number }>;
  close(): Promise<void>;
}

/** A TALQ gateway that acknowledges every command (200) and records it. */
async function startGatewayStub(): Promise<GatewayStub> {
  const commands: GatewayStub['commands'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const at = performance.now();
      const device = /\/devices\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '';
      const level = (JSON.parse(body || '{}') as { value?: { state?: { value?: number } } }).value?.state?.value ?? NaN;
      commands.push({ device, level, at });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    commands,
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

const STREETLIGHTING = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';
const LINK = `<${STREETLIGHTING}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const SITE: MeasurementSite = { id: 'BENCH_SITE_1', name: 'Bench segment', at: [4.8357, 45.764], lanes: 2 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs the scenario: `runs` measured-data messages (default 50), each waiting for the commands of the
 * `near` lights (default 4; 200 more lights lie beyond the rule's distance).
 * @example
 * const r = await lightingRuleRun(process.cwd()); // { runs: 50, latencyMs: { p50, p99, max } }
 */
export async function lightingRuleRun(root: string, opts: { runs?: number; near?: number } = {}): Promise<{ runs: number; latencyMs: { p50: number; p99: number; max: number } }> {
  const runs = opts.runs ?? 50;
  const near = opts.near ?? 4;
  const gw = await startGatewayStub();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-lighting-rule-'));
  let server: Server | undefined;
  try {
    const territoryFile = path.join(dir, 'territory.json');
    fs.writeFileSync(territoryFile, JSON.stringify({
      territory: 'bench',
      location: SITE.at,
      lighting: { cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c', gateways: [{ url: gw.url, functionId: 'lampActuator1' }], commands: { backoffMs: 50, maxBackoffMs: 500 } },
    }));
    server = await startServer(root, [], 60_000, {
      FLOWS_DIR: path.join(root, 'node-red-flows'), TERRITORY_FILE: territoryFile, CLOCK: '2026-01-15T22:00:00Z', MAPPINGS_DIR: dir, NODE_RED: 'on',
    });
    const base = server.base;
    await flowsSubscribed(base, 3);
    // lights: `near` within 40 m of the site, 200 more 2 to 4 km away
    const light = (id: string, lon: number, lat: number) => ({ id: `urn:ngsi-ld:Streetlight:bench:${id}`, type: 'Streetlight', location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, lat] } } });
    const lights = [
      ...Array.from({ length: near }, (_, i) => light(`near-${i}`, SITE.at[0] + 0.0001 * i, SITE.at[1] + 0.0002)),
      ...Array.from({ length: 200 }, (_, i) => light(`far-${i}`, SITE.at[0] + 0.03 + 0.0001 * i, SITE.at[1] + 0.02)),
    ];
    const seeded = await fetch(`${base}/ngsi-ld/v1/entityOperations/upsert`, { method: 'POST', headers: { 'content-type': 'application/json', link: LINK }, body: JSON.stringify(lights) });
    if (!seeded.ok) throw new Error(`seeding the lights: ${seeded.status}`);
    await postDatex(base, datexSiteTable([SITE]));

    const latencies: number[] = [];
    const start = Date.parse('2026-01-15T21:00:00Z');
    for (let i = 0; i < runs; i++) {
      const heavy = i % 2 === 0; // 2 × 500 veh/h of 1800 → 56 % → M3 (1.0); 2 × 20 → 2 % → M6 (0.3)
      const expected = heavy ? 100 : 30;
      const before = gw.commands.length;
      const t0 = performance.now();
      await postDatex(base, datexMeasuredData(SITE, new Date(start + i * 60_000).toISOString(), heavy ? [500, 500] : [20, 20]));
      const got = await until(async () => {
        const mine = gw.commands.slice(before).filter((c) => c.level === expected);
        return mine.length >= near ? mine : undefined;
      }, `run ${i}: ${near} commands at ${expected} %`, 15_000);
      latencies.push(Math.max(...got.map((c) => c.at)) - t0);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return { runs, latencyMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]) } };
  } finally {
    await server?.stop();
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
