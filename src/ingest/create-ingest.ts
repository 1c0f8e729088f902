/** Factory of the ingest runtime: dead letters, counters, territory, writer, and the adapters to mount. */
import path from 'node:path';
import type { Broker, Operation } from '../broker/request';
import type { ContextResolver } from '../ngsi-ld/context';
import { openDeadLetterStore } from './dead-letters';
import { loadTerritory, watchDevices, type RegistryLog } from './device-registry';
import type { IngestRoutesOptions } from './routes';
import { createStats } from './stats';
import type { Adapter, Translation } from './types';
import { embeddedEpisodeReader } from './episode-reader';
import { createEpisodeTracker, type EpisodeReader } from './episodes';
import { embeddedObservationReader } from './observation-reader';
import { createObservationGuard, type ObservationReader } from './observations';
import { createEntityValidator } from './validate';
import { embeddedCompletenessReader } from './completeness-reader';
import { createExclusive } from './exclusive';
import type { CompletenessReader } from './join-parts';
import { openPartStore } from './parts';
import { createWriter, type WriteOutcome } from './write';

export interface IngestOptions {
  broker: Broker;
  contexts: ContextResolver;
  adapters: Adapter[];
  /** Directory of ingest.sqlite, or ':memory:'. */
  dataDir: string;
  territoryFile?: string;
  /** Logs the territory file's reloads (its device registry is read again when it changes). */
  log?: RegistryLog;
  maxBody: number;
  /** NGSILD-Tenant the feeds write to (default tenant when absent). */
  tenant?: string;
  /** The declarative adapters (adapters/mapping registry), mounted under /ingest/mapping/<name>. */
  mappings?: IngestRoutesOptions['mappings'];
  /** Where translations are written; default the embedded broker (an external one: src/client createRemoteWriter). */
  write?: (t: Translation) => Promise<WriteOutcome>;
  /** The embedded broker's batch upsert for the write stage (default its own; src/broker/thread/ createUpsertThread: on a second core). */
  upsert?: Operation;
  /** Where the episodes' state is read; default the embedded broker (an external one: src/client createRemoteEpisodeReader). */
  readEpisodes?: EpisodeReader;
  /** Where the observation times of `ordered` adapters' entities are read; default the embedded broker (an external one: src/client createRemoteObservationReader). */
  readObservations?: ObservationReader;
  /** Which entities the broker holds with given attributes (adapters' `requires`, translations' `fallback`); default the embedded broker (an external one: src/client createRemoteCompletenessReader). */
  readComplete?: CompletenessReader;
}

/**
 * @example
 * const ingest = createIngest({ broker, contexts, adapters: ALL_ADAPTERS, dataDir: './data', maxBody: 2 << 20 });
 * await app.register(ingestRoutes(ingest.routes));
 */
export function createIngest(o: IngestOptions): { routes: IngestRoutesOptions; close(): void } {
  const file = o.dataDir === ':memory:' ? ':memory:' : path.join(o.dataDir, 'ingest.sqlite');
  const deadLetters = openDeadLetterStore(file, (name) => o.adapters.find((a) => a.name === name));
  const parts = openPartStore(file);
  const territory = loadTerritory(o.territoryFile);
  const registry = o.territoryFile ? watchDevices(o.territoryFile, territory, o.log ?? { info() {}, warn() {} }) : undefined;
  const routes: IngestRoutesOptions = {
    adapters: o.adapters,
    mappings: o.mappings,
    maxBody: o.maxBody,
    env: { devices: registry?.devices ?? territory.devices, territory: territory.territory, timeZone: territory.timeZone },
    validate: createEntityValidator(),
    deadLetters,
    stats: createStats(),
    write: o.write ?? createWriter({ broker: o.broker, contexts: o.contexts, tenant: o.tenant, upsert: o.upsert }),
    episodes: createEpisodeTracker(o.readEpisodes ?? embeddedEpisodeReader(o.broker, o.contexts, o.tenant)),
    observations: createObservationGuard(o.readObservations ?? embeddedObservationReader(o.broker, o.contexts, o.tenant)),
    parts,
    readComplete: o.readComplete ?? embeddedCompletenessReader(o.broker, o.contexts, o.tenant),
    exclusive: createExclusive(),
    // streamed documents written to the embedded broker load in bulk (a small page cache: bounded memory)
    bulk: o.write ? undefined : () => o.broker.tenants.forWrite(o.tenant).bulk(),
  };
  return {
    routes,
    close: () => {
      registry?.close();
      deadLetters.close();
      parts.close();
    },
  };
}
