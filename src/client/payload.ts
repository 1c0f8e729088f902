/**
 * How the @context travels (ETSI GS CIM 009 v1.8, clause 6.3.5): with `Content-Type:
 * application/json` a single `Link` header names it; a request may carry only one such Link, so
 * when several contexts are needed (or an entity brings its own `@context`) the body is sent as
 * `application/ld+json` with `@context` in every entity instead. Also the batch answers → results.
 */
import type { BatchOperationResult, Entity } from '../ngsi-ld/types';
import { problemOf, type Response } from './transport';

export const CORE_CONTEXT_V18 = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
export const CORE_CONTEXT_V16 = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld';

/**
 * The JSON-LD context Link header value.
 * @example
 * linkHeader(CTX) // '<CTX>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
 */
export function linkHeader(url: string): string {
  return `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
}

/**
 * Headers and body of a batch write of `entities` with `contexts` (the core one when empty).
 * @example
 * writeBody([e], ['https://…/context.jsonld'], CORE_CONTEXT_V18)
 * // { headers: { 'Content-Type': 'application/json', Link: '<https://…/context.jsonld>; rel=…' }, data: [e] }
 */
export function writeBody(entities: Entity[], contexts: string[], core: string): { headers: Record<string, string>; data: Entity[] } {
  const own = entities.some((e) => e['@context'] !== undefined);
  if (contexts.length <= 1 && !own) {
    return { headers: { 'Content-Type': 'application/json', Link: linkHeader(contexts[0] ?? core) }, data: entities };
  }
  const ctx = contexts.length === 0 ? core : contexts.length === 1 ? contexts[0] : [...contexts];
  return {
    headers: { 'Content-Type': 'application/ld+json' },
    data: entities.map((e) => (e['@context'] === undefined ? { ...e, '@context': ctx } : e)),
  };
}

/**
 * The result of a batch answer that was not retried: 2xx all succeeded, 207 the broker's split,
 * any other status every entity failed with the broker's ProblemDetails.
 * @example
 * batchResult({ status: 204, headers: {}, data: '' }, entities) // { success: [ids…], errors: [] }
 */
export function batchResult(res: Response, entities: Entity[]): BatchOperationResult {
  const ids = entities.map((e) => e.id);
  if (res.status === 207) {
    const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as Partial<BatchOperationResult>;
    return {
      success: Array.isArray(body.success) ? body.success.map(String) : [],
      errors: Array.isArray(body.errors)
        ? body.errors.map((e) => ({ entityId: String(e?.entityId ?? ''), error: problemOf(400, e?.error) }))
        : [],
    };
  }
  if (res.status >= 200 && res.status < 300) return { success: ids, errors: [] };
  const error = problemOf(res.status, res.data);
  return { success: [], errors: ids.map((entityId) => ({ entityId, error })) };
}
