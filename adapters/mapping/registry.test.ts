/** The directory registry: add, change and break mapping files; the others keep working. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMappingRegistry, type MappingRegistry } from './registry';
import { BASE_MAPPING, env, exampleFile, message } from './test-support.fixture';

const log = { info: jest.fn(), warn: jest.fn() };
let dir: string;
let registry: MappingRegistry | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mappings-'));
  fs.copyFileSync(exampleFile('waste-bin', '.yaml'), path.join(dir, 'waste-bin.yaml'));
  log.info.mockClear();
  log.warn.mockClear();
});
afterEach(() => {
  registry?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const body = JSON.stringify({ id: 'B1', level: 40 });

test('reload: add, change, break, remove', () => {
  registry = createMappingRegistry(dir, log, { watch: false });
  expect(registry.list().map((m) => m.name)).toEqual(['waste-bin']);
  expect(registry.get('waste-bin')?.path).toBe('/ingest/mapping/waste-bin');
  expect(registry.get('probe')).toBeUndefined();

  write('probe.yml', BASE_MAPPING);
  write('notes.txt', 'not a mapping');
  expect(registry.reload()).toEqual({ loaded: ['probe', 'waste-bin'], errors: [] });
  expect(registry.get('probe')?.handle(message(body), env).entities[0].fillingLevel).toMatchObject({ value: 0.4 });

  write('probe.yml', BASE_MAPPING.replace('payload.level | percent', 'payload.level / 1000'));
  registry.reload();
  expect(registry.get('probe')?.handle(message(body), env).entities[0].fillingLevel).toMatchObject({ value: 0.04 });

  // broken while being edited: its last good version stays in use, and the error is reported
  write('probe.yml', BASE_MAPPING.replace('payload.level | percent', 'payload.level +'));
  const broken = registry.reload();
  expect(broken.loaded).toEqual(['waste-bin']);
  expect(broken.errors).toEqual([{ file: 'probe.yml', error: expect.stringMatching(/^probe\.yml:11: \/attributes\/fillingLevel\/expr: expression/), kept: 'probe' }]);
  expect(registry.status()).toEqual(broken);
  expect(registry.get('probe')?.handle(message(body), env).entities[0].fillingLevel).toMatchObject({ value: 0.04 });
  expect(registry.adapters().map((a) => a.name).sort()).toEqual(['mapping/probe', 'mapping/waste-bin']);
  expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ file: 'probe.yml', kept: 'probe' }), 'mapping skipped');
  expect(registry.reload().errors[0].kept).toBe('probe'); // still broken: still kept

  fs.rmSync(path.join(dir, 'probe.yml'));
  expect(registry.reload()).toEqual({ loaded: ['waste-bin'], errors: [] });
  expect(registry.get('probe')).toBeUndefined();

  // a file broken from the start has no good version to keep
  write('new.yml', BASE_MAPPING.replace('name: probe', 'name: fresh').replace('payload.level | percent', 'payload.level +'));
  expect(registry.reload().errors).toEqual([{ file: 'new.yml', error: expect.any(String) }]);
});

test('a name used twice: the second file is skipped', () => {
  write('z-copy.yaml', fs.readFileSync(exampleFile('waste-bin', '.yaml'), 'utf8'));
  registry = createMappingRegistry(dir, log, { watch: false });
  expect(registry.reload()).toEqual({ loaded: ['waste-bin'], errors: [{ file: 'z-copy.yaml', error: expect.stringMatching(/already used by waste-bin\.yaml/) }] });
});

test('a missing directory is reported, not thrown', () => {
  registry = createMappingRegistry(path.join(dir, 'nope'), log);
  expect(registry.list()).toEqual([]);
  expect(registry.reload().errors).toEqual([{ file: path.join(dir, 'nope'), error: expect.stringMatching(/cannot read/) }]);
});

const until = async (ok: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return ok();
};

test('a directory missing at start is picked up once it exists', async () => {
  const later = path.join(dir, 'later');
  registry = createMappingRegistry(later, log, { debounceMs: 20, retryMs: 50 });
  expect(registry.list()).toEqual([]);
  fs.mkdirSync(later);
  fs.writeFileSync(path.join(later, 'probe.yaml'), BASE_MAPPING);
  expect(await until(() => registry!.get('probe') !== undefined)).toBe(true);
  // and watched from then on
  fs.writeFileSync(path.join(later, 'probe.yaml'), BASE_MAPPING.replace('payload.level | percent', 'payload.level / 1000'));
  expect(await until(() => (registry!.get('probe')?.handle(message(body), env).entities[0].fillingLevel as { value?: number } | undefined)?.value === 0.04)).toBe(true);
});

test('a directory removed and put back: the mappings stay in use meanwhile, and the new directory is watched', async () => {
  registry = createMappingRegistry(dir, log, { debounceMs: 20, retryMs: 50 });
  const copy = fs.readFileSync(path.join(dir, 'waste-bin.yaml'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  expect(await until(() => registry!.status().errors.some((e) => /cannot read the mappings directory/.test(e.error)))).toBe(true);
  expect(registry.status().loaded).toEqual(['waste-bin']);
  expect(registry.get('waste-bin')).toBeDefined();
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'waste-bin.yaml'), copy);
  fs.writeFileSync(path.join(dir, 'probe.yaml'), BASE_MAPPING);
  expect(await until(() => registry!.get('probe') !== undefined && registry!.status().errors.length === 0)).toBe(true);
  expect(registry.get('waste-bin')).toBeDefined();
});

test('watch: a new file is picked up without reload()', async () => {
  registry = createMappingRegistry(dir, log, { debounceMs: 20 });
  write('probe.yaml', BASE_MAPPING);
  const deadline = Date.now() + 5000;
  while (!registry.get('probe') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(registry.get('probe')?.name).toBe('mapping/probe');
});

test('onReload: listeners run after each reload, until removed; a failing one is logged', () => {
  registry = createMappingRegistry(dir, log, { watch: false });
  const seen: string[][] = [];
  const off = registry.onReload((r) => seen.push(r.loaded));
  registry.onReload(() => {
    throw new Error('boom');
  });
  write('probe.yml', BASE_MAPPING);
  registry.reload();
  off();
  registry.reload();
  expect(seen).toEqual([['probe', 'waste-bin']]);
  expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ error: 'boom' }), 'mappings reload listener failed');
});
