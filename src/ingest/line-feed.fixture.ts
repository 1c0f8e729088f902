/** A streaming test feed: one entity per line of a text body (`urn:ngsi-ld:Line:<line>`), for the ingest runtime's tests. */
import type { Readable } from 'node:stream';
import { FeedError, type Adapter, type Translation } from './types';

/**
 * `batch`: entities per translation (default: one translation per chunk read); a line equal to `bad`
 * is a fault of the document (FeedError decode 400).
 * @example createIngest({ …, adapters: [lineFeed()] }) // POST /ingest/test/lines, text/plain
 */
export function lineFeed(o: { batch?: number; bad?: string } = {}): Adapter {
  return {
    name: 'test/lines',
    path: '/ingest/test/lines',
    contentTypes: ['text/plain'],
    handle: () => {
      throw new FeedError('decode', 'only streamed');
    },
    async *handleStream(body: Readable): AsyncIterable<Translation> {
      let rest = '';
      for await (const c of body) {
        rest += c.toString();
        const lines = rest.split('\n');
        rest = lines.pop()!;
        if (o.bad !== undefined && lines.includes(o.bad)) throw new FeedError('decode', `line ${o.bad} is not a number`, 400);
        const entities = lines.filter(Boolean).map((l) => ({ id: `urn:ngsi-ld:Line:${l}`, type: 'Line', n: { type: 'Property', value: Number(l) } }));
        const size = o.batch ?? Math.max(1, entities.length);
        for (let i = 0; i < entities.length; i += size) yield { context: [], entities: entities.slice(i, i + size) };
      }
    },
  };
}
