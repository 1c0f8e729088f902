/** Test helpers shared by the mobility tests (excluded from the build). */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AdapterEnv, IngestMessage, Translation } from '../../src/ingest/types';
import { datex2Adapter } from './index';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const ENV: AdapterEnv = { territory: 'demo', devices: { get: () => undefined } };
export const RECEIVED_AT = '2030-01-01T00:00:00Z';

/** The fixture case names (`<case>.input.xml`). */
export function fixtureCases(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.input.xml')).map((f) => f.replace('.input.xml', '')).sort();
}

export function readInput(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.input.xml`), 'utf8');
}

export function readExpected(name: string): Translation {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8')) as Translation;
}

export function message(body: string): IngestMessage {
  return { body, query: {}, headers: { 'content-type': 'application/xml' }, receivedAt: RECEIVED_AT };
}

/** Runs `handle` on a body. */
export function handle(body: string): Translation {
  return datex2Adapter.handle(message(body), ENV);
}

/** Splits bytes into chunks of `size` (cutting multi-byte characters and tags anywhere). */
export function byteChunks(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

/** Runs `handleStream` and collects its translations. */
export async function handleStream(body: Readable): Promise<Translation[]> {
  const out: Translation[] = [];
  const { body: _ignored, ...rest } = message('');
  for await (const t of datex2Adapter.handleStream!(body, rest, ENV)) out.push(t);
  return out;
}
