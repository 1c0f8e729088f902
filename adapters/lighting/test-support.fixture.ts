/** Shared test inputs: the gateway request envelope, the territory env and the fixture cases. */
import fs from 'node:fs';
import path from 'node:path';
import type { AdapterEnv, IngestMessage, Translation } from '../../src/ingest/types';
import { talqGroupsAdapter, talqLogReportAdapter } from './index';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const GATEWAY = '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40';

export const env: AdapterEnv = {
  territory: 'eclor',
  devices: { get: (id) => (id === '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60' ? { devEui: id, meterId: 'SL-0042', location: [4.8321, 45.7597] } : undefined) },
};

/** A `POST /log-reports?clientAddress=…&talqRequestId=…` as the runtime hands it over. */
export function logReportMessage(body: string, over: Partial<IngestMessage> = {}): IngestMessage {
  return {
    body,
    query: { clientAddress: GATEWAY, talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' },
    headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' },
    receivedAt: '2025-01-15T09:45:00.000Z',
    ...over,
  };
}

/** Fixture case names (`<case>.input.json`); `groups-*` cases go to the groups adapter. */
export function fixtureCases(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.input.json')).map((f) => f.replace(/\.input\.json$/, '')).sort();
}

export function readInput(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.input.json`), 'utf8');
}

export function runCase(name: string, body = readInput(name)): Translation {
  return name.startsWith('groups-') ? talqGroupsAdapter.handle(logReportMessage(body), env) : talqLogReportAdapter.handle(logReportMessage(body), env);
}
