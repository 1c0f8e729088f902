/**
 * One http.Server for everything, dispatched by path prefix (fastify's serverFactory): fastify serves
 * the hot paths `/ngsi-ld/` and `/ingest/` (and `/health`), `/node-red` goes to the embedded Node-RED
 * (its own Express 4 app, see src/flows/), Express 5 serves the rest (docs). Not @fastify/express, which
 * slows every route about 4×.
 */
import http from 'node:http';
import path from 'node:path';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ngsiError } from '../ngsi-ld/errors';
import type { ContextResolver } from '../ngsi-ld/context';
import { API_BASE, ROUTES } from '../broker/routes';
import type { Broker } from '../broker/request';
import { createDocsApp } from './docs-app';
import { handle } from './pipeline';
import { ingestRoutes, type IngestRoutesOptions } from '../ingest/routes';
import { problemOf } from './problem';

export interface AppOptions {
  broker: Broker;
  contexts: ContextResolver;
  maxBody: number;
  log: Logger;
  /** Project root (for openapi.yaml). */
  root: string;
  /** The feed webhooks, dead letters and counters under /ingest (absent: not mounted). */
  ingest?: IngestRoutesOptions;
  /** Handles `/node-red` and `/node-red/…` (Node-RED's editor, admin API and HTTP nodes); absent: 404. */
  nodeRed?: http.RequestListener;
}

const FASTIFY_PREFIXES = ['/ngsi-ld/', '/ingest/', '/health'];

function isFastifyPath(url: string | undefined): boolean {
  return !!url && FASTIFY_PREFIXES.some((p) => url.startsWith(p));
}

/** `/node-red`, `/node-red/…`, `/node-red?…` (not `/node-redx`). */
export function isNodeRedPath(url: string | undefined): boolean {
  return !!url && url.startsWith('/node-red') && (url.length === 9 || url[9] === '/' || url[9] === '?');
}

/** A regular expression matching the concrete paths of a route path. */
function routePattern(p: string): RegExp {
  return new RegExp('^' + API_BASE + p.replace(/\{\w+\}/g, '[^/]+') + '/?$');
}

/** Path `{name}` → fastify's `:name`. */
function fastifyPath(p: string): string {
  return API_BASE + p.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Builds the application (not listening). `app.server` is the http.Server; `app.inject` works for tests.
 * @example
 * const app = await createApp({ broker, contexts, maxBody: 2 << 20, log, root });
 * await app.listen({ port: 1026 });
 */
export async function createApp(opts: AppOptions): Promise<FastifyInstance> {
  return buildApp(opts) as unknown as FastifyInstance;
}

async function buildApp(opts: AppOptions) {
  const docs = createDocsApp({ openapiFile: path.join(opts.root, 'openapi.yaml') });
  const app = Fastify({
    loggerInstance: opts.log,
    logController: new LogController({ disableRequestLogging: true }),
    // no child logger per request (its bindings were only the request id, which the error log names):
    // ~3-7 µs less per request, measured on a no-op webhook (51-54 → 44-52 µs of server CPU)
    childLoggerFactory: (logger) => logger,
    bodyLimit: opts.maxBody,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        if (isFastifyPath(req.url)) handler(req, res);
        else if (opts.nodeRed && isNodeRedPath(req.url)) opts.nodeRed(req, res);
        else docs(req, res);
      }),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/ld+json', 'application/merge-patch+json', 'application/geo+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      // no body: the operation says what it needed (and a route that does not exist stays a 404)
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch (err) {
        done(ngsiError('InvalidRequest', `The body is not valid JSON: ${(err as Error).message}`), undefined);
      }
    },
  );
  app.setErrorHandler((err, req, reply) => {
    const { problem, internal } = problemOf(err);
    if (internal) req.log.error({ err, reqId: req.id, url: req.url, method: req.method }, 'internal error');
    void reply.code(problem.status).header('content-type', 'application/json').send(JSON.stringify(problem));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = ROUTES.filter((r) => routePattern(r.path).test(path)).map((r) => r.method);
    const err = allowed.length
      ? ngsiError('MethodNotAllowed', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`)
      : ngsiError('ResourceNotFound', `No resource at ${req.method} ${path}`);
    if (allowed.length) void reply.header('allow', allowed.join(', '));
    const { problem } = problemOf(err);
    void reply.code(problem.status).header('content-type', 'application/json').send(JSON.stringify(problem));
  });
  app.get('/health', async () => ({ status: 'ok' }));
  const deps = { broker: opts.broker, contexts: opts.contexts };
  for (const route of ROUTES) {
    app.route({ method: route.method, url: fastifyPath(route.path), handler: (req, reply) => handle(deps, route, req, reply) });
  }
  if (opts.ingest) await app.register(ingestRoutes(opts.ingest));
  await app.ready();
  return app;
}
