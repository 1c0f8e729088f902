/**
 * Tries a mapping on a sample payload without a server:
 *
 *   npm run mapping:test -- <mapping.yaml> <payload.json> [--territory eclor] [--received-at <ISO>]
 *
 * With TERRITORY_FILE set, as the server: its territory, timeZone and device registry (`device`).
 * Prints the translation (entities in normalized NGSI-LD, @context URLs, write mode) as JSON, or the
 * reason and the mapping line at fault on stderr with exit code 1 (in a batch, the elements refused
 * on stderr, the others' entities on stdout, exit code 1). Load warnings go to stderr.
 */
import fs from 'node:fs';
import { loadTerritory, territoryFrom } from '../../src/ingest/device-registry';
import { clockFault } from '../../src/ingest/observations';
import { FeedError, type AdapterEnv, type IngestMessage } from '../../src/ingest/types';
import { mappingAdapter } from './adapter';
import { toIsoTime } from './expressions';
import { loadMappingFile, MappingError } from './load';

const USAGE = 'usage: mapping-test <mapping.yaml> <payload.json> [--territory <id>] [--received-at <ISO time>]';

/** The environment of the translation: TERRITORY_FILE's, with --territory and --received-at checked. */
function environment(opts: Record<string, string | undefined>, territoryFile: string | undefined): { env: AdapterEnv; receivedAt: string } {
  const t = loadTerritory(territoryFile);
  const territory = opts.territory === undefined ? t.territory : territoryFrom({ territory: opts.territory }, '--territory').territory;
  let receivedAt = new Date().toISOString();
  if (opts['received-at'] !== undefined) {
    try {
      receivedAt = toIsoTime(opts['received-at'].trim() === '' ? undefined : opts['received-at']);
    } catch (e) {
      throw new Error(`--received-at: ${(e as Error).message}`);
    }
  }
  return { env: { territory, timeZone: t.timeZone, devices: t.devices }, receivedAt };
}

/**
 * Runs the CLI; returns the exit code. `vars`: the environment variables (TERRITORY_FILE).
 * @example runMappingTest(['waste-bin.yaml', 'uplink.json', '--received-at', '2026-09-02T06:00:02Z'], console.log, console.error)
 */
export function runMappingTest(argv: string[], out: (s: string) => void, err: (s: string) => void, vars: NodeJS.ProcessEnv = process.env): number {
  const files: string[] = [];
  const opts: Record<string, string | undefined> = { territory: undefined, 'received-at': undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      if (!Object.hasOwn(opts, key) || argv[i + 1] === undefined) return err(USAGE), 1;
      opts[key] = argv[++i];
    } else files.push(a);
  }
  if (files.length !== 2) return err(USAGE), 1;
  try {
    const { env, receivedAt } = environment(opts, vars.TERRITORY_FILE || undefined);
    const mapping = loadMappingFile(files[0]);
    for (const w of mapping.warnings) err(`warning: ${mapping.file}: ${w}`);
    const adapter = mappingAdapter(mapping);
    const message: IngestMessage = { body: fs.readFileSync(files[1], 'utf8'), query: {}, headers: { 'content-type': 'application/json' }, receivedAt };
    const translation = adapter.handle(message, env);
    // the elements of a batch that cannot be translated are refused one by one, and, as the runtime
    // does (src/ingest/run-message.ts), an entity observed in the future; the others are written
    const { refused, ...produced } = translation;
    const late = new Map(produced.entities.map((e) => [e.id, clockFault(e, message.receivedAt)]).filter((x): x is [string, string] => x[1] !== undefined));
    for (const part of refused ?? []) err(`message rejected at translate (HTTP 422): ${part.at ? `${part.at}: ` : ''}${part.reason}`);
    for (const [id, fault] of late) err(`entity ${id} rejected at validate: ${fault}`);
    const kept = { ...produced, entities: produced.entities.filter((e) => !late.has(e.id)) };
    const faults = late.size + (refused?.length ?? 0);
    if (kept.entities.length > 0 || faults === 0) out(JSON.stringify(kept, null, 2));
    return faults > 0 ? 1 : 0;
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
