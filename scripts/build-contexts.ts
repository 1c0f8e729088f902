/**
 * Derives the built-in term maps in schemas/contexts/ from the reference contexts in
 * ../shared/reference (NGSI-LD core v1.8, Smart Data Models domains and common contexts).
 *
 * The generated JSON files are committed and are what runs in production; this script documents how they
 * were derived and regenerates them. Each file: `urls` (canonical first, then aliases), `source`
 * (`owner/repo:path@commit`), optional `vocab`, and `terms` (term → absolute IRI, or
 * `{ "@id", "@type"?, "@container"?, "@prefix"? }`), produced by the same context processing the broker
 * uses at run time (src/ngsi-ld/context/active-context.ts), so prefixes are already expanded.
 *
 * Run (no ts-node/tsx in the project):
 *   npx tsc --ignoreConfig --outDir /tmp/build-contexts --rootDir . --module commonjs --target es2022 \
 *     --esModuleInterop --skipLibCheck --types node scripts/build-contexts.ts
 *   node /tmp/build-contexts/scripts/build-contexts.js [referenceDir] [outDir]   (from the project root)
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildActiveContext } from '../src/ngsi-ld/context/active-context';
import { CORE_TERM_MAP } from '../src/ngsi-ld/context/builtin';
import type { ActiveContext, LocalContext, TermDefinition, TermMapEntry, TermMapFile } from '../src/ngsi-ld/context/context-types';
import { CORE_CONTEXT_URLS, DEFAULT_VOCAB } from '../src/ngsi-ld/context/core';
import { endsWithGenDelim } from '../src/ngsi-ld/context/iri';

/** Smart Data Models domains: output file, domain repository, reference folder holding its context. */
export const SDM_DOMAINS: ReadonlyArray<{ file: string; repo: string; dir: string }> = [
  { file: 'sdm-streetlighting.json', repo: 'dataModel.Streetlighting', dir: 'Streetlight' },
  { file: 'sdm-water-consumption.json', repo: 'dataModel.WaterConsumption', dir: 'WaterConsumptionObserved' },
  { file: 'sdm-water-quality.json', repo: 'dataModel.WaterQuality', dir: 'WaterQualityObserved' },
  { file: 'sdm-transportation.json', repo: 'dataModel.Transportation', dir: 'TrafficFlowObserved' },
  { file: 'sdm-parking.json', repo: 'dataModel.Parking', dir: 'OffStreetParking' },
  { file: 'sdm-waste-management.json', repo: 'dataModel.WasteManagement', dir: 'WasteContainer' },
  { file: 'sdm-environment.json', repo: 'dataModel.Environment', dir: 'AirQualityObserved' },
  { file: 'sdm-alert.json', repo: 'dataModel.Alert', dir: 'Alert' },
  { file: 'sdm-device.json', repo: 'dataModel.Device', dir: 'Device' },
  { file: 'sdm-key-performance-indicator.json', repo: 'dataModel.KeyPerformanceIndicator', dir: 'KeyPerformanceIndicator' },
];

/** The smart-data-models/data-models contexts copied in _common/ (their commit is not recorded there). */
export const SDM_COMMON: ReadonlyArray<{ file: string; repoPath: string; reference: string }> = [
  { file: 'sdm-common-context.json', repoPath: 'context/common-context.jsonld', reference: '_common/common-context.jsonld' },
  { file: 'sdm-data-models-context.json', repoPath: 'context.jsonld', reference: '_common/data-models-context.jsonld' },
];

const CORE_SOURCE =
  'stellio-hub/stellio-context-broker:shared/src/testFixtures/resources/wiremock/__files/jsonld-contexts/ngsi-ld-core-context-v1.8.jsonld@c4d6edeb8';

/**
 * Canonical URL (raw.githubusercontent.com, master) first, then the `main` and `refs/heads/` forms and
 * GitHub Pages (smart-data-models.github.io), which serve the same file.
 */
export function sdmUrls(repo: string, filePath: string): string[] {
  const raw = `https://raw.githubusercontent.com/smart-data-models/${repo}`;
  return [
    `${raw}/master/${filePath}`,
    `${raw}/main/${filePath}`,
    `${raw}/refs/heads/master/${filePath}`,
    `${raw}/refs/heads/main/${filePath}`,
    `https://smart-data-models.github.io/${repo}/${filePath}`,
  ];
}

/** One definition in the term-map format: a string when it is a simple definition. */
export function toEntry(def: TermDefinition): TermMapEntry {
  const simplePrefix = !def.id.startsWith('@') && endsWithGenDelim(def.id);
  if (def.type === undefined && def.container === undefined && def.prefix === simplePrefix) return def.id;
  const entry: Exclude<TermMapEntry, string> = { '@id': def.id };
  if (def.type !== undefined) entry['@type'] = def.type;
  if (def.container !== undefined) entry['@container'] = def.container as string | string[];
  if (def.prefix !== simplePrefix) entry['@prefix'] = def.prefix;
  return entry;
}

/** A processed context as a term map, terms in source order. */
export function toTermMap(active: ActiveContext, urls: string[], source: string, local: LocalContext): TermMapFile {
  const terms: Record<string, TermMapEntry> = {};
  for (const key of Object.keys(local)) {
    const def = active.terms.get(key);
    if (def !== undefined) terms[key] = toEntry(def);
  }
  return active.vocab === undefined ? { urls, source, terms } : { urls, source, vocab: active.vocab, terms };
}

function readContext(file: string): LocalContext {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { '@context'?: unknown };
  const ctx = doc['@context'];
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) throw new Error(`${file}: @context is not an object`);
  return ctx as LocalContext;
}

function readSource(dir: string, expectedRepo: string): string {
  const [repo, commit] = fs.readFileSync(path.join(dir, 'SOURCE.txt'), 'utf8').trim().split(/\s+/);
  if (repo !== expectedRepo || !commit) throw new Error(`${dir}/SOURCE.txt: expected ${expectedRepo} <commit>`);
  return commit;
}

/** Every term map derived from `referenceDir` (pure apart from reading the reference files). */
export function buildTermMaps(referenceDir: string): Array<{ file: string; content: TermMapFile }> {
  const coreLocal = readContext(path.join(referenceDir, 'ngsi-ld', 'ngsi-ld-core-context-v1.8.jsonld'));
  const core = buildActiveContext([coreLocal], { defaultVocab: DEFAULT_VOCAB });
  const processSdm = (local: LocalContext) =>
    buildActiveContext([local], { protectedTerms: core.terms, defaultVocab: DEFAULT_VOCAB });

  const out = [{ file: CORE_TERM_MAP, content: toTermMap(core, [...CORE_CONTEXT_URLS], CORE_SOURCE, coreLocal) }];
  const sdm = path.join(referenceDir, 'smart-data-models');
  for (const d of SDM_DOMAINS) {
    const commit = readSource(path.join(sdm, d.dir), d.repo);
    const local = readContext(path.join(sdm, d.dir, 'context.jsonld'));
    const source = `smart-data-models/${d.repo}:context.jsonld@${commit}`;
    out.push({ file: d.file, content: toTermMap(processSdm(local), sdmUrls(d.repo, 'context.jsonld'), source, local) });
  }
  for (const c of SDM_COMMON) {
    const local = readContext(path.join(sdm, c.reference));
    const source = `smart-data-models/data-models:${c.repoPath}@(commit not recorded; copy in reference/${c.reference})`;
    out.push({ file: c.file, content: toTermMap(processSdm(local), sdmUrls('data-models', c.repoPath), source, local) });
  }
  return out;
}

/** Serialization of a term map file (stable, one term per line). */
export function serializeTermMap(content: TermMapFile): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

function main(): void {
  const root = process.cwd(); // run from the project root
  if (!fs.existsSync(path.join(root, 'package.json'))) throw new Error('run from the project root');
  const referenceDir = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'reference'));
  const outDir = path.resolve(process.argv[3] ?? path.join(root, 'schemas', 'contexts'));
  fs.mkdirSync(outDir, { recursive: true });
  for (const { file, content } of buildTermMaps(referenceDir)) {
    fs.writeFileSync(path.join(outDir, file), serializeTermMap(content));
    console.log(`${file}: ${Object.keys(content.terms).length} terms, ${content.urls[0]}`);
  }
}

if (require.main === module) main();
