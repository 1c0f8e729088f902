/**
 * A broker that fails while a streamed document is being written: a 503 at the write stage (send it
 * again), saying what was written before, not a 422 for the document; the document's own faults stay
 * decode errors.
 */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import { lineFeed } from './line-feed.fixture';
import type { Translation } from './types';

/** One entity per line, a translation per 500 lines; a line 'bad' is a fault of the document. */
const lines = lineFeed({ batch: 500, bad: 'bad' });

let app: FastifyInstance;
let close: () => Promise<void>;
let failing = true;
beforeEach(async () => {
  failing = true;
  // the broker fails on the batch holding line 2999 (a network failure, not an NGSI-LD refusal)
  const down = (t: Translation) => failing && t.entities.some((e) => e.id === 'urn:ngsi-ld:Line:2999');
  ({ app, close } = await testApp({ adapters: [lines], maxBody: 4096, write: (inner) => async (t) => (down(t) ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1026')) : inner(t)) }));
});
afterEach(() => close());

const post = (text: string) => app.inject({ method: 'POST', url: '/ingest/test/lines', headers: { 'content-type': 'text/plain' }, payload: text });
const doc = (n: number) => Array.from({ length: n }, (_, i) => String(i)).join('\n') + '\n';

it('a write failing mid-stream is a 503 at the write stage, saying what was written; the dead letter says the body was not kept', async () => {
  const text = doc(3000);
  expect(text.length).toBeGreaterThan(4096); // streamed
  const res = await post(text);
  expect(res.statusCode).toBe(503);
  const body = res.json();
  expect(body).toMatchObject({ stage: 'write', writtenCount: expect.any(Number), detail: expect.stringMatching(/ECONNREFUSED.*entities of the message, before the fault, were written/) });
  const letter = (await app.inject({ method: 'GET', url: `/ingest/dead-letters/${body.deadLetter}` })).json();
  expect(letter).toMatchObject({ stage: 'write', status: 503, bodyKept: false });
});

it("the document's own fault mid-stream stays a decode error", async () => {
  failing = false;
  const res = await post(doc(1500) + 'bad\n' + doc(10));
  expect([res.statusCode, res.json().stage]).toEqual([400, 'decode']);
});
