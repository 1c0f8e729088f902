/** The example entities validate against the official Smart Data Models schemas of their type. */
import fs from 'node:fs';
import type { Translation } from '../../src/ingest/types';
import { createSdmValidator } from '../sdm-validate.fixture';
import { mappingAdapter } from './adapter';
import { loadMappingFile } from './load';
import { env, EXAMPLES, exampleFile, message, readJson } from './test-support.fixture';

const sdm = createSdmValidator();

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
