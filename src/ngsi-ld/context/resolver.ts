/**
 * The @context resolver: any @context value (undefined, URL, object, array) → a {@link CompiledContext}
 * with the NGSI-LD core always in force. Built-in contexts (core, Smart Data Models) never touch the
 * network; other remote documents are loaded once (memory + disk cache). Compiled contexts are kept in a
 * bounded LRU keyed by URL (string contexts) or JSON text (inline objects and arrays).
 */
import { createHash } from 'node:crypto';
import { buildActiveContext } from './active-context';
import { loadBuiltinContexts, type BuiltinContexts } from './builtin';
import { collectContexts, MAX_CONTEXT_DEPTH } from './collect';
import { createCompiledContext, type ContextMeta } from './compile';
import type { CompiledContext, ContextResolver, ContextResolverOptions } from './context-types';
import { createCoreContext, createCoreTables } from './core';
import { createDocumentLoader } from './document-loader';
import { badContext } from './json';
import { Lru } from './lru';

/**
 * Creates a resolver (reads the built-in term maps synchronously, once).
 *
 * @example
 * const contexts = createContextResolver({ cacheDir: 'data/contexts' });
 * const ctx = await contexts.resolve('https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld');
 * ctx.expand('Streetlight');   // 'https://smartdatamodels.org/dataModel.Streetlighting/Streetlight'
 * ctx.expand('location');      // 'https://uri.etsi.org/ngsi-ld/location' (core, protected)
 * ctx.compact('https://uri.etsi.org/ngsi-ld/default-context/foo'); // 'foo'
 * (await contexts.resolve(undefined)) === contexts.core; // true
 */
export function createContextResolver(opts: ContextResolverOptions = {}): ContextResolver {
  const builtins = loadBuiltinContexts(opts.builtinDir);
  const coreTables = createCoreTables(builtins.core.local);
  const core = createCoreContext(coreTables);
  const cacheSize = opts.cacheSize ?? 256;
  const loader = createDocumentLoader({
    cacheDir: opts.cacheDir,
    cacheSize,
    log: opts.log,
    fetchImpl: opts.fetchImpl ?? fetch,
    timeoutMs: opts.fetchTimeoutMs ?? 5000,
    maxBytes: opts.maxBytes ?? 1024 * 1024,
  });
  const compiled = new Lru<string, CompiledContext>(cacheSize);

  const isCoreUrl = (ctx: unknown): boolean => typeof ctx === 'string' && builtins.byUrl.get(ctx)?.core === true;

  /** Compiles from the documents at hand, or returns the URLs still to load. */
  function attempt(ctx: unknown, text: string, lookupDocument: (url: string) => unknown): CompiledContext | Set<string> {
    const { locals, missing } = collectContexts(ctx, { builtins, lookupDocument });
    if (missing.size > 0) return missing;
    const active = buildActiveContext(locals, { protectedTerms: coreTables.terms, defaultVocab: coreTables.vocab });
    const result = createCompiledContext(coreTables, active, metaOf(ctx, text, builtins));
    compiled.set(text, result);
    return result;
  }

  return {
    core,
    resolveSync(ctx) {
      if (ctx === undefined || ctx === null || isCoreUrl(ctx)) return core;
      const text = cacheKeyOf(ctx);
      const hit = compiled.get(text);
      if (hit !== undefined) return hit;
      const result = attempt(ctx, text, (url) => loader.peek(url));
      return result instanceof Set ? undefined : result;
    },
    async resolve(ctx) {
      if (ctx === undefined || ctx === null || isCoreUrl(ctx)) return core;
      const text = cacheKeyOf(ctx);
      const hit = compiled.get(text);
      if (hit !== undefined) return hit;
      // Documents loaded by this call, so LRU evictions elsewhere cannot make it loop.
      const docs = new Map<string, unknown>();
      for (let pass = 0; pass <= MAX_CONTEXT_DEPTH + 1; pass++) {
        const result = attempt(ctx, text, (url) => docs.get(url) ?? loader.peek(url));
        if (!(result instanceof Set)) return result;
        await Promise.all([...result].map(async (url) => docs.set(url, await loader.load(url))));
      }
      throw badContext('remote contexts nested too deeply');
    },
  };
}

/** Cache key: `u:` + URL for a string, `j:` + JSON text otherwise. */
function cacheKeyOf(ctx: unknown): string {
  if (typeof ctx === 'string') return `u:${ctx}`;
  if (typeof ctx !== 'object') throw badContext(`must be a URL, an object or an array, got a ${typeof ctx}`);
  let json: string;
  try {
    json = JSON.stringify(ctx);
  } catch {
    throw badContext('is not serializable as JSON');
  }
  return `j:${json}`;
}

function metaOf(ctx: unknown, text: string, builtins: BuiltinContexts): ContextMeta {
  if (typeof ctx === 'string') {
    const builtin = builtins.byUrl.get(ctx);
    return { key: builtin?.canonicalUrl ?? ctx, urls: [ctx], raw: ctx };
  }
  const json = text.slice(2);
  const allUrls = Array.isArray(ctx) && ctx.every((e) => typeof e === 'string');
  return {
    key: `sha256:${createHash('sha256').update(json).digest('hex')}`,
    urls: allUrls ? (ctx as string[]).slice() : undefined,
    raw: JSON.parse(json),
  };
}
