/**
 * One measured autocannon run of a scenario, bounded in time (duration, plus a watchdog) and in count
 * (maxOverallRequests), with the server's CPU/RSS over the run and samples of every unexpected response.
 */
import autocannon from 'autocannon';
import type { Scenario } from './scenarios';
import { measureUsage, type Usage } from './server';

export interface RunResult {
  /** Throughput in the scenario's unit (successful requests/s × factor). */
  rate: number;
  /** All completed requests per second, whatever the status. */
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  /** Completed responses whose status was not the scenario's okStatus (e.g. 207 on the batch). */
  unexpected: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Up to 3 bodies per unexpected status code. */
  samples: Record<string, string[]>;
  durationSec: number;
  usage: Usage;
}

export interface RunOptions {
  base: string;
  connections: number;
  duration: number;
  pid: number;
}

export function runScenario(s: Scenario, o: RunOptions): Promise<RunResult> {
  const samples: Record<string, string[]> = {};
  let ok = 0;
  let unexpected = 0;
  const requests = s.requests().map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if (status === s.okStatus) {
        ok++;
        return;
      }
      unexpected++;
      const list = (samples[status] ??= []);
      if (list.length < 3) list.push(body.slice(0, 600));
    },
  }));
  const usage = measureUsage(o.pid);
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: o.base,
        connections: o.connections,
        duration: o.duration,
        timeout: 10,
        maxOverallRequests: o.duration * 200_000,
        requests,
      },
      (err, r) => {
        clearTimeout(watchdog);
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, v] of Object.entries(r.statusCodeStats)) statusCodes[code] = v.count;
        const sec = r.duration || o.duration;
        resolve({
          rate: (ok * s.factor) / sec,
          reqPerSec: r.requests.total / sec,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          ok,
          unexpected,
          errors: r.errors,
          timeouts: r.timeouts,
          statusCodes,
          samples,
          durationSec: sec,
          usage: usage(),
        });
      },
    );
    // autocannon stops itself after `duration`; this only guards against a hang
    const watchdog = setTimeout(() => inst.stop(), (o.duration + 30) * 1000);
  });
}
