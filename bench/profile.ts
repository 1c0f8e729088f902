/**
 * Opt-in server CPU profile (BENCH_PROFILE=1): the server runs with `node --cpu-prof`, and at the end the
 * .cpuprofile is summarised as the top self-time functions and files. The profile covers the whole server
 * life (seed included), so profile one scenario at a time: BENCH_PROFILE=1 BENCH_SCENARIOS=query npm run bench
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Node flags that make the server write its profile into `dir` at exit. */
export const profileArgs = (dir: string): string[] => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

function shortUrl(url: string, root: string): string {
  if (!url) return '(native)';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  return p.startsWith(root) ? path.relative(root, p) : p;
}

/**
 * Top `n` self-time entries by function and by file of the main thread's profile in `dir` (the largest
 * file: worker threads, such as the WAL checkpointer, write their own smaller profiles).
 */
export function summarizeProfile(dir: string, root: string, n = 15): string[] {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const last = files.sort((a, b) => fs.statSync(path.join(dir, a)).size - fs.statSync(path.join(dir, b)).size).at(-1);
  if (!last) return [`no .cpuprofile in ${dir}`];
  const prof = JSON.parse(fs.readFileSync(path.join(dir, last), 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const cf = byId.get(id)?.callFrame;
    if (!cf) return;
    total += dt;
    if (cf.functionName === '(idle)') return;
    const file = shortUrl(cf.url, root);
    const fn = `${cf.functionName || '(anonymous)'} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
  });
  const top = (m: Map<string, number>): string[] =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  return [`profile ${path.join(dir, last)} (${(total / 1e6).toFixed(1)} s sampled)`, 'self time by function:', ...top(byFn), 'self time by file:', ...top(byFile)];
}
