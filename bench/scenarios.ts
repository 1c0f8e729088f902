/**
 * The dataset (seed + checks) and the four measured scenarios. Each scenario says which status is a
 * success, how many entities a successful request is worth, and its target (FIWARE's published
 * Orion-LD figures on 2 CPUs).
 */
import type autocannon from 'autocannon';
import { uplinkRequests } from './feeds';
import { BASE_COUNT, BASE_TYPE, BATCH_SIZE, BATCH_TYPE, BUCKETS, baseId, randomIndex, streetlight, trafficFlow, updateBody } from './entities';

export const API = '/ngsi-ld/v1';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export interface Scenario {
  key: string;
  title: string;
  /** The status that counts as success; anything else is reported as an error of the scenario. */
  okStatus: number;
  /** Entities per successful request (100 for the batch, 1 otherwise): throughput = ok/s × factor. */
  factor: number;
  unit: 'req/s' | 'entities/s';
  target: number;
  /** p99 ceiling in ms for single operations. */
  p99Target?: number;
  /** Fresh request list for one autocannon run. */
  requests(): autocannon.Request[];
}

const P99_MS = 20;
let batchCounter = 0;
const runTag = Date.now().toString(36);

/** 100 Streetlights as one JSON string with a placeholder in the ids: building a request is one replaceAll. */
const batchTemplate = JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, j) => streetlight(`@@K@@-${j}`, j)));
const updateBodies = Array.from({ length: 64 }, (_, n) => updateBody(n * 37));

const entityPath = (i: number): string => `${API}/entities/${encodeURIComponent(baseId(i))}`;
export const queryPath = (bucket: number, extra = ''): string =>
  `${API}/entities?type=${BASE_TYPE}&q=${encodeURIComponent(`bucket==${bucket}`)}${extra}`;

/** Issue 3: ChirpStack uplinks end to end (webhook → codec → entities → broker), target ≥ 5,000/s. */
export function uplinkScenario(root: string): Scenario {
  return { key: 'uplink', title: 'ChirpStack uplinks (Axioma W1, 1,000 meters)', okStatus: 204, factor: 1, unit: 'req/s', target: 5000, requests: uplinkRequests(root) };
}

/** In this order: reads and updates run on exactly the 10,000 base entities; the batch runs last (see run.ts). */
export const SCENARIOS: Scenario[] = [
  {
    key: 'get', title: 'GET by id', okStatus: 200, factor: 1, unit: 'req/s', target: 7700, p99Target: P99_MS,
    requests: () => [{ method: 'GET', path: entityPath(0), headers: { accept: 'application/json' },
      setupRequest: (req) => ({ ...req, path: entityPath(randomIndex(BASE_COUNT)) }) }],
  },
  {
    key: 'update', title: 'attribute update', okStatus: 204, factor: 1, unit: 'req/s', target: 3500, p99Target: P99_MS,
    requests: () => [{ method: 'PATCH', path: `${entityPath(0)}/attrs`, headers: JSON_HEADERS, body: updateBodies[0],
      setupRequest: (req) => ({ ...req, path: `${entityPath(randomIndex(BASE_COUNT))}/attrs`, body: updateBodies[randomIndex(updateBodies.length)] }) }],
  },
  {
    key: 'query', title: 'query q=bucket==N (20 of 10k)', okStatus: 200, factor: 1, unit: 'req/s', target: 4000, p99Target: P99_MS,
    requests: () => [{ method: 'GET', path: queryPath(0), headers: { accept: 'application/json' },
      setupRequest: (req) => ({ ...req, path: queryPath(randomIndex(BUCKETS)) }) }],
  },
  {
    key: 'batch', title: `batch create (${BATCH_SIZE}/req, ${BATCH_TYPE})`, okStatus: 201, factor: BATCH_SIZE, unit: 'entities/s', target: 30_000,
    requests: () => [{ method: 'POST', path: `${API}/entityOperations/create`, headers: JSON_HEADERS, body: '[]',
      setupRequest: (req) => ({ ...req, body: batchTemplate.replaceAll('@@K@@', `${runTag}-${++batchCounter}`) }) }],
  },
];

async function call(base: string, path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Creates the 10,000 TrafficFlowObserved base entities: 100 batch requests of 100, 4 in flight. */
export async function seed(base: string): Promise<number> {
  const t0 = Date.now();
  const batches = BASE_COUNT / BATCH_SIZE;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let b = next++; b < batches; b = next++) {
      const body = JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, j) => trafficFlow(b * BATCH_SIZE + j)));
      const res = await call(base, `${API}/entityOperations/create`, { method: 'POST', headers: JSON_HEADERS, body });
      if (res.status !== 201) throw new Error(`seed batch ${b}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return Date.now() - t0;
}

async function count(base: string, path: string): Promise<number> {
  const res = await call(base, path, { headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return Number(res.headers.get('ngsild-results-count'));
}

/** Checks the dataset: 10,000 base entities, 20 per bucket (count=true and the page itself), GET/PATCH work. */
export async function verify(base: string): Promise<string[]> {
  const notes: string[] = [];
  const total = await count(base, `${API}/entities?type=${BASE_TYPE}&count=true&limit=0`);
  if (total !== BASE_COUNT) throw new Error(`expected ${BASE_COUNT} ${BASE_TYPE} entities, found ${total}`);
  notes.push(`${total} ${BASE_TYPE} entities`);
  for (const bucket of [0, 1 + randomIndex(BUCKETS - 1)]) {
    const n = await count(base, queryPath(bucket, '&count=true&limit=0'));
    const page = await call(base, queryPath(bucket), { headers: { accept: 'application/json' } });
    const len = page.status === 200 ? (JSON.parse(page.text) as unknown[]).length : -1;
    if (n !== 20 || len !== 20) throw new Error(`q=bucket==${bucket}: count=${n}, page length=${len} (HTTP ${page.status}), expected 20`);
    notes.push(`q=bucket==${bucket} → count 20, page 20`);
  }
  const get = await call(base, entityPath(42), { headers: { accept: 'application/json' } });
  if (get.status !== 200) throw new Error(`GET ${baseId(42)}: HTTP ${get.status} ${get.text.slice(0, 300)}`);
  const attrs = Object.keys(JSON.parse(get.text) as object).length - 2;
  const patch = await call(base, `${entityPath(42)}/attrs`, { method: 'PATCH', headers: JSON_HEADERS, body: updateBodies[1] });
  if (patch.status !== 204) throw new Error(`PATCH ${baseId(42)}/attrs: HTTP ${patch.status} ${patch.text.slice(0, 300)}`);
  notes.push(`GET → 200 (${attrs} attributes), PATCH attrs → 204, GET body ${get.text.length} bytes`);
  return notes;
}
