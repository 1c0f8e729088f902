/**
 * Tries a mapping on a sample payload without a server:
 *
 *   npm run mapping:test -- <mapping.yaml> <payload.json> [--territory eclor] [--received-at <ISO>]
 *
 * Prints the translation (entities in normalized NGSI-LD, @context URLs, write mode) as JSON, or the
 * reason and the mapping line at fault on stderr with exit code 1.
 */
import fs from 'node:fs';
import { clockFault } from '../../src/ingest/observations';
import { FeedError, type IngestMessage } from '../../src/ingest/types';
import { mappingAdapter } from './adapter';
import { loadMappingFile, MappingError } from './load';

const USAGE = 'usage: mapping-test <mapping.yaml> <payload.json> [--territory <id>] [--received-at <ISO time>]';

/** Runs the CLI; returns the exit code. */
export function runMappingTest(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const files: string[] = [];
  const opts: Record<string, string> = { territory: 'eclor', 'received-at': new Date().toISOString() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      if (!(key in opts) || argv[i + 1] === undefined) return err(USAGE), 1;
      opts[key] = argv[++i];
    } else files.push(a);
  }
  if (files.length !== 2) return err(USAGE), 1;
  try {
    const adapter = mappingAdapter(loadMappingFile(files[0]));
    const message: IngestMessage = { body: fs.readFileSync(files[1], 'utf8'), query: {}, headers: { 'content-type': 'application/json' }, receivedAt: opts['received-at'] };
    const translation = adapter.handle(message, { territory: opts.territory, devices: { get: () => undefined } });
    // the runtime's own check (src/ingest/run-message.ts): a reading from the future is refused
    const late = translation.entities.map((e) => ({ id: e.id, fault: clockFault(e, message.receivedAt) })).filter((x) => x.fault);
    if (late.length) return err(late.map((x) => `entity ${x.id} rejected at validate: ${x.fault}`).join('\n')), 1;
    out(JSON.stringify(translation, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof MappingError) err(`invalid mapping ${e.message}`);
    else if (e instanceof FeedError) err(`message rejected at ${e.stage} (HTTP ${e.status}): ${e.message}`);
    else err((e as Error).message);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runMappingTest(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`));
}
