/**
 * Feed benchmarks (issue 3): ChirpStack uplinks per second end to end (webhook → Axioma W1 codec →
 * NGSI-LD entities → embedded broker), and a 50 MB DATEX II publication streamed to the webhook
 * (time and the server's peak RSS). The uplink scenario is one more autocannon scenario of run.ts;
 * the DATEX II run uses its own fresh server so that its peak RSS is the parse's. Besides the wall time,
 * it reports the server's CPU seconds and the MiB it wrote to storage: on a shared machine those two
 * vary far less than the wall time, so compare them between versions.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { writeBigPublication } from '../adapters/mobility/datex2/big-publication.fixture';
import { startServer } from './server';

export const METERS = 1000;
const hex = (i: number): string => i.toString(16).padStart(16, '0');

/** A territory file with METERS Axioma W1 meters; returns its path. */
export function writeTerritory(dir: string): string {
  const file = path.join(dir, 'bench-territory.json');
  const devices = Array.from({ length: METERS }, (_, i) => ({ devEui: hex(i + 1), meterId: `BENCH-${i + 1}`, codec: 'axioma-qalcosonic-w1', location: [3.87, 43.6] }));
  fs.writeFileSync(file, JSON.stringify({ territory: 'bench', devices }));
  return file;
}

/** The reference ChirpStack v4 `up` event (Axioma W1 frame) with placeholders for the device, the frame and the time. */
function uplinkTemplate(root: string): { text: string; frame: Buffer } {
  const event = JSON.parse(fs.readFileSync(path.join(root, 'adapters/water/fixtures/chirpstack-up-axioma.input.json'), 'utf8'));
  const frame = Buffer.from(event.data as string, 'base64');
  event.data = '@@DATA@@';
  event.time = '@@TIME@@';
  return { text: JSON.stringify(event).replaceAll('0101010101010101', '@@EUI@@'), frame };
}

/**
 * ChirpStack uplinks of METERS meters, each frame a new reading, as meters send them: one meter after
 * the other (each reports at its own second of the hour, so they come round in turn), its meter time
 * one hour later than its previous frame and its volume higher (Axioma W1 bytes 1–4 and 6–9), the
 * network server's time 28 s after the meter's. So every uplink changes the stored values, their
 * times and their index rows, as real traffic does. In turn rather than at random: two frames of one
 * meter in flight together could be written in the other order, and the later one refused as out of
 * order (409), which real meters, an hour apart, never cause.
 */
export function uplinkRequests(root: string): () => autocannon.Request[] {
  const { text, frame } = uplinkTemplate(root);
  const t0 = frame.readUInt32LE(1);
  const v0 = frame.readUInt32LE(6);
  const sent = new Uint32Array(METERS);
  let next = 1;
  const body = (meter: number): string => {
    const n = ++sent[meter];
    const time = t0 + meter * 3 + n * 3600; // meters report at their own second of the hour
    const data = Buffer.from(frame);
    data.writeUInt32LE(time, 1);
    data.writeUInt32LE(v0 + n * 37, 6);
    return text
      .replaceAll('@@EUI@@', hex(meter + 1))
      .replace('@@DATA@@', data.toString('base64'))
      .replace('@@TIME@@', new Date((time + 28) * 1000).toISOString());
  };
  return () => [
    {
      method: 'POST',
      path: '/ingest/water/chirpstack?event=up',
      headers: { 'content-type': 'application/json' },
      body: body(0),
      setupRequest: (req) => ({ ...req, body: body(next++ % METERS) }),
    },
  ];
}

function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) and bytes written to storage by a process so far, from /proc: both
 * depend little on what else runs on the machine, unlike the wall time. Undefined off Linux.
 */
function processWork(pid: number): { cpuSeconds: number; writtenBytes: number } | undefined {
  try {
    // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks (100 per second on Linux); the
    // command name (field 2) may hold spaces, so count from the closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const io = /write_bytes:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'));
    return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, writtenBytes: io ? Number(io[1]) : 0 };
  } catch {
    return undefined;
  }
}

function postFile(base: string, file: string): Promise<{ status: number; body: string }> {
  const url = new URL('/ingest/mobility/datex2', base);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/xml', 'content-length': fs.statSync(file).size } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

export interface DatexResult {
  bytes: number;
  seconds: number;
  status: number;
  peakRssMiB?: number;
  baselineRssMiB?: number;
  entities?: number;
  /** CPU seconds the server spent on the document (user + system). */
  serverCpuSeconds?: number;
  /** MiB the server wrote to storage meanwhile (SQLite database and WAL). */
  serverWrittenMiB?: number;
}

/** Streams a synthetic 50 MB MeasuredDataPublication to a fresh server; time and peak RSS. */
export async function datexRun(root: string, bytes = 50 * 1024 * 1024): Promise<DatexResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-datex-'));
  const file = path.join(dir, 'publication.xml');
  await writeBigPublication(file, bytes);
  const server = await startServer(root);
  try {
    const baselineRssMiB = peakRssMiB(server.pid);
    const before = processWork(server.pid);
    const t0 = process.hrtime.bigint();
    const res = await postFile(server.base, file);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = processWork(server.pid);
    const work =
      before && after
        ? { serverCpuSeconds: Math.round((after.cpuSeconds - before.cpuSeconds) * 100) / 100, serverWrittenMiB: Math.round((after.writtenBytes - before.writtenBytes) / 1048576) }
        : {};
    const count = await fetch(`${server.base}/ngsi-ld/v1/entities?type=TrafficFlowObserved&count=true&limit=0`, {
      headers: { link: '<https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"' },
    });
    return { bytes: fs.statSync(file).size, seconds, status: res.status, peakRssMiB: peakRssMiB(server.pid), baselineRssMiB, entities: Number(count.headers.get('ngsild-results-count')), ...work };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
