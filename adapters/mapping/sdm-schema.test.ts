/** The example entities validate against the official Smart Data Models schemas of their type. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Translation } from '../../src/ingest/types';
import { createSdmValidator, SDM_REFERENCE_DIR } from '../sdm-validate';
import { mappingAdapter } from './adapter';
import { loadMappingFile } from './load';
import { env, EXAMPLES, exampleFile, message, readJson } from './test-support.fixture';

/**
 * AirQualityObserved/schema.json $refs the Environment helper schema by its raw.githubusercontent.com
 * address while the local copy's $id is the github.io one, and createSdmValidator maps by $id only:
 * a temporary reference dir adds the helper under the raw address too (the SDM files are unchanged).
 */
const ENV_RAW_ID = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/Environment-schema.json';
const refDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-sdm-'));
for (const d of fs.readdirSync(SDM_REFERENCE_DIR)) fs.symlinkSync(path.join(SDM_REFERENCE_DIR, d), path.join(refDir, d));
fs.unlinkSync(path.join(refDir, '_common'));
fs.cpSync(path.join(SDM_REFERENCE_DIR, '_common'), path.join(refDir, '_common'), { recursive: true });
const envSchema = JSON.parse(fs.readFileSync(path.join(refDir, '_common', 'Environment-schema.json'), 'utf8')) as Record<string, unknown>;
fs.writeFileSync(path.join(refDir, '_common', 'Environment-schema.raw.json'), JSON.stringify({ ...envSchema, $id: ENV_RAW_ID }));
afterAll(() => fs.rmSync(refDir, { recursive: true, force: true }));

const sdm = createSdmValidator(refDir);

test.each(EXAMPLES)('%s: expected entities are valid SDM entities', (name) => {
  const expected = readJson(exampleFile(name, '.expected.json')) as Translation;
  expect(expected.entities.length).toBeGreaterThan(0);
  for (const e of expected.entities) expect(sdm.errors(e, { partial: expected.mode === 'merge' })).toEqual([]);
  for (const e of expected.entities) expect(sdm.errors(e)).toEqual([]);
});

test.each(EXAMPLES)('%s: produced entities are valid SDM entities', (name) => {
  const out = mappingAdapter(loadMappingFile(exampleFile(name, '.yaml'))).handle(message(fs.readFileSync(exampleFile(name, '.input.json'), 'utf8')), env);
  for (const e of out.entities) expect(sdm.errors(e)).toEqual([]);
});

test('the validator catches a fill level out of the SDM range', () => {
  const expected = readJson(exampleFile('waste-bin', '.expected.json')) as Translation;
  const e = { ...expected.entities[0], fillingLevel: { type: 'Property' as const, value: 85 } };
  expect(sdm.errors(e).map((x) => x.instancePath)).toContain('/fillingLevel');
});
