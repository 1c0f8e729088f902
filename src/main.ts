/**
 * Composition root: config → broker → @context resolver → HTTP server; graceful shutdown on
 * SIGTERM/SIGINT (in-flight requests finish, then the databases are closed cleanly).
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createBroker } from './broker/create-broker';
import { loadConfig, type Config } from './config';
import { createApp } from './http/server';
import { createContextResolver } from './ngsi-ld/context';
import { projectRoot } from './project-root';
import { createIngest } from './ingest/create-ingest';
import { createBatchingWriter } from './ingest/batching-writer';
import { createNgsiLdClient, createRemoteWriter } from './client';
import { loadSources, startSources } from './ingest/sources/config';
import { withMappingTopics } from './ingest/sources/mapping-topics';
import { createMappingRegistry } from '../adapters/mapping';
import { ADAPTERS } from '../adapters';

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/** Starts the platform; resolves once it listens. */
export async function start(config: Config = loadConfig()): Promise<Running> {
  const log = pino({ level: config.logLevel });
  const memory = config.dataDir === ':memory:';
  if (!memory) fs.mkdirSync(config.dataDir, { recursive: true });
  const broker = createBroker({ dataDir: config.dataDir, sync: config.sqliteSync });
  const contexts = createContextResolver({
    cacheDir: memory ? undefined : path.join(config.dataDir, 'contexts'),
    fetchTimeoutMs: config.contextFetchTimeoutMs,
    log,
  });
  const remote = config.brokerUrl ? createNgsiLdClient({ baseUrl: config.brokerUrl, flavour: config.brokerFlavour, log }) : undefined;
  if (remote) log.info({ brokerUrl: config.brokerUrl, flavour: config.brokerFlavour }, 'feeds write to an external NGSI-LD broker');
  const mappings = createMappingRegistry(config.mappingsDir, log);
  const ingest = createIngest({
    broker, contexts, adapters: ADAPTERS, mappings, dataDir: config.dataDir, territoryFile: config.territoryFile, maxBody: config.maxBody,
    // an external broker pays per request: messages of ~200 ms are written together
    write: remote && createBatchingWriter(createRemoteWriter(remote), { maxEntities: 500, maxDelayMs: 200 }),
  });
  const sources = startSources(withMappingTopics(loadSources(config.territoryFile), mappings.list(), log), [...ADAPTERS, ...mappings.adapters()], ingest.routes, log);
  const app = await createApp({ broker, contexts, maxBody: config.maxBody, log, root: projectRoot(), ingest: ingest.routes });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, dataDir: config.dataDir }, `ECLOR NGSI-LD broker listening on http://localhost:${port}/ngsi-ld/v1 (docs at /docs)`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const timer = setTimeout(() => {
        log.warn('shutdown grace period over, closing connections');
        app.server.closeAllConnections();
      }, config.shutdownGraceMs);
      timer.unref();
      await app.close();
      clearTimeout(timer);
      await sources.stop();
      mappings.close();
      remote?.close();
      ingest.close();
      broker.close();
      log.info('stopped');
    })());
  return { port, stop };
}

if (require.main === module) {
  start()
    .then((running) => {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) {
        process.once(sig, () => {
          running.stop().then(
            () => process.exit(0),
            (err) => {
              console.error(err);
              process.exit(1);
            },
          );
        });
      }
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
