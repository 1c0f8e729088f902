import { createContextResolver } from './resolver';
import { DEFAULT_VOCAB, NGSI_LD_NS } from './core';
import type { CompiledContext } from './context-types';

const offline: typeof fetch = () => {
  throw new Error('network used');
};
const resolver = createContextResolver({ fetchImpl: offline });
const SL = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';
const WC = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld';
const SDM_SL = 'https://smartdatamodels.org/dataModel.Streetlighting/';

function sync(ctx: unknown): CompiledContext {
  const c = resolver.resolveSync(ctx);
  if (!c) throw new Error('not resolvable synchronously');
  return c;
}

describe('core context only', () => {
  const core = resolver.core;
  test.each([
    ['location', `${NGSI_LD_NS}location`],
    ['observedAt', `${NGSI_LD_NS}observedAt`],
    ['value', `${NGSI_LD_NS}hasValue`],
    ['object', `${NGSI_LD_NS}hasObject`],
    ['Property', `${NGSI_LD_NS}Property`],
    ['Point', 'https://purl.org/geojson/vocab#Point'],
    ['description', 'http://purl.org/dc/terms/description'],
    ['attributeCount', `${DEFAULT_VOCAB}attributeCount`],
    ['id', '@id'],
    ['type', '@type'],
    ['@id', '@id'],
    ['@context', '@context'],
    ['foo', `${DEFAULT_VOCAB}foo`],
    ['Streetlight', `${DEFAULT_VOCAB}Streetlight`],
    ['ngsi-ld:foo', `${NGSI_LD_NS}foo`],
    ['geojson:Feature', 'https://purl.org/geojson/vocab#Feature'],
    ['urn:ngsi-ld:Streetlight:1', 'urn:ngsi-ld:Streetlight:1'],
    ['https://example.org/a#b', 'https://example.org/a#b'],
    ['_:b0', '_:b0'],
    ['unknownPrefix:x', 'unknownPrefix:x'],
    ['', ''],
  ])('expand(%j) = %j', (term, iri) => {
    expect(core.expand(term)).toBe(iri);
  });

  test.each([
    [`${NGSI_LD_NS}location`, 'location'],
    [`${NGSI_LD_NS}hasValue`, 'value'],
    [`${NGSI_LD_NS}Property`, 'Property'],
    ['@id', 'id'],
    ['@type', 'type'],
    [`${DEFAULT_VOCAB}foo`, 'foo'],
    [`${DEFAULT_VOCAB}attributeCount`, 'attributeCount'],
    [`${NGSI_LD_NS}somethingNew`, 'ngsi-ld:somethingNew'],
    ['https://purl.org/geojson/vocab#Thing', 'geojson:Thing'],
    [`${DEFAULT_VOCAB}a:b`, 'ngsi-ld:default-context/a:b'],
    [`${DEFAULT_VOCAB}location`, 'ngsi-ld:default-context/location'],
    ['urn:ngsi-ld:Streetlight:1', 'urn:ngsi-ld:Streetlight:1'],
    ['https://example.org/x', 'https://example.org/x'],
    [DEFAULT_VOCAB, 'ngsi-ld:default-context/'],
  ])('compact(%j) = %j', (iri, term) => {
    expect(core.compact(iri)).toBe(term);
    expect(core.expand(term)).toBe(iri);
  });

  test('metadata', () => {
    expect(core.key).toBe('core');
    expect(core.urls).toEqual(['https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld']);
    expect(core.termDefinition('observedAt')).toEqual({ id: `${NGSI_LD_NS}observedAt`, type: `${NGSI_LD_NS}DateTime`, prefix: false });
    expect(core.termDefinition('ngsi-ld')?.prefix).toBe(true);
    expect(core.termDefinition('nope')).toBeUndefined();
  });
});

describe('Smart Data Models contexts', () => {
  const sl = sync(SL);
  test.each([
    ['Streetlight', `${SDM_SL}Streetlight`],
    ['powerState', `${SDM_SL}powerState`],
    ['address', 'https://smartdatamodels.org/address'],
    ['location', `${NGSI_LD_NS}location`],
    ['status', `${NGSI_LD_NS}status`],
    ['foo', `${DEFAULT_VOCAB}foo`],
    ['WaterConsumptionObserved', `${DEFAULT_VOCAB}WaterConsumptionObserved`],
  ])('Streetlighting: expand(%j) = %j and back', (term, iri) => {
    expect(sl.expand(term)).toBe(iri);
    expect(sl.compact(iri)).toBe(term);
  });

  test('array of several SDM contexts and the core', () => {
    const both = sync(['https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld', SL, WC]);
    expect(both.expand('Streetlight')).toBe(`${SDM_SL}Streetlight`);
    expect(both.expand('WaterConsumptionObserved')).toBe('https://smartdatamodels.org/dataModel.WaterConsumption/WaterConsumptionObserved');
    expect(both.urls).toEqual(['https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld', SL, WC]);
    expect(both.key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('URL aliases share the canonical key', () => {
    const alias = sync('https://smart-data-models.github.io/dataModel.Streetlighting/context.jsonld');
    expect(alias.key).toBe(SL);
    expect(alias.urls).toEqual(['https://smart-data-models.github.io/dataModel.Streetlighting/context.jsonld']);
    expect(alias.expand('Streetlight')).toBe(`${SDM_SL}Streetlight`);
  });
});

describe('inline user contexts', () => {
  const EX = 'http://example.org/';
  test.each<[string, unknown, string, string]>([
    ['simple term', { Foo: `${EX}Foo` }, 'Foo', `${EX}Foo`],
    ['core term cannot be redefined', { location: `${EX}location` }, 'location', `${NGSI_LD_NS}location`],
    ['core keyword alias cannot be redefined', { type: `${EX}type` }, 'type', '@type'],
    ['prefix defined later in the same object', { Foo: 'ex:Foo', ex: EX }, 'Foo', `${EX}Foo`],
    ['compact IRI through a user prefix', { ex: EX }, 'ex:Bar', `${EX}Bar`],
    ['ngsi-ld prefix from the core', { Foo: 'ngsi-ld:Foo' }, 'Foo', `${NGSI_LD_NS}Foo`],
    ['user @vocab', { '@vocab': EX }, 'anything', `${EX}anything`],
    ['user @vocab through a prefix', { ex: EX, '@vocab': 'ex:v/' }, 'x', `${EX}v/x`],
    ['user @vocab does not touch core terms', { '@vocab': EX }, 'observedAt', `${NGSI_LD_NS}observedAt`],
    ['expanded definition', { rel: { '@id': `${EX}rel`, '@type': '@id' } }, 'rel', `${EX}rel`],
    ['definition without @id uses the vocab', { Foo: { '@type': '@id' } }, 'Foo', `${DEFAULT_VOCAB}Foo`],
    ['self mapping uses the vocab', { Foo: 'Foo' }, 'Foo', `${DEFAULT_VOCAB}Foo`],
    ['relative IRI uses the vocab', { Foo: 'Bar' }, 'Foo', `${DEFAULT_VOCAB}Bar`],
    ['null undefines a term', [{ Foo: `${EX}Foo` }, { Foo: null }], 'Foo', `${DEFAULT_VOCAB}Foo`],
    ['null context resets', [{ Foo: `${EX}Foo` }, null], 'Foo', `${DEFAULT_VOCAB}Foo`],
    ['later entries override', [{ Foo: `${EX}a` }, { Foo: `${EX}b` }], 'Foo', `${EX}b`],
    ['URL then override', [SL, { Streetlight: `${EX}SL` }], 'Streetlight', `${EX}SL`],
    ['absolute IRI is kept', { Foo: `${EX}Foo` }, 'urn:x:1', 'urn:x:1'],
  ])('%s', (_name, ctx, term, iri) => {
    const c = sync(ctx);
    expect(c.expand(term)).toBe(iri);
    expect(c.expand(c.compact(iri))).toBe(iri);
  });

  test.each<[string, unknown, string, string]>([
    ['user term', { Foo: `${EX}Foo` }, `${EX}Foo`, 'Foo'],
    ['last-defined of two terms with one IRI', { A: `${EX}x`, B: `${EX}x` }, `${EX}x`, 'B'],
    ['last-defined across entries', [{ B: `${EX}x` }, { A: `${EX}x` }], `${EX}x`, 'A'],
    ['core term first', { myLocation: `${NGSI_LD_NS}location` }, `${NGSI_LD_NS}location`, 'location'],
    ['shadowed user term is skipped', { location: `${EX}loc` }, `${EX}loc`, 'http://example.org/loc'],
    ['compact IRI via user prefix', { ex: EX }, `${EX}thing`, 'ex:thing'],
    ['user @vocab is stripped', { '@vocab': EX }, `${EX}thing`, 'thing'],
    ['default vocab kept full when user @vocab differs', { '@vocab': EX }, `${DEFAULT_VOCAB}foo`, 'ngsi-ld:default-context/foo'],
    ['redefined term no longer compacts to the old IRI', [{ Foo: `${EX}a` }, { Foo: `${EX}b` }], `${EX}a`, `${EX}a`],
  ])('compact: %s', (_name, ctx, iri, term) => {
    const c = sync(ctx);
    expect(c.compact(iri)).toBe(term);
    expect(c.expand(term)).toBe(iri);
  });

  test('termDefinition reports coercion and container', () => {
    const c = sync({ ex: EX, rel: { '@id': 'ex:rel', '@type': '@id' }, when: { '@id': 'ex:when', '@type': 'DateTime' }, l: { '@id': 'ex:l', '@container': '@list' } });
    expect(c.termDefinition('rel')).toEqual({ id: `${EX}rel`, type: '@id', prefix: false });
    expect(c.termDefinition('when')?.type).toBe(`${NGSI_LD_NS}DateTime`);
    expect(c.termDefinition('l')?.container).toBe('@list');
    expect(c.termDefinition('location')?.id).toBe(`${NGSI_LD_NS}location`);
  });

  test('raw is a private copy and urls is undefined for inline objects', () => {
    const ctx = { Foo: `${EX}Foo` };
    const c = sync(ctx);
    ctx.Foo = 'changed';
    expect(c.raw).toEqual({ Foo: `${EX}Foo` });
    expect(c.urls).toBeUndefined();
    expect(sync([SL, { a: `${EX}a` }]).urls).toBeUndefined();
  });

  test('same JSON gives the cached instance', () => {
    expect(sync({ Foo: `${EX}Foo` })).toBe(sync({ Foo: `${EX}Foo` }));
    expect(sync(SL)).toBe(sync(SL));
  });
});
