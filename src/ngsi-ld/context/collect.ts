/**
 * Flattens an @context value (URL, object, array, nested remote documents) into the ordered list of local
 * context objects to process, without I/O: remote documents come from `lookupDocument`, and the URLs
 * it does not have yet are reported in `missing` (the resolver loads them and collects again).
 *
 * Rules: built-in URLs give their term map; core URLs give nothing (the core is always in force);
 * other URLs must be http(s) (relative ones resolve against the document that references them);
 * nesting is bounded (`maxDepth` remote documents) and a URL including itself is an error.
 */
import type { BuiltinContexts } from './builtin';
import type { LocalContext } from './context-types';
import { badContext, describe, isPlainObject } from './json';

export const MAX_CONTEXT_DEPTH = 8;

export interface CollectEnv {
  builtins: BuiltinContexts;
  lookupDocument(url: string): unknown;
  maxDepth?: number;
}

export interface CollectResult {
  locals: Array<LocalContext | null>;
  /** Remote URLs whose documents were needed but not available. */
  missing: Set<string>;
}

/**
 * @example
 * collectContexts(['https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld', { a: 'http://x/a' }], env)
 * // { locals: [{ a: 'http://x/a' }], missing: Set {} }
 */
export function collectContexts(ctx: unknown, env: CollectEnv): CollectResult {
  const out: CollectResult = { locals: [], missing: new Set() };
  visit(ctx, undefined, [], out, env);
  return out;
}

/** Normalizes a context reference to an absolute http(s) URL. */
export function toContextUrl(ref: string, base?: string): string {
  let url: URL;
  try {
    url = base === undefined ? new URL(ref) : new URL(ref, base);
  } catch {
    throw badContext(`"${ref}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badContext(`"${ref}": only http and https URLs can be retrieved`);
  }
  return url.href;
}

function visit(ctx: unknown, base: string | undefined, chain: readonly string[], out: CollectResult, env: CollectEnv): void {
  if (ctx === null) {
    out.locals.push(null);
  } else if (typeof ctx === 'string') {
    visitUrl(ctx, base, chain, out, env);
  } else if (Array.isArray(ctx)) {
    for (const entry of ctx) {
      if (Array.isArray(entry)) throw badContext('an array entry cannot itself be an array');
      visit(entry, base, chain, out, env);
    }
  } else if (isPlainObject(ctx)) {
    const imported = ctx['@import'];
    if (imported !== undefined) {
      if (typeof imported !== 'string') throw badContext(`@import must be a URL, got ${describe(imported)}`);
      visitUrl(imported, base, chain, out, env);
    }
    out.locals.push(ctx);
  } else {
    throw badContext(`must be a URL, an object or an array, got ${describe(ctx)}`);
  }
}

function visitUrl(ref: string, base: string | undefined, chain: readonly string[], out: CollectResult, env: CollectEnv): void {
  const url = toContextUrl(ref, base);
  const builtin = env.builtins.byUrl.get(url);
  if (builtin !== undefined) {
    if (!builtin.core) out.locals.push(builtin.local);
    return;
  }
  if (chain.includes(url)) throw badContext(`recursive inclusion: ${[...chain, url].join(' -> ')}`);
  const maxDepth = env.maxDepth ?? MAX_CONTEXT_DEPTH;
  if (chain.length >= maxDepth) throw badContext(`more than ${maxDepth} nested remote contexts at ${url}`);
  const doc = env.lookupDocument(url);
  if (doc === undefined) {
    out.missing.add(url);
    return;
  }
  visit(doc, url, [...chain, url], out, env);
}
