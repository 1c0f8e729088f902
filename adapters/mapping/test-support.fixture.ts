/** Shared by the mapping tests: the examples, a minimal mapping text, a fixed environment. */
import fs from 'node:fs';
import path from 'node:path';
import type { AdapterEnv, IngestMessage } from '../../src/ingest/types';

export const EXAMPLES_DIR = path.join(__dirname, 'examples');
export const EXAMPLES = ['waste-bin', 'air-quality'] as const;
export const RECEIVED_AT = '2026-09-02T06:00:02Z';
export const env: AdapterEnv = { territory: 'eclor', devices: { get: () => undefined } };

export const exampleFile = (name: string, suffix: string) => path.join(EXAMPLES_DIR, `${name}${suffix}`);
export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

export function message(body: string): IngestMessage {
  return { body, query: {}, headers: { 'content-type': 'application/json' }, receivedAt: RECEIVED_AT };
}

/** A small valid mapping; line numbers of its nodes are used by the tests (line 1 = `name`). */
export const BASE_MAPPING = `name: probe
source:
  http: {}
deviceId: payload.id
entity:
  type: WasteContainer
  idTemplate: 'urn:ngsi-ld:WasteContainer:{territory}:{deviceId}'
  context: https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld
attributes:
  fillingLevel:
    expr: payload.level | percent
    min: 0
    max: 1
  temperature:
    expr: payload.t
    unitCode: CEL
    optional: true
location:
  coordinates: [4.83, 45.75]
`;
