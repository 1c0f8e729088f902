/**
 * The territory file's assets place a car park its DATEX II records do not locate (a status published
 * without its table), on the real runtime (fastify inject, embedded broker in memory): only where the
 * broker holds no location, so the table's own place is never replaced by it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import type { Entity } from '../../src/ngsi-ld/types';
import { createSdmValidator } from '../sdm-validate.fixture';
import { datex2Adapter } from './index';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const doc = (type: string, body: string) => `<d2LogicalModel ${V2}><payloadPublication xsi:type="${type}" lang="fr"><publicationTime>2026-11-20T08:00:00Z</publicationTime>${body}</payloadPublication></d2LogicalModel>`;
const status = (vacant: number, ref = 'P-GARE') => doc('ParkingStatusPublication', `<parkingRecordStatus xsi:type="ParkingSiteStatus"><parkingRecordReference id="${ref}"/>`
  + `<parkingStatusOriginTime>2026-11-20T08:0${vacant % 10}:00Z</parkingStatusOriginTime><parkingOccupancy><parkingNumberOfVacantSpaces>${vacant}</parkingNumberOfVacantSpaces>`
  + '<parkingNumberOfOccupiedSpaces>80</parkingNumberOfOccupiedSpaces></parkingOccupancy><parkingSiteStatus>spacesAvailable</parkingSiteStatus></parkingRecordStatus>');
const table = doc('ParkingTablePublication', '<parkingTable><parkingRecord xsi:type="UrbanParkingSite" id="P-GARE"><parkingName><values><value lang="fr">Parking de la Gare</value></values></parkingName>'
  + '<parkingNumberOfSpaces>200</parkingNumberOfSpaces><parkingLocation xsi:type="Point"><pointByCoordinates><pointCoordinates><latitude>45.75</latitude><longitude>4.83</longitude></pointCoordinates></pointByCoordinates></parkingLocation></parkingRecord></parkingTable>');
const ID = 'urn:ngsi-ld:OffStreetParking:eclor:P-GARE';
const LINK = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Parking/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
const REGISTRY: [number, number] = [4.8401, 45.7602];

let dir: string;
let app: FastifyInstance;
let close: () => Promise<void>;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-parking-assets-'));
  const territoryFile = path.join(dir, 'territory.json');
  fs.writeFileSync(territoryFile, JSON.stringify({ assets: [{ address: 'p-gare', location: REGISTRY }] }));
  ({ app, close } = await testApp({ adapters: [datex2Adapter], maxBody: 1 << 20, territoryFile }));
});
afterEach(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const send = async (xml: string) => {
  const r = await app.inject({ method: 'POST', url: '/ingest/mobility/datex2', headers: { 'content-type': 'application/xml' }, payload: xml });
  expect(r.statusCode).toBe(204);
};
const get = async (): Promise<Entity> => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}`, headers: { link: LINK, accept: 'application/json' } });
  expect(r.statusCode).toBe(200);
  return r.json() as Entity;
};

it('places a car park known from its status alone, complete for the Smart Data Models; its table then gives its own place', async () => {
  await send(status(120));
  const placed = await get();
  expect(placed).toMatchObject({ location: { value: { type: 'Point', coordinates: REGISTRY } }, availableSpotNumber: { value: 120 } });
  expect(createSdmValidator().errors(placed)).toEqual([]);
  await send(table);
  expect((await get()).location).toMatchObject({ value: { type: 'Point', coordinates: [4.83, 45.75] } });
  // a later status does not put the registry's place back over the table's
  await send(status(121));
  expect(await get()).toMatchObject({ location: { value: { coordinates: [4.83, 45.75] } }, availableSpotNumber: { value: 121 } });
});

it('a status that names the car park `P-GARE[Parking de la Gare]` is placed by the entry of P-GARE, as its table is', async () => {
  await send(status(120, 'P-GARE [Parking de la Gare]'));
  expect((await get()).location).toMatchObject({ value: { type: 'Point', coordinates: REGISTRY } });
});

it('a place set through the API is not replaced by the registry', async () => {
  await send(status(120));
  const set = await app.inject({ method: 'PATCH', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}/attrs`, headers: { 'content-type': 'application/json', link: LINK }, payload: JSON.stringify({ location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.9, 45.8] } } }) });
  expect(set.statusCode).toBe(204);
  await send(status(121));
  expect((await get()).location).toMatchObject({ value: { coordinates: [4.9, 45.8] } });
});
