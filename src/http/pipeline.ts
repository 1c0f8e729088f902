/**
 * The NGSI-LD request pipeline: the only code that reads NGSI-LD request headers. For every route of
 * src/broker/routes.ts, in this order:
 *   1. query parameters: only the route's; a repeated one is joined with ',' (400 BadRequestData otherwise)
 *   2. tenant: `NGSILD-Tenant`, validated (400), existence checked by the store (404 NonexistentTenant)
 *   3. Accept → application/json | application/ld+json | application/geo+json (406 NotAcceptable)
 *   4. body media type: the route's `consumes` (415); ld+json needs `@context` in the body and no Link
 *      header, json may not carry `@context` (400 BadRequestData)
 *   5. @context: body (ld+json) or Link header or the core context; resolved from memory, built-ins,
 *      the disk cache or the network (503 LdContextNotAvailable)
 *   6. the operation runs with a typed RequestContext
 *   7. the response: entities come serialized from render.ts (with their @context for ld+json); a
 *      Link header gives the @context otherwise
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ngsiError } from '../ngsi-ld/errors';
import { CORE_CONTEXT_URL, type CompiledContext, type ContextResolver } from '../ngsi-ld/context';
import { validateTenantName } from '../broker/store/tenants';
import type { Broker, MediaType, RequestContext } from '../broker/request';
import type { Route } from '../broker/routes';
import { contextLink, linkHeader, mediaTypeOf, negotiate } from './negotiate';


export interface PipelineDeps {
  broker: Broker;
  contexts: ContextResolver;
}

function queryParams(route: Route, query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (!route.params.includes(k)) {
      throw ngsiError('BadRequestData', `Unknown query parameter '${k.slice(0, 60)}' for ${route.method} ${route.path}; accepted: ${route.params.join(', ') || 'none'}`);
    }
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

function tenantOf(req: FastifyRequest): string | undefined {
  const t = req.headers['ngsild-tenant'];
  const name = Array.isArray(t) ? t[0] : t;
  if (name === undefined || name === '') return undefined;
  validateTenantName(name);
  return name;
}

function bodyContext(body: unknown): unknown {
  const items = (Array.isArray(body) ? body : [body]).filter((i) => typeof i === 'object' && i !== null);
  if (items.length === 0 && Array.isArray(body)) return undefined; // a list of ids (batch delete): nothing to expand
  const ctxs = items.map((i) => (typeof i === 'object' && i !== null ? (i as Record<string, unknown>)['@context'] : undefined));
  if (ctxs.some((c) => c === undefined)) throw ngsiError('BadRequestData', "Content-Type application/ld+json needs '@context' in the body (in every entity of a batch)");
  const first = JSON.stringify(ctxs[0]);
  if (ctxs.some((c) => JSON.stringify(c) !== first)) throw ngsiError('BadRequestData', 'All entities of one batch request must carry the same @context');
  return ctxs[0];
}

function hasContextMember(body: unknown): boolean {
  const items = Array.isArray(body) ? body : [body];
  return items.some((i) => typeof i === 'object' && i !== null && '@context' in (i as object));
}

async function resolveContext(deps: PipelineDeps, route: Route, req: FastifyRequest): Promise<{ ctx: CompiledContext; echo: unknown }> {
  const link = contextLink(req.headers.link);
  if (route.body && req.body !== undefined) {
    const type = mediaTypeOf(req.headers['content-type']);
    if (type === 'application/ld+json') {
      if (link !== undefined) throw ngsiError('BadRequestData', 'A Link @context header is not allowed with Content-Type application/ld+json');
      const raw = bodyContext(req.body);
      return { ctx: deps.contexts.resolveSync(raw) ?? (await deps.contexts.resolve(raw)), echo: raw };
    }
    if (hasContextMember(req.body)) throw ngsiError('BadRequestData', "'@context' in the body needs Content-Type application/ld+json");
  }
  if (link === undefined) return { ctx: deps.contexts.core, echo: CORE_CONTEXT_URL };
  return { ctx: deps.contexts.resolveSync(link) ?? (await deps.contexts.resolve(link)), echo: link };
}

/** Runs one NGSI-LD request through the numbered steps above. */
export async function handle(deps: PipelineDeps, route: Route, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const params = queryParams(route, req.query);
  const tenant = tenantOf(req);
  const accept: MediaType = negotiate(req.headers.accept, route.produces);
  if (route.body) {
    if (req.body === undefined || req.body === null) throw ngsiError('BadRequestData', 'This operation needs a JSON body');
    const type = mediaTypeOf(req.headers['content-type']);
    if (!type || !route.consumes!.includes(type)) throw ngsiError('UnsupportedMediaType', `Content-Type '${type ?? ''}' is not accepted here; use ${route.consumes!.join(' or ')}`);
  }
  const { ctx, echo } = await resolveContext(deps, route, req);
  const pathParams = req.params as { entityId?: string; attrId?: string; subscriptionId?: string };
  const rc: RequestContext = {
    tenant, ctx, responseContext: echo, params, entityId: pathParams.entityId, attrId: pathParams.attrId, subscriptionId: pathParams.subscriptionId, body: req.body, accept,
  };
  const result = await route.operation(deps.broker, rc);
  if (result.headers) for (const [k, v] of Object.entries(result.headers)) reply.header(k, v);
  if (tenant !== undefined) reply.header('NGSILD-Tenant', tenant);
  reply.code(result.status);
  if (result.json !== undefined) {
    // entities: the body carries @context for ld+json (render.ts), a Link header says it otherwise
    if (accept !== 'application/ld+json') {
      const ctxLink = linkHeader(typeof echo === 'string' ? echo : ctx.urls?.[0] ?? CORE_CONTEXT_URL);
      reply.header('link', result.headers?.link ? `${result.headers.link}, ${ctxLink}` : ctxLink);
    }
    reply.header('content-type', accept);
    await reply.send(result.json);
    return;
  }
  if (result.body === undefined) {
    await reply.send();
    return;
  }
  reply.header('content-type', 'application/json');
  await reply.send(JSON.stringify(result.body));
}
