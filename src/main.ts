/**
 * Composition root: config → broker → @context resolver → HTTP server; graceful shutdown on
 * SIGTERM/SIGINT (in-flight requests finish, then the databases are closed cleanly).
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createBroker } from './broker/create-broker';
import { createNotifier } from './broker/subscriptions/notifier/create-notifier';
import { loadConfig, type Config } from './config';
import { createApp } from './http/server';
import { createContextResolver } from './ngsi-ld/context';
import { projectRoot } from './project-root';
import { createIngest } from './ingest/create-ingest';
import { createUpsertThread } from './broker/thread/upsert-thread';
import { createBatchingWriter } from './ingest/batching-writer';
import { createNgsiLdClient, createRemoteCompletenessReader, createRemoteEpisodeReader, createRemoteObservationReader, createRemoteWriter } from './client';
import { loadSources, startSources } from './ingest/sources/config';
import { createMappingRegistry } from '../adapters/mapping';
import { ADAPTERS } from '../adapters';
import { createNodeRed } from './flows/runtime';
import { createLightingNotificationRoute, LIGHTING_NOTIFICATION_PATH, loadLighting, startLightingCommands } from '../adapters/lighting/commands';

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/** Starts the platform; resolves once it listens. */
export async function start(config: Config = loadConfig()): Promise<Running> {
  const log = pino({ level: config.logLevel });
  const memory = config.dataDir === ':memory:';
  if (!memory) fs.mkdirSync(config.dataDir, { recursive: true });
  const contextCacheDir = memory ? undefined : path.join(config.dataDir, 'contexts');
  const contexts = createContextResolver({
    cacheDir: contextCacheDir,
    fetchTimeoutMs: config.contextFetchTimeoutMs,
    log,
  });
  // subscriptions (loaded from every tenant) hand their notifications to the notifier (HTTP, MQTT)
  const notifier = createNotifier({ log });
  const broker = createBroker({ dataDir: config.dataDir, sync: config.sqliteSync, notifier, contexts, log });
  const remote = config.brokerUrl ? createNgsiLdClient({ baseUrl: config.brokerUrl, flavour: config.brokerFlavour, log }) : undefined;
  if (remote) log.info({ brokerUrl: config.brokerUrl, flavour: config.brokerFlavour }, 'feeds write to an external NGSI-LD broker');
  const mappings = createMappingRegistry(config.mappingsDir, log);
  // feeds written to the embedded broker's files are written on a second thread (src/broker/thread/)
  const writeThread = remote || memory ? undefined : createUpsertThread({ contextCacheDir, log });
  const ingest = createIngest({
    broker, contexts, adapters: ADAPTERS, mappings, dataDir: config.dataDir, territoryFile: config.territoryFile, log, maxBody: config.maxBody,
    // an external broker pays per request: messages of ~200 ms are written together
    write: remote && createBatchingWriter(createRemoteWriter(remote), { maxEntities: 500, maxDelayMs: 200 }),
    upsert: writeThread?.upsert,
    readEpisodes: remote && createRemoteEpisodeReader(remote),
    readObservations: remote && createRemoteObservationReader(remote),
    readComplete: remote && createRemoteCompletenessReader(remote),
  });
  // MQTT mappings are subscribed on the first MQTT broker and follow the registry's reloads.
  // session records, poll versions and the MQTT inbox in DATA_DIR (none in memory)
  const sources = startSources(loadSources(config.territoryFile), [...ADAPTERS, ...mappings.adapters()], ingest.routes, log, mappings, memory ? undefined : config.dataDir);
  // lighting commands (territory file `lighting.gateways`): their webhook is mounted now, the controller starts once the server listens
  const lighting = loadLighting(config.territoryFile);
  const lightingRoute = createLightingNotificationRoute();
  // Node-RED (editor at /node-red, rule flows of FLOWS_DIR): mounted now, started once the server listens
  const nodeRed = config.nodeRed ? createNodeRed({ config, log }) : undefined;
  const app = await createApp({ broker, contexts, maxBody: config.maxBody, log, root: projectRoot(), nodeRed: nodeRed?.handle, ingest: lighting ? { ...ingest.routes, notifications: [lightingRoute] } : ingest.routes });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, dataDir: config.dataDir }, `ECLOR NGSI-LD broker listening on http://localhost:${port}/ngsi-ld/v1 (docs at /docs)`);
  const loopback = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // the embedded broker is reached like any other, over HTTP, so the controller works the same against Orion-LD
  const lightingClient = lighting && (remote ?? createNgsiLdClient({ baseUrl: loopback, log }));
  const lightingCommands = lighting && lightingClient && startLightingCommands({
    client: lightingClient, lighting, territory: ingest.routes.env.territory, route: lightingRoute, log,
    notifyUrl: `${config.notifyBaseUrl ?? loopback}${LIGHTING_NOTIFICATION_PATH}`,
  });
  await nodeRed?.start({ server: app.server, port, localUrl: loopback });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownGraceMs;
      const timer = setTimeout(() => {
        log.warn('shutdown grace period over, closing connections');
        app.server.closeAllConnections();
      }, config.shutdownGraceMs);
      timer.unref();
      await nodeRed?.stop(); // its ngsi-ld in nodes delete their subscriptions: the embedded broker must still listen
      await lightingCommands?.stop(); // removes its subscription: the embedded broker must still listen
      if (lightingClient && lightingClient !== remote) lightingClient.close();
      await app.close();
      clearTimeout(timer);
      // the sources within what is left of the grace period: an MQTT message still being written then stays
      // in the inbox and is handled at the next start (a slow broker must not hold the shutdown)
      let graceLeft: NodeJS.Timeout | undefined;
      const over = new Promise<'over'>((ok) => (graceLeft = setTimeout(() => ok('over'), Math.max(0, deadline - Date.now()))));
      if ((await Promise.race([sources.stop(), over])) === 'over') log.warn('shutdown grace period over: the messages still being written wait in the MQTT inbox for the next start');
      clearTimeout(graceLeft);
      mappings.close();
      remote?.close();
      ingest.close();
      writeThread?.close(); // commits what it holds, before the broker closes the files
      broker.close(); // the subscription engine first: pending throttled notifications go out, counters are persisted
      await notifier.close();
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
