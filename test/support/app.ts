/** Builds the real application in-process for HTTP tests (fastify inject, no port). */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../../src/broker/create-broker';
import { createApp } from '../../src/http/server';
import { createIngest } from '../../src/ingest/create-ingest';
import type { Adapter, Translation } from '../../src/ingest/types';
import { createWriter, type WriteOutcome } from '../../src/ingest/write';
import { createContextResolver } from '../../src/ngsi-ld/context';
import { projectRoot } from '../../src/project-root';

type Writer = (t: Translation) => Promise<WriteOutcome>;

export interface TestApp {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * `adapters`: feeds mounted under /ingest (the ingest runtime in memory, as the server mounts it);
 * `write`: wraps the ingest's writer to the embedded broker (a slow broker, say).
 */
export async function testApp(
  opts: { dataDir?: string; maxBody?: number; fetchImpl?: typeof fetch; cacheDir?: string; adapters?: Adapter[]; territoryFile?: string; write?: (inner: Writer) => Writer } = {},
): Promise<TestApp> {
  const broker = createBroker({ dataDir: opts.dataDir ?? ':memory:' });
  const contexts = createContextResolver({ fetchImpl: opts.fetchImpl, cacheDir: opts.cacheDir, fetchTimeoutMs: 2000 });
  const maxBody = opts.maxBody ?? 2 * 1024 * 1024;
  const write = opts.write?.(createWriter({ broker, contexts }));
  const ingest = opts.adapters && createIngest({ broker, contexts, adapters: opts.adapters, dataDir: ':memory:', maxBody, territoryFile: opts.territoryFile, write });
  const app = await createApp({ broker, contexts, maxBody, log: pino({ level: 'silent' }), root: projectRoot(), ...(ingest ? { ingest: ingest.routes } : {}) });
  return {
    app,
    close: async () => {
      await app.close();
      ingest?.close();
      broker.close();
    },
  };
}

export const LD = 'application/ld+json';
export const JSON_CT = { 'content-type': 'application/json' };
