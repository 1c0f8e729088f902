/** Every entity produced from the fixtures validates against the official SDM schema.json of its type. */
import type { Entity } from '../../src/ngsi-ld/types';
import { createSdmValidator, toKeyValues } from '../sdm-validate.fixture';
import { fixtureCases, runCase } from './test-support.fixture';

const sdm = createSdmValidator();
const sdmErrors = (e: Entity, opts?: { partial?: boolean }) => sdm.errors(e, opts);
const produced: Array<[string, Entity]> = fixtureCases().flatMap((name) => runCase(name).entities.map((e): [string, Entity] => [`${name} ${e.id}`, e]));

describe('SDM schema validation of the fixture entities', () => {
  it('covers the three types', () => {
    expect(new Set(produced.map(([, e]) => e.type))).toEqual(new Set(['Streetlight', 'StreetlightControlCabinet', 'StreetlightGroup']));
  });

  it.each(produced)('%s is a valid merge fragment', (_label, entity) => {
    expect(sdmErrors(entity, { partial: true })).toEqual([]);
  });

  it('a report with location and lamp failure gives a complete Streetlight (required members too)', () => {
    const full = runCase('lamp-failure').entities[0];
    expect(sdmErrors(full)).toEqual([]);
  });

  it('lacks no required member but those only the territory assets give (a place, a cabinet\'s groups): a lamp is ok, a cabinet automatic, until a condition is reported', () => {
    const assetsOnly = new Set(['location', 'refStreetlightGroup']);
    const missing = produced.flatMap(([label, e]) =>
      sdmErrors(e).filter((err) => err.keyword === 'required').map((err) => `${label} ${String((err.params as { missingProperty?: string }).missingProperty)}`));
    expect(missing.filter((m) => !assetsOnly.has(m.split(' ').at(-1)!))).toEqual([]);
    expect(missing.length).toBeGreaterThan(0); // the fixtures do have such entities: the filter above is not vacuous
  });

  it('the validator does reject bad values and missing required members', () => {
    const bad: Entity = { id: 'urn:ngsi-ld:Streetlight:eclor:x', type: 'Streetlight', illuminanceLevel: { type: 'Property', value: 1.5 }, status: { type: 'Property', value: 'broken' } };
    expect(sdmErrors(bad, { partial: true }).map((e) => e.instancePath).sort()).toEqual(['/illuminanceLevel', '/status']);
    expect(sdmErrors({ id: 'urn:ngsi-ld:Streetlight:eclor:x', type: 'Streetlight' }).some((e) => e.keyword === 'required')).toBe(true);
  });

  it('projects relationships and geo-properties to keyValues', () => {
    expect(toKeyValues({ id: 'a', type: 'StreetlightGroup', refStreetlight: { type: 'Relationship', object: ['b'] }, location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } } }))
      .toEqual({ id: 'a', type: 'StreetlightGroup', refStreetlight: ['b'], location: { type: 'Point', coordinates: [1, 2] } });
  });
});
