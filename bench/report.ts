/** Aggregation over the runs (median and min–max), the console table, the hints, and the JSON files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from './measure';
import type { Scenario } from './scenarios';

export interface ScenarioSummary {
  key: string;
  title: string;
  unit: string;
  target: number;
  p99Target?: number;
  median: number;
  min: number;
  max: number;
  p99Median: number;
  p99Min: number;
  p99Max: number;
  serverCpuMedian: number;
  benchCpuMedian: number;
  unexpected: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  samples: Record<string, string[]>;
  pass: boolean;
  flagged: boolean;
  runs: RunResult[];
  /** Largest files of DATA_DIR after the scenario (set by run.ts). */
  dataDirAfter?: string[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function summarize(s: Scenario, runs: RunResult[]): ScenarioSummary {
  const rates = runs.map((r) => r.rate);
  const p99s = runs.map((r) => r.p99);
  const statusCodes: Record<string, number> = {};
  const samples: Record<string, string[]> = {};
  for (const r of runs) {
    for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
    for (const [c, b] of Object.entries(r.samples)) samples[c] = [...(samples[c] ?? []), ...b].slice(0, 3);
  }
  const sum = (f: (r: RunResult) => number): number => runs.reduce((a, r) => a + f(r), 0);
  const unexpected = sum((r) => r.unexpected);
  const errors = sum((r) => r.errors);
  const timeouts = sum((r) => r.timeouts);
  const med = median(rates);
  const p99Median = median(p99s);
  const pass = med >= s.target && (s.p99Target === undefined || p99Median <= s.p99Target);
  return {
    key: s.key, title: s.title, unit: s.unit, target: s.target, p99Target: s.p99Target,
    median: med, min: Math.min(...rates), max: Math.max(...rates),
    p99Median, p99Min: Math.min(...p99s), p99Max: Math.max(...p99s),
    serverCpuMedian: median(runs.map((r) => r.usage.serverCpu)),
    benchCpuMedian: median(runs.map((r) => r.usage.benchCpu)),
    unexpected, errors, timeouts, statusCodes, samples,
    pass, flagged: unexpected + errors + timeouts > 0, runs,
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pad = (s: string, n: number): string => s.padEnd(n);

export function table(rows: ScenarioSummary[]): string {
  const head = ['scenario', 'median', 'spread (min–max)', 'p99 median', 'target', 'result'];
  const body = rows.map((r) => [
    r.title + (r.flagged ? ' ⚠' : ''),
    `${fmt(r.median)} ${r.unit}`,
    `${fmt(r.min)}–${fmt(r.max)} (p99 ${r.p99Min}–${r.p99Max} ms)`,
    `${r.p99Median} ms`,
    `≥ ${fmt(r.target)}${r.p99Target !== undefined ? `, p99 ≤ ${r.p99Target} ms` : ''}`,
    (r.pass ? 'PASS' : 'MISS') + (r.flagged ? ' (errors)' : ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => pad(c, widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

/** Errors of flagged scenarios and a "where the time goes" line for every missed target. */
export function notes(rows: ScenarioSummary[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.flagged) {
      out.push(`⚠ ${r.title}: ${r.unexpected} unexpected responses, ${r.errors} errors, ${r.timeouts} timeouts; status codes ${JSON.stringify(r.statusCodes)}`);
      for (const [code, bodies] of Object.entries(r.samples)) for (const b of bodies) out.push(`    ${code}: ${b}`);
    }
    if (!r.pass) {
      const last = r.runs.at(-1);
      const rss = last?.usage.serverRssMiB;
      const wrote = last?.usage.serverWriteMiB;
      const mibPerSec = wrote !== undefined && last ? wrote / last.durationSec : 0;
      const io = wrote !== undefined ? `, wrote ${wrote} MiB to disk (${mibPerSec.toFixed(1)} MiB/s)` : '';
      const cores = os.cpus().length;
      const bound = r.serverCpuMedian >= 90 ? 'server CPU-bound (one core saturated: the cost is in the request path; BENCH_PROFILE=1 shows where)'
        : r.benchCpuMedian >= 90 ? 'load generator CPU-bound (the bench process, not the server, is the limit)'
        : cores <= 2 && r.serverCpuMedian + r.benchCpuMedian >= 130 ? `machine CPU-bound: server + load generator + kernel share ${cores} cores`
        : mibPerSec >= 20 ? 'server waits on disk writes (SQLite WAL/checkpoints): write amplification per request'
        : 'neither process saturated a core: waiting (IO, locks, event-loop stalls) dominates';
      out.push(`↳ ${r.title} missed: server CPU ${r.serverCpuMedian} %, bench CPU ${r.benchCpuMedian} % (median over runs; 100 % = one core)${rss ? `, server RSS ${rss} MiB` : ''}${io} → ${bound}`);
    }
  }
  return out;
}

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Writes results/<ISO date>.json and results/latest.json; returns the dated path. */
export function writeResults(dir: string, data: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const name = new Date().toISOString().replace(/:/g, '-') + '.json';
  const text = JSON.stringify(data, null, 2) + '\n';
  fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'latest.json'), text);
  return path.join(dir, name);
}
