import { createSdmValidator, episodeWrites, toKeyValues } from '../sdm-validate.fixture';
import { fixtureCases, isFragment, runCase } from './fixture-runner.fixture';

const sdm = createSdmValidator();
const entities = fixtureCases().flatMap((c) => {
  const out = runCase(c);
  return 'entities' in out ? [...out.entities, ...episodeWrites(out.episodes)].map((e, i) => [`${c.name} #${i} ${String(e.type)}`, e] as const) : [];
});

test('the fixtures produce every entity type', () => {
  expect(new Set(entities.map(([, e]) => e.type))).toEqual(new Set(['WaterConsumptionObserved', 'Device', 'Alert', 'WaterQualityObserved']));
});

test.each(entities)('%s validates against its SDM schema.json', (_name, entity) => {
  expect(sdm.errors(entity, { partial: isFragment(entity) })).toEqual([]);
});

test('the validator does catch a bad entity', () => {
  const bad = { id: 'urn:ngsi-ld:Alert:demo:x', type: 'Alert', category: { type: 'Property', value: 'leakage' } };
  expect(sdm.errors(bad).map((e) => e.keyword).sort()).toEqual(['enum', 'required', 'required']);
  expect(sdm.errors({ id: 'urn:x', type: 'WaterConsumptionObserved', waterConsumption: { type: 'Property', value: 6.054 } })).not.toEqual([]);
});

test('keyValues projection', () => {
  expect(
    toKeyValues({
      id: 'urn:x',
      type: 'Alert',
      '@context': ['c'],
      dateIssued: { type: 'Property', value: '2026-01-01T00:00:00Z' },
      alertSource: { type: 'Relationship', object: 'urn:y' },
      multi: [{ type: 'Property', value: 2, datasetId: 'urn:d' }, { type: 'Property', value: 1 }],
    }),
  ).toEqual({ id: 'urn:x', type: 'Alert', dateIssued: '2026-01-01T00:00:00Z', alertSource: 'urn:y', multi: 1 });
});
