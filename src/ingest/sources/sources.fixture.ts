/** Test parts for the sources: a small JSON adapter, recording ingest deps (real dead letters, real counters), bounded waits. */
import { Readable } from 'node:stream';
import { openDeadLetterStore } from '../dead-letters';
import type { IngestDeps } from '../run-message';
import { createEpisodeTracker } from '../episodes';
import { createStats } from '../stats';
import { FeedError, type Adapter, type IngestMessage, type Translation } from '../types';

/** `{ "id": "x", "value": 1 }` → one Device entity; anything else is a decode error. */
export function jsonAdapter(name = 'test/json'): Adapter & { seen: IngestMessage[] } {
  const seen: IngestMessage[] = [];
  return {
    name,
    path: `/ingest/${name}`,
    contentTypes: ['application/json'],
    seen,
    handle(message) {
      seen.push(message);
      let doc: { id?: unknown; value?: unknown };
      try {
        doc = JSON.parse(message.body);
      } catch {
        throw new FeedError('decode', 'not JSON', 400);
      }
      if (typeof doc.id !== 'string') throw new FeedError('decode', 'missing id', 400);
      return { entities: [{ id: `urn:ngsi-ld:Device:test:${doc.id}`, type: 'Device', value: { type: 'Property', value: doc.value } }], context: [] };
    },
  };
}

/** Like jsonAdapter, with handleStream: a JSON array, one translation per element. */
export function streamingAdapter(name = 'test/stream'): Adapter & { streamed: number } {
  const base = jsonAdapter(name);
  const a = {
    ...base,
    streamed: 0,
    async *handleStream(body: Readable, message: Omit<IngestMessage, 'body'>): AsyncIterable<Translation> {
      a.streamed++;
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      const items = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
      for (const item of items) yield base.handle({ ...message, body: JSON.stringify(item) }, { devices: { get: () => undefined }, territory: 'test' });
    },
  };
  return a;
}

export type RecordingDeps = IngestDeps & { writes: Translation[]; close(): void };

/** Ingest deps writing into an array, after `delayMs` per write (a slow broker). */
export function recordingDeps(o: { delayMs?: number } = {}): RecordingDeps {
  const writes: Translation[] = [];
  const deadLetters = openDeadLetterStore(':memory:');
  return {
    env: { devices: { get: () => undefined }, territory: 'test' },
    deadLetters,
    stats: createStats(),
    episodes: createEpisodeTracker(async () => new Map()),
    writes,
    async write(t) {
      if (o.delayMs) await new Promise((ok) => setTimeout(ok, o.delayMs));
      writes.push(t);
      return { written: t.entities.map((e) => e.id), failed: [], retries: 0 };
    },
    close: () => deadLetters.close(),
  };
}

/** Waits until `cond()` holds, polling every 20 ms; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Ids written so far. */
export const writtenIds = (deps: RecordingDeps) => deps.writes.flatMap((t) => t.entities.map((e) => e.id));
