/** The waiting-part store on a real SQLite file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPartStore, type WaitingPart } from './parts';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-parts-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const T = '2026-11-23T01:00:00.000Z';
const part = (id: string, adapter = 'mobility/datex2'): WaitingPart => ({
  entity: { id, type: 'TrafficFlowObserved', laneId: { type: 'Property', value: 1 } },
  context: ['https://example.org/ctx.jsonld'], adapter, missing: ['dateObserved'], since: T, updatedAt: T,
});

it('keeps parts across a reopen, and knows their ids without reading them', () => {
  const file = path.join(dir, 'ingest.sqlite');
  let parts = openPartStore(file);
  parts.put([part('urn:a'), part('urn:b', 'mapping/x')]);
  parts.put([{ ...part('urn:a'), missing: ['dateObserved', 'location'], updatedAt: '2026-11-23T02:00:00.000Z' }]); // replaced
  parts.close();
  parts = openPartStore(file);
  expect([parts.has('urn:a'), parts.has('urn:b'), parts.has('urn:c')]).toEqual([true, true, false]);
  expect(parts.get('urn:a')).toEqual({ ...part('urn:a'), missing: ['dateObserved', 'location'], updatedAt: '2026-11-23T02:00:00.000Z' });
  expect(parts.get('urn:c')).toBeUndefined();
  expect([parts.count(), parts.count('mapping/x'), parts.counts()]).toEqual([2, 1, { 'mobility/datex2': 1, 'mapping/x': 1 }]);
  parts.delete(['urn:a']);
  parts.delete(['urn:a', 'urn:z']); // gone already, never there: nothing
  expect(parts.list({ limit: 10, offset: 0 })).toEqual({ items: [part('urn:b', 'mapping/x')], total: 1 });
  expect(parts.list({ adapter: 'mobility/datex2', limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
  parts.close();
});

it('shares the dead letters file', () => {
  const parts = openPartStore(':memory:');
  parts.put([part('urn:a')]);
  expect(parts.list({ limit: 1, offset: 0 }).items[0].entity.id).toBe('urn:a');
  parts.close();
});
