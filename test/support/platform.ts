/**
 * The whole platform (src/main.ts, from the TypeScript sources) in a child process on 127.0.0.1 with a
 * free port, for end-to-end tests that need the real Node-RED runtime (it cannot start twice in one
 * process, and its node loader's import() does not run inside jest's VM). Resolves once the server
 * listens and Node-RED has started (or reported that it did not).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Platform {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:40123 */
  base: string;
  /** Everything the process printed so far. */
  out: () => string;
  exited: Promise<number | null>;
}

/**
 * @example
 * const p = await startPlatform({ DATA_DIR: dir, FLOWS_DIR: flows });
 * await fetch(`${p.base}/node-red/flows`);
 * p.child.kill('SIGTERM'); await p.exited;
 */
export function startPlatform(env: Record<string, string>, timeoutMs = 90_000): Promise<Platform> {
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test/support/ts-register.js'), path.join(ROOT, 'src/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start: ${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = /"port":(\d+)/.exec(out)?.[1];
      if (port && /Node-RED (editor at|did not start)/.test(out)) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${port}`, out: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited ${code}: ${out}`));
    });
  });
}
