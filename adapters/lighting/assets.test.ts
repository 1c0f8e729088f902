/**
 * The territory file's assets on the real runtime (fastify inject, embedded broker in memory): a lamp
 * its gateway does not locate is placed by the registry, but a place the lamp reported, or one set
 * through the API, is not replaced by it; groups are placed by the registry only. The adapters as the
 * server mounts them (adapters/index.ts: their entities checked against schemas/entities/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import type { Entity } from '../../src/ngsi-ld/types';
import { createSdmValidator } from '../sdm-validate.fixture';
import type { Translation } from '../../src/ingest/types';
import type { WriteOutcome } from '../../src/ingest/write';
import { ADAPTERS } from '../index';
import { STREETLIGHTING_CONTEXT } from './talq/translate';
import { GATEWAY } from './test-support.fixture';

const LAMP = 'a7b6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c21';
const ID = `urn:ngsi-ld:Streetlight:eclor:${LAMP}`;
const GROUP = 'urn:ngsi-ld:StreetlightGroup:eclor:zone-est';
const LINK = `<${STREETLIGHTING_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const REGISTRY: [number, number] = [4.8358, 45.7641];
const LIGHTING = ADAPTERS.filter((a) => a.name.startsWith('lighting/'));

let dir: string;
let app: FastifyInstance;
let close: () => Promise<void>;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-assets-'));
  const territoryFile = path.join(dir, 'territory.json');
  fs.writeFileSync(territoryFile, JSON.stringify({ assets: [{ address: LAMP.toUpperCase(), location: REGISTRY }] }));
  ({ app, close } = await testApp({ adapters: LIGHTING, maxBody: 1 << 20, territoryFile }));
});
afterEach(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const log = (at: string, attributeName: string, attributeValue: unknown, fn = 'lampMonitor1') => ({ data: { type: 'AttributeLogData', srcAddress: `${LAMP}/${fn}`, timestamp: at, attributeName, attributeValue } });
const power = (at: string, w: number) => log(at, 'activePower', { type: 'AttributeFloat', value: w });
const gps = (at: string, latitude: number, longitude: number) => log(at, 'location', { type: 'AttributeLocation', value: { latitude, longitude } }, 'basic1');
const send = async (...entries: unknown[]) => {
  const r = await app.inject({
    method: 'POST',
    url: `/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5`,
    headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' },
    payload: JSON.stringify({ address: 'logger-1', entries }),
  });
  expect(r.statusCode).toBe(201);
};
const get = async (id: string) => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}?options=keyValues`, headers: { link: LINK, accept: 'application/json' } });
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body) as { location?: { type: string; coordinates: number[] }; refStreetlightGroup?: unknown; status?: string };
};
const groups = async (...members: string[]) => {
  const payload = JSON.stringify([{ address: 'zone-est', ownerCMS: 'cms', members: members.map((address) => ({ resource: 'devices', address })) }]);
  expect((await app.inject({ method: 'POST', url: '/ingest/lighting/talq-groups', headers: { 'content-type': 'application/json' }, payload })).statusCode).toBe(204);
};

it('places a lamp its gateway does not locate, but never over a place it reported or one set through the API', async () => {
  await send(power('2025-01-15T05:00:00Z', 40));
  expect((await get(ID)).location).toEqual({ type: 'Point', coordinates: REGISTRY });
  await send(gps('2025-01-15T05:01:00Z', 45.77, 4.84));
  await send(power('2025-01-15T05:02:00Z', 41));
  expect((await get(ID)).location?.coordinates).toEqual([4.84, 45.77]);
  const set = await app.inject({ method: 'PATCH', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}/attrs`, headers: { 'content-type': 'application/json', link: LINK }, payload: JSON.stringify({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.9, 45.8] } } }) });
  expect(set.statusCode).toBe(204);
  await send(power('2025-01-15T05:03:00Z', 42));
  expect((await get(ID)).location?.coordinates).toEqual([4.9, 45.8]);
});

it('a lamp that reports no failure is ok (complete for the SDM); a failure reported later, even observed before, replaces it, and the default never returns over it', async () => {
  await send(power('2025-01-15T05:00:00Z', 40));
  const normalized = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}`, headers: { link: LINK, accept: 'application/json' } });
  expect(normalized.json()).toMatchObject({ status: { value: 'ok' } });
  expect(normalized.json().status.observedAt).toBeUndefined();
  expect(createSdmValidator().errors(normalized.json() as Entity)).toEqual([]);
  const failure = (at: string, value: boolean) => log(at, 'lampFailure', { type: 'AttributeBoolean', value });
  await send(failure('2025-01-15T04:59:00Z', true)); // a buffered alarm, sent after the power
  expect(await get(ID)).toMatchObject({ status: 'defectiveLamp' });
  await send(power('2025-01-15T05:05:00Z', 0));
  expect(await get(ID)).toMatchObject({ status: 'defectiveLamp' });
  await send(failure('2025-01-15T06:00:00Z', false));
  expect(await get(ID)).toMatchObject({ status: 'ok' });
});

it("a late report's dead letter names its defaults: replayed, they go only where the broker holds none (never over a failure reported since; a lamp deleted since gets them back)", async () => {
  const late = async (w: number) => {
    const r = await app.inject({
      method: 'POST',
      url: `/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b`,
      headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' },
      payload: JSON.stringify({ address: 'logger-1', entries: [power('2025-01-15T04:00:00Z', w)] }),
    });
    expect(r.statusCode).toBe(409);
    const letters = JSON.parse((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).body) as Array<{ id: number; payload: string }>;
    return letters[letters.length - 1];
  };
  const del = async () => expect((await app.inject({ method: 'DELETE', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}` })).statusCode).toBe(204);
  await send(power('2025-01-15T05:00:00Z', 40));
  const letter = await late(30);
  expect(JSON.parse(letter.payload)).toMatchObject({ status: { value: 'ok' }, location: { value: { coordinates: REGISTRY } }, '@fallback': ['location', 'status'] });
  // the lamp deleted and reported again with a failure: the late power is no longer late, and is written
  await del();
  await send(log('2025-01-15T06:00:00Z', 'lampFailure', { type: 'AttributeBoolean', value: true }));
  expect((await app.inject({ method: 'POST', url: `/ingest/dead-letters/${letter.id}/replay` })).statusCode).toBe(200);
  expect(await get(ID)).toMatchObject({ status: 'defectiveLamp', location: { coordinates: REGISTRY } });
  // the lamp deleted: the replay writes it complete, its place and default status included
  await send(power('2025-01-15T07:00:00Z', 40));
  const again = await late(20);
  await del();
  expect((await app.inject({ method: 'POST', url: `/ingest/dead-letters/${again.id}/replay` })).statusCode).toBe(200);
  const normalized = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}`, headers: { link: LINK, accept: 'application/json' } });
  expect(normalized.json()).toMatchObject({ status: { value: 'ok' }, location: { value: { coordinates: REGISTRY } }, powerConsumption: { value: 20 } });
  expect(createSdmValidator().errors(normalized.json() as Entity)).toEqual([]);
});

it('a report without a place sent with one that has it, to a slow broker: the reported place stays', async () => {
  await close();
  const territoryFile = path.join(dir, 'territory.json');
  const slow = (inner: (t: Translation) => Promise<WriteOutcome>) => async (t: Translation) => {
    await new Promise((r) => setTimeout(r, 30));
    return inner(t);
  };
  ({ app, close } = await testApp({ adapters: LIGHTING, maxBody: 1 << 20, territoryFile, write: slow }));
  await Promise.all([send(gps('2025-01-15T05:01:00Z', 45.77, 4.84)), send(power('2025-01-15T05:01:00Z', 41))]);
  expect((await get(ID)).location?.coordinates).toEqual([4.84, 45.77]);
});

it("gives a cabinet the groups the inventory says it feeds; the inventory owns them, so its changes reach the cabinet's next report", async () => {
  const territoryFile = path.join(dir, 'territory.json');
  const CABINET = 'c4b1f0e2-8d7a-4c3b-b2a1-6e5f4d3c2b10';
  const CABINET2 = 'd5c2a1f3-9e8b-4d4c-83b2-7f6a5e4d3c21';
  fs.writeFileSync(territoryFile, JSON.stringify({ assets: [{ address: CABINET, location: REGISTRY, group: 'zone-est' }, { address: CABINET2, location: REGISTRY, group: ['zone-est', 'zone-ouest'] }] }));
  await close();
  ({ app, close } = await testApp({ adapters: LIGHTING, maxBody: 1 << 20, territoryFile }));
  const cabinet = (at: string, localOverride: string) => ({ data: { type: 'AttributeLogData', srcAddress: `${CABINET}/segmentController1`, timestamp: at, attributeName: 'localOverride', attributeValue: { type: 'AttributeEnum', value: localOverride } } });
  await send(cabinet('2025-01-15T05:00:00Z', 'NONE'));
  const id = `urn:ngsi-ld:StreetlightControlCabinet:eclor:${CABINET}`;
  expect(await get(id)).toMatchObject({ location: { coordinates: REGISTRY }, refStreetlightGroup: [GROUP], workingMode: 'automatic' });
  // complete for the Smart Data Models, required members included (their refStreetlightGroup is a list)
  const normalized = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, headers: { link: LINK, accept: 'application/json' } });
  expect(createSdmValidator().errors(normalized.json() as Entity)).toEqual([]);
  await send({ data: { type: 'AttributeLogData', srcAddress: `${CABINET2}/segmentController1`, timestamp: '2025-01-15T05:00:00Z', attributeName: 'localOverride', attributeValue: { type: 'AttributeEnum', value: 'NONE' } } });
  expect((await get(`urn:ngsi-ld:StreetlightControlCabinet:eclor:${CABINET2}`)).refStreetlightGroup).toEqual([GROUP, 'urn:ngsi-ld:StreetlightGroup:eclor:zone-ouest']);
  // a single id written before (an earlier version, or the API) is replaced by the inventory's list
  const set = await app.inject({ method: 'PATCH', url: `/ngsi-ld/v1/entities/${encodeURIComponent(id)}/attrs`, headers: { 'content-type': 'application/json', link: LINK }, payload: JSON.stringify({ refStreetlightGroup: { type: 'Relationship', object: 'urn:ngsi-ld:StreetlightGroup:eclor:other' } }) });
  expect(set.statusCode).toBe(204);
  await send(cabinet('2025-01-15T05:01:00Z', 'OFF'));
  expect(await get(id)).toMatchObject({ refStreetlightGroup: [GROUP] });
  // the inventory edited (the file is read again when it changes): the next report carries the new groups
  fs.writeFileSync(territoryFile, JSON.stringify({ assets: [{ address: CABINET, location: REGISTRY, group: ['zone-est', 'zone-nord'] }] }));
  await close();
  ({ app, close } = await testApp({ adapters: LIGHTING, maxBody: 1 << 20, territoryFile }));
  await send(cabinet('2025-01-15T05:02:00Z', 'NONE'));
  expect(await get(id)).toMatchObject({ refStreetlightGroup: [GROUP, 'urn:ngsi-ld:StreetlightGroup:eclor:zone-nord'], location: { coordinates: REGISTRY } });
});

it('places a group at its registered lamps, and takes the place away when its lamps are no longer registered ones', async () => {
  await groups(LAMP, 'not-registered');
  expect((await get(GROUP)).location).toEqual({ type: 'Point', coordinates: REGISTRY });
  await groups('not-registered');
  expect((await get(GROUP)).location).toBeUndefined();
});
