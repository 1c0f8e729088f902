import { buildActiveContext } from './active-context';
import { DEFAULT_VOCAB } from './core';
import type { LocalContext } from './context-types';
import { NgsiError } from '../errors';

const EX = 'http://example.org/';
const build = (...locals: Array<LocalContext | null>) => buildActiveContext(locals, { defaultVocab: DEFAULT_VOCAB });

describe('buildActiveContext', () => {
  test('keeps source key order (definition order), not resolution order', () => {
    const a = build({ b: 'ex:b', a: 'ex:a', ex: EX });
    expect([...a.terms.keys()]).toEqual(['b', 'a', 'ex']);
  });

  test('a redefinition moves the term to the end', () => {
    const a = build({ a: `${EX}a`, b: `${EX}b` }, { a: `${EX}a2` });
    expect([...a.terms.entries()].map(([k, d]) => [k, d.id])).toEqual([['b', `${EX}b`], ['a', `${EX}a2`]]);
  });

  test.each([
    [{ ex: EX }, true],
    [{ ex: 'http://example.org/ns#' }, true],
    [{ ex: 'http://example.org/ns' }, false],
    [{ ex: { '@id': EX } }, false],
    [{ ex: { '@id': 'http://example.org/ns', '@prefix': true } }, true],
    [{ 'ex:y': EX }, false],
    [{ ex: '@id' }, false],
  ])('prefix flag of %j is %s', (local, flag) => {
    expect(build(local as LocalContext).terms.values().next().value?.prefix).toBe(flag);
  });

  test('keyword aliases and type coercion', () => {
    const a = build({ myId: '@id', ex: EX, t: { '@id': 'ex:t', '@type': 'ex:Type', '@container': ['@set', '@index'] } });
    expect(a.terms.get('myId')?.id).toBe('@id');
    expect(a.terms.get('t')).toEqual({ id: `${EX}t`, type: `${EX}Type`, container: ['@set', '@index'], prefix: false });
  });

  test('ignored keywords and unknown keyword-like @id', () => {
    const a = build({ '@version': 1.1, '@protected': true, '@language': 'en', '@base': EX, odd: '@odd', ok: `${EX}ok` });
    expect([...a.terms.keys()]).toEqual(['ok']);
    expect(a.vocab).toBeUndefined();
  });

  test('@vocab set, relative to the previous one, and reset by null', () => {
    expect(build({ '@vocab': EX }).vocab).toBe(EX);
    expect(build({ '@vocab': EX }, { '@vocab': 'sub/' }).vocab).toBe(`${EX}sub/`);
    expect(build({ '@vocab': EX }, { '@vocab': null }).vocab).toBeUndefined();
    expect(build({ '@vocab': EX }, null).vocab).toBeUndefined();
  });

  test('the protected terms win and are visible while processing', () => {
    const core = build({ ngsi: 'https://uri.etsi.org/ngsi-ld/', DateTime: 'ngsi:DateTime' });
    const a = buildActiveContext([{ when: { '@id': 'ngsi:when', '@type': 'DateTime' }, DateTime: `${EX}DT` }], {
      protectedTerms: core.terms,
      defaultVocab: DEFAULT_VOCAB,
    });
    expect(a.terms.get('when')).toEqual({ id: 'https://uri.etsi.org/ngsi-ld/when', type: 'https://uri.etsi.org/ngsi-ld/DateTime', prefix: false });
  });

  test.each<[string, LocalContext, RegExp]>([
    ['cycle', { a: 'b:x', b: 'a:y' }, /cyclic IRI mapping/],
    ['self prefix', { a: { '@id': 'a:x' } }, /cyclic IRI mapping/],
    ['number definition', { a: 5 }, /must be a string, an object or null, got a number/],
    ['array definition', { a: ['x'] }, /got an array/],
    ['non-string @id', { a: { '@id': 5 } }, /@id of term "a" must be a string/],
    ['non-string @type', { a: { '@id': EX, '@type': 1 } }, /@type of term "a"/],
    ['bad @container', { a: { '@id': EX, '@container': 3 } }, /@container of term "a"/],
    ['non-string @vocab', { '@vocab': 3 }, /@vocab must be a string or null/],
    ['blank node @vocab', { '@vocab': '_:b' }, /@vocab must be an absolute IRI/],
    ['empty term', { '': EX }, /empty string/],
  ])('%s → BadRequestData', (_name, local, message) => {
    let err: unknown;
    try {
      build(local);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NgsiError);
    expect((err as NgsiError).errorName).toBe('BadRequestData');
    expect((err as NgsiError).message).toMatch(message);
  });
});
