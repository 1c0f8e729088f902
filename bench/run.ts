/**
 * ECLOR load bench: the real server as a child process, autocannon in this process (one core each on a
 * 2-core machine), four NGSI-LD scenarios compared with FIWARE's published Orion-LD figures.
 *
 * Run:  npm run bench          (builds, then node dist/bench/run.js)
 *       BENCH_DURATION=5 BENCH_RUNS=1 npm run bench      (quick check)
 *
 * Env:  BENCH_CONNECTIONS  concurrent connections (default 32)
 *       BENCH_DURATION     seconds per run (default 10)
 *       BENCH_RUNS         runs per scenario; the median req/s and p99 are reported with the min–max (default 3)
 *       BENCH_SCENARIOS    comma list of scenario keys to run: get,update,query,batch,uplink,datex,notify,rule (default all)
 *       BENCH_NOTIFY_SECONDS  seconds of paced updates per notification run (default 20)
 *       BENCH_PROFILE=1    run the server with --cpu-prof (profile kept in the temp dir) and print its top functions
 *       BENCH_WARMUP       seconds of the uncounted warm-up run before each scenario's runs (default 3; 0: none)
 *
 * Steps: start the server (free port on 127.0.0.1, fresh temp DATA_DIR, LOG_LEVEL=warn), wait for /health;
 * seed exactly 10,000 TrafficFlowObserved entities (100 batch requests × 100, `bucket` = i % 500) and check
 * the counts; run GET by id, attribute update, query, ChirpStack uplinks, then batch create, each after
 * a `sync` (the previous scenario's dirty pages go to disk first, not into this one's runs) and an
 * uncounted warm-up run (JIT, caches; the uplink scenario's first frames create its 2,000 entities);
 * print the table and the notes;
 * write bench/results/<ISO date>.json and latest.json; stop the server (SIGTERM) and delete the temp dir.
 *
 * Batch create runs LAST and creates Streetlight entities (another type): the reads, updates, queries
 * and uplinks are measured against a store of the 10,000 base entities (plus the uplinks' 2,000), and
 * `type=TrafficFlowObserved&q=bucket==N` selects 20 of 10,000 (0.2 %) whatever the order.
 *
 * Exit code: 0 when the bench ran (PASS or MISS), 1 when it could not (server crash, seed failure).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/project-root';
import { runScenario, type RunResult } from './measure';
import { machine, notes, summarize, table, writeResults, type ScenarioSummary } from './report';
import { profileArgs, summarizeProfile } from './profile';
import { SCENARIOS, seed, uplinkScenario, verify } from './scenarios';
import { datexRun, writeTerritory, type DatexResult } from './feeds';
import { notifyRun, type NotifyResult } from './notify';
import { lightingRuleRun } from './lighting-rule';
import { dataDirFiles, startServer, type Server } from './server';

function envInt(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: expected an integer in ${min}..${max}`);
  return n;
}

/** Flushes the machine's dirty pages (sync(1)), so that a scenario does not pay for the previous one's writes. */
function settleDisk(): void {
  try {
    execFileSync('sync', { timeout: 60_000 });
  } catch {
    // no sync(1) (not Linux/Unix): the runs go on without it
  }
}

async function main(): Promise<void> {
  const connections = envInt('BENCH_CONNECTIONS', 32, 1, 1024);
  const duration = envInt('BENCH_DURATION', 10, 1, 300);
  const runs = envInt('BENCH_RUNS', 3, 1, 20);
  const warmup = envInt('BENCH_WARMUP', 3, 0, 60);
  const only = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  const root = projectRoot();
  // the batch creation runs last: its hundreds of thousands of entities would change what the others measure
  const ordered = [...SCENARIOS.filter((s) => s.key !== 'batch'), uplinkScenario(root), ...SCENARIOS.filter((s) => s.key === 'batch')];
  const scenarios = ordered.filter((s) => !only?.length || only.includes(s.key));
  const wantDatex = !only?.length || only.includes('datex');
  const wantNotify = !only?.length || only.includes('notify');
  const wantRule = !only?.length || only.includes('rule');
  const territoryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-bench-territory-'));

  console.log(`ECLOR bench: ${connections} connections, ${duration} s × ${runs} runs per scenario, ${JSON.stringify(machine())}`);
  const profileDir = path.join(os.tmpdir(), `eclor-bench-profile-${Date.now()}`); // kept: open it in Chrome DevTools
  const profile = process.env.BENCH_PROFILE === '1';
  const server: Server = await startServer(root, profile ? profileArgs(profileDir) : [], 20_000, { TERRITORY_FILE: writeTerritory(territoryDir) });
  const stopOnSignal = (): void => void server.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    console.log(`server pid ${server.pid} at ${server.base}, DATA_DIR ${server.dataDir}`);
    const seedMs = await seed(server.base);
    console.log(`seeded 10,000 entities in ${seedMs} ms`);
    const checks = await verify(server.base);
    for (const c of checks) console.log(`  ✓ ${c}`);

    const summaries: ScenarioSummary[] = [];
    for (const s of scenarios) {
      settleDisk();
      if (warmup > 0) {
        const w = await runScenario(s, { base: server.base, connections, duration: warmup, pid: server.pid });
        console.log(`  ${s.key} warm-up (${warmup} s, not counted): ${Math.round(w.rate)} ${s.unit}, p99 ${w.p99} ms`);
      }
      const results: RunResult[] = [];
      for (let i = 1; i <= runs; i++) {
        const r = await runScenario(s, { base: server.base, connections, duration, pid: server.pid });
        results.push(r);
        const bad = r.unexpected + r.errors + r.timeouts;
        console.log(
          `  ${s.key} run ${i}/${runs}: ${Math.round(r.rate)} ${s.unit}, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, ` +
            `server CPU ${r.usage.serverCpu} %, bench CPU ${r.usage.benchCpu} %, RSS ${r.usage.serverRssMiB ?? '?'} MiB, wrote ${r.usage.serverWriteMiB ?? '?'} MiB` +
            (bad ? `, ⚠ ${r.unexpected} unexpected ${JSON.stringify(r.statusCodes)} ${r.errors} errors ${r.timeouts} timeouts` : ''),
        );
        const exit = server.exited();
        if (exit) throw new Error(`server exited during ${s.key}: ${JSON.stringify(exit)}\n${server.logTail().join('\n')}`);
      }
      const files = dataDirFiles(server.dataDir);
      console.log(`  DATA_DIR after ${s.key}: ${files.join(', ')}`);
      summaries.push({ ...summarize(s, results), dataDirAfter: files });
    }

    let datex: DatexResult | undefined;
    if (wantDatex) {
      settleDisk();
      datex = await datexRun(root);
      console.log(
        `  datex: ${(datex.bytes / 1048576).toFixed(1)} MB DATEX II publication streamed in ${datex.seconds.toFixed(2)} s (target < 10 s), ` +
          `server peak RSS ${datex.peakRssMiB ?? '?'} MiB (target < 200 MiB; ${datex.baselineRssMiB ?? '?'} MiB before), HTTP ${datex.status}, ${datex.entities} TrafficFlowObserved`,
      );
    }
    const notify: NotifyResult[] = [];
    if (wantNotify) {
      for (let i = 1; i <= runs; i++) {
        const r = await notifyRun(root, { rate: 500, seconds: envInt('BENCH_NOTIFY_SECONDS', 20, 1, 300) });
        notify.push(r);
        console.log(
          `  notify run ${i}/${runs}: ${r.subscriptions} subscriptions, ${r.rate} updates/s × ${r.seconds} s: notification latency p50 ${r.latencyMs.p50} ms, ` +
            `p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms (target ≤ 50 ms), max ${r.latencyMs.max} ms; ${r.received}/${r.updates - r.updateErrors} received, ` +
            `${r.lost} lost, ${r.duplicates} duplicates, ${r.outOfOrder} out of order; update ack p99 ${r.updateAckMs.p99} ms, ${r.updateErrors} update errors`,
        );
      }
      const p99s = notify.map((r) => r.latencyMs.p99).sort((a, b) => a - b);
      console.log(`  notify: median p99 ${p99s[Math.floor(p99s.length / 2)]} ms over ${notify.length} run(s), ${notify.reduce((n, r) => n + r.lost, 0)} lost in all`);
    }
    let rule: Awaited<ReturnType<typeof lightingRuleRun>> | undefined;
    if (wantRule) {
      rule = await lightingRuleRun(root);
      console.log(`  rule: adaptive lighting, DATEX II message → TALQ command at the gateway, ${rule.runs} runs: p50 ${rule.latencyMs.p50} ms, p99 ${rule.latencyMs.p99} ms, max ${rule.latencyMs.max} ms`);
    }
    console.log('\n' + table(summaries));
    const lines = notes(summaries);
    if (lines.length) console.log('\n' + lines.join('\n'));
    const log = server.logTail();
    if (log.length) console.log(`\nserver log (warn and above, last ${log.length} lines):\n${log.join('\n')}`);
    const file = writeResults(path.join(root, 'bench', 'results'), {
      date: new Date().toISOString(),
      machine: machine(),
      settings: { connections, duration, runs, warmupSeconds: warmup, baseEntities: 10_000, buckets: 500, batchSize: 100 },
      seedMs,
      checks,
      scenarios: summaries,
      datex,
      notify,
      rule,
      serverLog: log,
    });
    console.log(`\nresults: ${path.relative(root, file)} (and bench/results/latest.json)`);
  } finally {
    await server.stop();
    fs.rmSync(territoryDir, { recursive: true, force: true });
    if (profile) console.log('\n' + summarizeProfile(profileDir, root).join('\n'));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exitCode = 1;
});
