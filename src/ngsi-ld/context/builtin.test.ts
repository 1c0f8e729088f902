import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTermMaps, serializeTermMap } from '../../../scripts/build-contexts';
import { CORE_TERM_MAP, defaultBuiltinDir, loadBuiltinContexts } from './builtin';
import { projectRoot } from '../../project-root';
import { CORE_CONTEXT_URL, CORE_CONTEXT_URLS } from './core';
import { createContextResolver } from './resolver';

const ROOT = projectRoot();
const REFERENCE = path.resolve(ROOT, '..', 'shared', 'reference');
const hasReference = fs.existsSync(path.join(REFERENCE, 'smart-data-models'));
const withReference = hasReference ? test : test.skip;

const offline: typeof fetch = () => {
  throw new Error('network used');
};

describe('built-in term maps', () => {
  const builtins = loadBuiltinContexts();

  test('project root and directory are found from the source tree', () => {
    expect(fs.existsSync(path.join(ROOT, 'package.json'))).toBe(true);
    expect(defaultBuiltinDir()).toBe(path.join(ROOT, 'schemas', 'contexts'));
  });

  test('core, 10 Smart Data Models domains and 2 common contexts', () => {
    const files = new Set([...builtins.byUrl.values()].map((b) => b.canonicalUrl));
    expect(files.size).toBe(13);
    expect(builtins.core.canonicalUrl).toBe(CORE_CONTEXT_URL);
    for (const url of CORE_CONTEXT_URLS) expect(builtins.byUrl.get(url)?.core).toBe(true);
  });

  test('every built-in URL resolves without network', async () => {
    const resolver = createContextResolver({ fetchImpl: offline });
    for (const [url, builtin] of builtins.byUrl) {
      const ctx = await resolver.resolve(url);
      if (builtin.core) expect(ctx).toBe(resolver.core);
      else expect(ctx.key).toBe(builtin.canonicalUrl);
    }
  });

  withReference('every @context URL of the reference examples resolves without network', async () => {
    const resolver = createContextResolver({ fetchImpl: offline });
    const sdm = path.join(REFERENCE, 'smart-data-models');
    const urls = new Set<string>();
    for (const dir of fs.readdirSync(sdm)) {
      const file = path.join(sdm, dir, 'example-normalized.jsonld');
      if (!fs.existsSync(file)) continue;
      const ctx = (JSON.parse(fs.readFileSync(file, 'utf8')) as { '@context': string | string[] })['@context'];
      for (const url of [ctx].flat()) urls.add(url);
      const compiled = await resolver.resolve(ctx);
      const entity = JSON.parse(fs.readFileSync(file, 'utf8')) as { type: string };
      expect(compiled.expand(entity.type)).toMatch(/^https:\/\/smartdatamodels\.org\/dataModel\.\w+\//);
    }
    expect(urls.size).toBeGreaterThanOrEqual(11);
  });

  withReference('committed files are what scripts/build-contexts.ts derives from the reference', () => {
    for (const { file, content } of buildTermMaps(REFERENCE)) {
      expect(fs.readFileSync(path.join(defaultBuiltinDir(), file), 'utf8')).toBe(serializeTermMap(content));
    }
  });

  test('compact(expand(t)) === t for every term of every built-in context', () => {
    const resolver = createContextResolver({ fetchImpl: offline });
    let checked = 0;
    const seen = new Set<string>();
    for (const builtin of builtins.byUrl.values()) {
      if (seen.has(builtin.canonicalUrl)) continue;
      seen.add(builtin.canonicalUrl);
      const ctx = builtin.core ? resolver.core : resolver.resolveSync(builtin.canonicalUrl);
      for (const term of Object.keys(builtin.file.terms)) {
        expect({ term, back: ctx?.compact(ctx.expand(term)) }).toEqual({ term, back: term });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });
});

describe('loadBuiltinContexts errors', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-builtin-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (dir: string, name: string, data: unknown) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), JSON.stringify(data));
  };
  const coreFile = { urls: [CORE_CONTEXT_URL], source: 'test', terms: { id: '@id' } };

  test.each<[string, Array<[string, unknown]>, RegExp]>([
    ['missing core', [['a.json', { urls: ['http://x/a'], source: 's', terms: {} }]], /ngsi-ld-core-v1.8.json is missing/],
    ['malformed', [[CORE_TERM_MAP, coreFile], ['a.json', { urls: [], terms: {} }]], /not a term map/],
    ['duplicate URL', [[CORE_TERM_MAP, coreFile], ['a.json', { urls: [CORE_CONTEXT_URL], source: 's', terms: {} }]], /already claimed/],
  ])('%s', (name, files, message) => {
    const dir = path.join(tmp, name.replace(/\s/g, '-'));
    for (const [f, data] of files) write(dir, f, data);
    expect(() => loadBuiltinContexts(dir)).toThrow(message);
  });
});
