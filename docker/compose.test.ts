/**
 * What can be checked of the Docker files without a Docker engine: the compose files parse, every
 * variable given to ECLOR is one src/config.ts reads and loadConfig accepts, ports agree with the
 * configuration, BROKER_URL names a service of the same file, depends_on waits only for services with
 * a healthcheck, and the Dockerfile starts the file `npm run build` produces from what it copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config';

const ROOT = path.join(__dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string | number | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = (f: string) => parse(read(f)) as { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The environment variables src/config.ts reads: `env.NAME` or a 'NAME' literal (int(env, 'PORT', …)). */
function configVariables(): Set<string> {
  const text = read('src/config.ts');
  return new Set([...text.matchAll(/env\.([A-Z][A-Z0-9_]*)|'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? m[2]));
}

/** The Dockerfile's instructions (continuation lines joined, comments dropped). */
function dockerfile(): Array<{ op: string; args: string }> {
  return read('docker/Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const FILES = ['docker/compose.yaml', 'docker/compose.orion-ld.yaml'];

describe.each(FILES)('%s', (file) => {
  const { services } = compose(file);
  const eclor = services.eclor;
  const env = Object.fromEntries(Object.entries(eclor.environment ?? {}).map(([k, v]) => [k, String(v)]));

  it('builds ECLOR from docker/Dockerfile with the repository as context', () => {
    expect(eclor.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
  });

  it('gives ECLOR only variables that src/config.ts reads, with values it accepts', () => {
    const known = configVariables();
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('publishes and probes the port ECLOR listens on', () => {
    const { port } = loadConfig(env);
    expect(eclor.ports?.map((p) => Number(p.split(':').at(-1)))).toEqual([port]);
    expect(eclor.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/health`);
  });

  it('points BROKER_URL at a service of this file, on its published container port', () => {
    if (!env.BROKER_URL) return;
    const url = new URL(env.BROKER_URL);
    expect(Object.keys(services)).toContain(url.hostname);
    expect(services[url.hostname].ports?.map((p) => p.split(':').at(-1))).toContain(url.port);
    expect(loadConfig(env).brokerFlavour).toBe('orion-ld');
  });

  it('waits only for services that have a healthcheck, and declares its volumes', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect([name, dep, condition]).toEqual([name, dep, 'service_healthy']);
        expect(services[dep]?.healthcheck).toBeDefined();
      }
    }
    const { volumes } = compose(file);
    const named = Object.values(services).flatMap((s) => ((s as { volumes?: string[] }).volumes ?? []).map((v) => v.split(':')[0]).filter((v) => !v.startsWith('.') && !v.startsWith('/')));
    expect(named.filter((v) => !(volumes && v in volumes))).toEqual([]);
  });
});

describe('docker/Dockerfile', () => {
  const steps = dockerfile();
  const runtime = steps.slice(steps.findLastIndex((s) => s.op === 'FROM'));

  it('starts the file `npm run build` produces, which is package.json main', () => {
    const pkg = JSON.parse(read('package.json')) as { main: string; scripts: { build: string } };
    const project = /-p\s+(\S+)/.exec(pkg.scripts.build)![1];
    const build = JSON.parse(read(project)) as { extends?: string; compilerOptions?: { outDir?: string; rootDir?: string } };
    const base = build.extends ? (JSON.parse(read(build.extends)) as typeof build) : {};
    const opts = { ...base.compilerOptions, ...build.compilerOptions };
    const out = path.posix.join(opts.outDir!, path.posix.relative(opts.rootDir!, 'src/main.ts')).replace(/\.ts$/, '.js');
    const cmd = JSON.parse(runtime.find((s) => s.op === 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', out]);
    expect(pkg.main).toBe(out);
    expect(steps.some((s) => s.op === 'RUN' && s.args.includes('npm run build'))).toBe(true);
  });

  it('runs as a non-root user, with /data as a volume, the configured port exposed and probed', () => {
    const envLine = runtime.filter((s) => s.op === 'ENV').map((s) => s.args).join(' ');
    const env = Object.fromEntries([...envLine.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    const known = configVariables();
    // NODE_ENV is read by express and Node-RED, not by ECLOR's configuration.
    expect(Object.keys(env).filter((k) => k !== 'NODE_ENV' && !known.has(k))).toEqual([]);
    const config = loadConfig(env);
    expect(config.dataDir).toBe('/data');
    expect(runtime.find((s) => s.op === 'USER')?.args).toBe('node');
    expect(runtime.find((s) => s.op === 'VOLUME')?.args).toBe('["/data"]');
    expect(runtime.find((s) => s.op === 'EXPOSE')?.args).toBe(String(config.port));
    expect(runtime.find((s) => s.op === 'HEALTHCHECK')?.args).toContain('/health');
  });

  it('installs production dependencies only in the runtime, and copies sources that exist and are not ignored', () => {
    expect(steps.some((s) => s.op === 'RUN' && /npm ci --omit=dev/.test(s.args))).toBe(true);
    expect(runtime.some((s) => s.op === 'RUN' && /npm (ci|install)/.test(s.args))).toBe(false);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = steps.filter((s) => s.op === 'COPY' && !s.args.includes('--from')).flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect([src, fs.existsSync(path.join(ROOT, src))]).toEqual([src, true]);
      expect([src, ignored.includes(src)]).toEqual([src, false]);
    }
  });
});
