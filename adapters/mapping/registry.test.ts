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
  expect(broken.loaded).toEqual(['probe', 'waste-bin']); // in use, in its last good version
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

test('first come, first served: a file added later with a name in use is refused, the running mapping stays', () => {
  write('a-probe.yaml', BASE_MAPPING);
  registry = createMappingRegistry(dir, log, { watch: false });
  // a newcomer whose file name sorts after, then one whose file name sorts before, the running one
  write('z-probe.yaml', BASE_MAPPING.replace('payload.level | percent', 'payload.level / 1000'));
  write('0-probe.yaml', BASE_MAPPING.replace('payload.level | percent', 'payload.level / 1000'));
  expect(registry.reload()).toEqual({
    loaded: ['probe', 'waste-bin'],
    errors: [
      { file: '0-probe.yaml', error: '0-probe.yaml: mapping name "probe" is already used by a-probe.yaml' },
      { file: 'z-probe.yaml', error: 'z-probe.yaml: mapping name "probe" is already used by a-probe.yaml' },
    ],
  });
  expect(registry.get('probe')?.handle(message(body), env).entities[0].fillingLevel).toMatchObject({ value: 0.4 });
  // the running one goes: a newcomer takes the name at the next reload
  fs.rmSync(path.join(dir, 'a-probe.yaml'));
  expect(registry.reload().errors).toEqual([{ file: 'z-probe.yaml', error: expect.stringMatching(/already used by 0-probe\.yaml/) }]);
});

test('MQTT topics: the same topic is refused to a newcomer, an overlapping one is reported', () => {
  const mqtt = (name: string, topic: string) => BASE_MAPPING.replace('name: probe', `name: ${name}`).replace('  http: {}', `  mqtt: { topic: '${topic}' }`);
  write('m-first.yaml', mqtt('first', 'bins/+/up'));
  registry = createMappingRegistry(dir, log, { watch: false });
  write('a-same.yaml', mqtt('same', 'bins/+/up'));
  write('b-wide.yaml', mqtt('wide', 'bins/#'));
  const r = registry.reload();
  expect(r.loaded).toEqual(['first', 'waste-bin', 'wide']);
  expect(r.errors).toEqual([{ file: 'a-same.yaml', error: "a-same.yaml: MQTT topic 'bins/+/up' is already read by mapping first (m-first.yaml)" }]);
  expect(r.warnings).toEqual([
    { file: 'b-wide.yaml', warning: "MQTT topic 'bins/#' overlaps 'bins/+/up' of mapping first (m-first.yaml): the messages of topics both match go to first only (it was there first)" },
  ]);
  expect(registry.list().map((m) => m.name)).toEqual(['first', 'waste-bin', 'wide']); // in the order they came
  expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ file: 'b-wide.yaml' }), 'mapping warning');
  expect(registry.status()).toBe(r);
});

test('a kept version keeps its name against a newcomer', () => {
  write('a-probe.yaml', BASE_MAPPING);
  registry = createMappingRegistry(dir, log, { watch: false });
  write('a-probe.yaml', BASE_MAPPING.replace('payload.level | percent', 'payload.level +'));
  write('0-probe.yaml', BASE_MAPPING);
  const r = registry.reload();
  expect(r.errors).toEqual([
    { file: '0-probe.yaml', error: expect.stringMatching(/already used by a-probe\.yaml/) },
    { file: 'a-probe.yaml', error: expect.stringMatching(/^a-probe\.yaml:11: /), kept: 'probe' },
  ]);
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
