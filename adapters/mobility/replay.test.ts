/**
 * Replay of a DATEX II record refused on its own (a car park's counts), on the real runtime (fastify
 * inject, embedded broker in memory): the replay writes what the record has that is good and refuses
 * the counts again, and the dead letter that stands for that refusal stays.
 */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import { datex2Adapter } from './index';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const status = (vacant: number) => `<d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingStatusPublication" lang="fr"><publicationTime>2026-11-20T08:00:00Z</publicationTime>`
  + '<parkingRecordStatus xsi:type="ParkingSiteStatus"><parkingRecordReference id="P-SABLONS"/><parkingStatusOriginTime>2026-11-20T07:59:00Z</parkingStatusOriginTime>'
  + `<parkingOccupancy><parkingNumberOfVacantSpaces>${vacant}</parkingNumberOfVacantSpaces><parkingNumberOfOccupiedSpaces>318</parkingNumberOfOccupiedSpaces></parkingOccupancy>`
  + '<parkingSiteStatus>full</parkingSiteStatus></parkingRecordStatus></payloadPublication></d2LogicalModel>';

let app: FastifyInstance;
let close: () => Promise<void>;
beforeEach(async () => ({ app, close } = await testApp({ adapters: [datex2Adapter], maxBody: 1 << 20 })));
afterEach(() => close());

const letter = async (id: number) => app.inject({ method: 'GET', url: `/ingest/dead-letters/${id}` });

it('a record replayed and refused again keeps its dead letter (replay counted, not a repeat), though the rest of it was written', async () => {
  const sent = await app.inject({ method: 'POST', url: '/ingest/mobility/datex2', headers: { 'content-type': 'application/xml' }, payload: status(-1) });
  expect(sent.statusCode).toBe(207);
  const [refused] = (sent.json() as { rejected: Array<{ deadLetter: number }> }).rejected;
  const replayed = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${refused.deadLetter}/replay` });
  expect(replayed.statusCode).toBe(207);
  expect(replayed.json()).toMatchObject({ rejected: [{ deadLetter: refused.deadLetter }] });
  const kept = await letter(refused.deadLetter);
  expect(kept.statusCode).toBe(200);
  expect(kept.json()).toMatchObject({ replays: 1, repeats: 0, about: 'urn:ngsi-ld:OffStreetParking:eclor:P-SABLONS' });
  // the publisher sending it again is a repeat of that same dead letter
  await app.inject({ method: 'POST', url: '/ingest/mobility/datex2', headers: { 'content-type': 'application/xml' }, payload: status(-1) });
  expect((await letter(refused.deadLetter)).json()).toMatchObject({ replays: 1, repeats: 1 });
  expect(JSON.parse((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).body)).toHaveLength(1);
});
