import { NgsiError } from '../errors';
import { CORE_CONTEXT_URL } from './core';
import { createContextResolver } from './resolver';

const offline: typeof fetch = () => {
  throw new Error('network used');
};
const resolver = createContextResolver({ fetchImpl: offline });

describe('createContextResolver', () => {
  test.each([undefined, null, CORE_CONTEXT_URL, 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld', 'http://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld'])(
    '%j → the core context',
    async (ctx) => {
      expect(await resolver.resolve(ctx)).toBe(resolver.core);
      expect(resolver.resolveSync(ctx)).toBe(resolver.core);
    },
  );

  test('a core URL inside an array adds nothing but keeps the raw value', async () => {
    const ctx = await resolver.resolve([CORE_CONTEXT_URL]);
    expect(ctx.raw).toEqual([CORE_CONTEXT_URL]);
    expect(ctx.urls).toEqual([CORE_CONTEXT_URL]);
    expect(ctx.expand('foo')).toBe(resolver.core.expand('foo'));
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  test.each<[string, unknown, RegExp]>([
    ['number', 42, /got a number/],
    ['boolean', true, /got a boolean/],
    ['non-http URL', 'ftp://example.org/ctx.jsonld', /only http and https/],
    ['file URL', 'file:///etc/passwd', /only http and https/],
    ['relative URL', 'context.jsonld', /not a valid URL/],
    ['nested array', [['http://example.org/a']], /cannot itself be an array/],
    ['number in an array', ['http://example.org/a', 3], /got a number/],
    ['invalid term definition', { a: 5 }, /term "a"/],
    ['non-string @import', { '@import': 5 }, /@import must be a URL/],
    ['not serializable', cyclic, /not serializable/],
  ])('%s → BadRequestData (async and sync)', async (_name, ctx, message) => {
    for (const attempt of [() => resolver.resolve(ctx), async () => resolver.resolveSync(ctx)]) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NgsiError);
      expect((err as NgsiError).errorName).toBe('BadRequestData');
      expect((err as NgsiError).message).toMatch(message);
    }
  });

  test('the compiled-context cache is bounded', async () => {
    const small = createContextResolver({ fetchImpl: offline, cacheSize: 2 });
    const a = await small.resolve({ A: 'http://example.org/A' });
    await small.resolve({ B: 'http://example.org/B' });
    expect(await small.resolve({ A: 'http://example.org/A' })).toBe(a);
    await small.resolve({ C: 'http://example.org/C' });
    await small.resolve({ D: 'http://example.org/D' });
    const again = await small.resolve({ A: 'http://example.org/A' });
    expect(again).not.toBe(a);
    expect(again.key).toBe(a.key);
  });
});
