/**
 * The server under test as a child process (`node dist/src/main.js`) on a free loopback port with a
 * fresh temporary DATA_DIR (Node-RED off unless `extraEnv` turns it on: broker figures are broker-only), plus a sampler of its CPU% and RSS read from /proc (falls back to `ps`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Server {
  pid: number;
  base: string;
  dataDir: string;
  /** Last lines the server wrote to stdout/stderr (LOG_LEVEL=warn: warnings and errors only). */
  logTail(): string[];
  /** Whether it exited on its own (a crash). */
  exited(): { code: number | null; signal: string | null } | undefined;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the server and resolves once GET /health answers 200 (at most `timeoutMs`). */
export async function startServer(root: string, nodeArgs: string[] = [], timeoutMs = 20_000, extraEnv: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-bench-'));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/src/main.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_RED: 'off', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(line.slice(0, 500));
    if (tail.length > 50) tail.splice(0, tail.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: { code: number | null; signal: string | null } | undefined;
  const exitP = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exit = { code, signal }), resolve())));
  const base = `http://127.0.0.1:${port}`;
  const server: Server = {
    pid: child.pid ?? -1,
    base,
    dataDir,
    logTail: () => [...tail],
    exited: () => exit,
    async stop() {
      if (!exit) {
        child.kill('SIGTERM');
        const done = await Promise.race([exitP.then(() => true), sleep(15_000).then(() => false)]);
        if (!done) {
          child.kill('SIGKILL');
          await Promise.race([exitP, sleep(5_000)]);
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exit) {
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return server;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`server did not become healthy within ${timeoutMs} ms; exit=${JSON.stringify(exit)}; log:\n${tail.join('\n')}`);
}

/** Files of DATA_DIR (recursively) with their size in MiB, largest first, e.g. "default.sqlite-wal 412". */
export function dataDirFiles(dir: string): string[] {
  const out: [string, number][] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push([path.relative(dir, p), fs.statSync(p).size]);
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return out.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f, n]) => `${f} ${(n / 1048576).toFixed(1)} MiB`);
}

/** CPU ticks (utime+stime) of a process from /proc, or undefined when unavailable. */
function procTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5), after pid and comm
  } catch {
    return undefined;
  }
}

function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    try {
      return Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024);
    } catch {
      return undefined;
    }
  }
}

export interface Usage {
  /** Server CPU % of one core, averaged over the window (100 = one core saturated). */
  serverCpu: number;
  /** Bench (load generator) process CPU % of one core over the same window. */
  benchCpu: number;
  /** Server RSS at the end of the window, MiB. */
  serverRssMiB?: number;
  /** Bytes the server caused to be written to storage during the window (/proc/<pid>/io), MiB. */
  serverWriteMiB?: number;
}

function writeBytes(pid: number): number | undefined {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts measuring CPU of the server and of this process; call the result to stop and read. */
export function measureUsage(pid: number): () => Usage {
  const hz = 100; // USER_HZ on Linux
  const t0 = process.hrtime.bigint();
  const ticks0 = procTicks(pid);
  const self0 = process.cpuUsage();
  const written0 = writeBytes(pid);
  return () => {
    const written1 = writeBytes(pid);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const self = process.cpuUsage(self0);
    const ticks1 = procTicks(pid);
    let serverCpu: number;
    if (ticks0 !== undefined && ticks1 !== undefined) serverCpu = ((ticks1 - ticks0) * (1000 / hz) * 100) / wallMs;
    else {
      // `ps` reports the lifetime average on Linux; good enough as a fallback elsewhere
      try {
        serverCpu = Number(execFileSync('ps', ['-o', '%cpu=', '-p', String(pid)]).toString().trim());
      } catch {
        serverCpu = NaN;
      }
    }
    const benchCpu = ((self.user + self.system) / 1000 / wallMs) * 100;
    const serverWriteMiB = written0 !== undefined && written1 !== undefined ? Math.round((written1 - written0) / 1048576) : undefined;
    return { serverCpu: Math.round(serverCpu), benchCpu: Math.round(benchCpu), serverRssMiB: rssMiB(pid), serverWriteMiB };
  };
}
