/**
 * The fixture pairs of adapters/water/fixtures (test support): `<case>.input.json|csv` →
 * `<case>.expected.json`, the Translation or `{ "error": { stage, status, reason } }`.
 * The case name picks the adapter: `chirpstack-<event>-…` (the event becomes the `event` query
 * parameter), `tts-…`, `quality-…`, `csv-…`. Every case runs with the territory file
 * fixtures/devices.json and the arrival time RECEIVED_AT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { territoryFrom } from '../../src/ingest/device-registry';
import { FeedError, type Adapter, type AdapterEnv, type IngestMessage, type Translation } from '../../src/ingest/types';
import type { Entity } from '../../src/ngsi-ld/types';
import { chirpstackAdapter, ttsAdapter, waterCsvAdapter, waterQualityAdapter } from './index';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const RECEIVED_AT = '2026-09-03T00:00:05.000Z';

export interface FixtureCase {
  name: string;
  inputFile: string;
  expectedFile: string;
  adapter: Adapter;
  message: IngestMessage;
}

export type Outcome = Translation | { error: { stage: string; status: number; reason: string } };

export function fixtureEnv(): AdapterEnv {
  const t = territoryFrom(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'devices.json'), 'utf8')));
  return { devices: t.devices, territory: t.territory };
}

function adapterFor(name: string): { adapter: Adapter; query: Record<string, string> } {
  const [prefix, second] = name.split('-');
  if (prefix === 'chirpstack') return { adapter: chirpstackAdapter, query: { event: second } };
  const adapter = { tts: ttsAdapter, quality: waterQualityAdapter, csv: waterCsvAdapter }[prefix];
  if (!adapter) throw new Error(`fixture ${name}: no adapter for prefix '${prefix}'`);
  return { adapter, query: {} };
}

export function fixtureCases(): FixtureCase[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => /\.input\.(json|csv)$/.test(f))
    .sort()
    .map((inputFile) => {
      const name = inputFile.replace(/\.input\.(json|csv)$/, '');
      const { adapter, query } = adapterFor(name);
      const contentType = inputFile.endsWith('.csv') ? 'text/csv' : 'application/json';
      const body = fs.readFileSync(path.join(FIXTURES, inputFile), 'utf8');
      return {
        name,
        inputFile,
        expectedFile: path.join(FIXTURES, `${name}.expected.json`),
        adapter,
        message: { body, query, headers: { 'content-type': contentType }, receivedAt: RECEIVED_AT },
      };
    });
}

/** Runs a case; a FeedError becomes the `error` outcome, anything else is thrown. */
export function runCase(c: FixtureCase, env = fixtureEnv()): Outcome {
  try {
    return c.adapter.handle(c.message, env);
  } catch (err) {
    if (err instanceof FeedError) return { error: { stage: err.stage, status: err.status, reason: err.message } };
    throw err;
  }
}

/**
 * A merge fragment rather than a whole entity: the Device of a status event for a device the registry
 * and the tags do not describe (battery and margin only; its uplinks write the rest). SDM schemas
 * check such a fragment's attributes, not the model's required ones.
 */
export const isFragment = (e: Entity): boolean => e.type === 'Device' && !('controlledProperty' in e);
