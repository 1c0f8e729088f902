/**
 * Feeds end to end in-process: partner messages posted to the real webhooks (the reference DATEX II
 * publications of ../shared/reference, our LoRaWAN and TALQ fixtures) become Smart Data Models
 * entities that NGSI-LD queries return.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { ADAPTERS } from '../../adapters';
import { createMappingRegistry } from '../../adapters/mapping';
import { createBroker } from '../../src/broker/create-broker';
import { createApp } from '../../src/http/server';
import { createIngest } from '../../src/ingest/create-ingest';
import { createContextResolver } from '../../src/ngsi-ld/context';
import { projectRoot } from '../../src/project-root';

const ROOT = projectRoot();
const REF = path.resolve(ROOT, '../shared/reference/feeds');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const link = (domain: string) => `<https://raw.githubusercontent.com/smart-data-models/dataModel.${domain}/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

let app: FastifyInstance;
let close: () => void;
let mappings: ReturnType<typeof createMappingRegistry>;
beforeAll(async () => {
  const broker = createBroker({ dataDir: ':memory:' });
  const contexts = createContextResolver({});
  mappings = createMappingRegistry(path.join(ROOT, 'adapters/mapping/examples'), { info: () => undefined, warn: () => undefined }, { watch: false });
  const ingest = createIngest({ broker, contexts, adapters: ADAPTERS, mappings, dataDir: ':memory:', maxBody: 2 * 1024 * 1024, territoryFile: path.join(ROOT, 'adapters/water/fixtures/devices.json') });
  app = await createApp({ broker, contexts, maxBody: 2 * 1024 * 1024, log: pino({ level: 'silent' }), root: ROOT, ingest: ingest.routes });
  close = () => {
    mappings.close();
    ingest.close();
    broker.close();
  };
});
afterAll(async () => {
  await app.close();
  close();
});

const post = (url: string, body: string, type = 'application/json', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': type, ...headers }, payload: body });
const query = async (qs: string, domain: string) => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities?${qs}`, headers: { link: link(domain) } });
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body) as Array<Record<string, { value?: unknown }>>;
};

it('water: a ChirpStack uplink of an Axioma W1 meter becomes its WaterConsumptionObserved and Device', async () => {
  const input = JSON.parse(read('adapters/water/fixtures/chirpstack-up-axioma.input.json'));
  const body = input.body ?? input;
  const res = await post('/ingest/water/chirpstack?event=up', typeof body === 'string' ? body : JSON.stringify(body));
  expect(res.statusCode).toBe(204);
  const [meter] = await query('type=WaterConsumptionObserved&q=waterConsumption==6054', 'WaterConsumption');
  expect(meter.id).toBe('urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001');
  expect(meter.waterConsumption).toMatchObject({ value: 6054, unitCode: 'LTR', observedAt: '2026-09-02T23:09:34.000Z' });
  expect(await query('type=Device&id=urn:ngsi-ld:Device:demo:0101010101010101', 'Device')).toHaveLength(1);
  // no flag raised: no Alert was created (closing only touches existing episodes)
  expect(await query('type=Alert', 'Alert')).toHaveLength(0);
});

it('water: an Axioma W1 alarm frame (fPort 103) opens a burst Alert at once and keeps the stored index', async () => {
  const res = await post('/ingest/water/chirpstack?event=up', read('adapters/water/fixtures/chirpstack-up-axioma-alarm.input.json'));
  expect(res.body).toBe('');
  expect(res.statusCode).toBe(204);
  const [alert] = await query('type=Alert', 'Alert');
  expect(alert.id).toBe('urn:ngsi-ld:Alert:demo:W1-0001:burst');
  expect(alert.validFrom).toMatchObject({ value: '2026-09-02T23:41:07.000Z' });
  expect(alert.validTo).toBeUndefined();
  const [meter] = await query('type=WaterConsumptionObserved&id=urn:ngsi-ld:WaterConsumptionObserved:demo:W1-0001', 'WaterConsumption');
  expect(meter.waterConsumption).toMatchObject({ value: 6054, observedAt: '2026-09-02T23:09:34.000Z' });
  expect(meter.alarmInProgress).toMatchObject({ value: 1, observedAt: '2026-09-02T23:41:07.000Z' });
});

it('water: a join event is acknowledged and ignored; an unknown device is a dead letter', async () => {
  const join = await post('/ingest/water/chirpstack?event=join', read('adapters/water/fixtures/chirpstack-join-otaa.input.json'));
  expect([join.statusCode, JSON.parse(join.body)]).toEqual([200, { written: [], ignored: 'join event' }]);
  const bad = await post('/ingest/water/chirpstack?event=up', read('adapters/water/fixtures/chirpstack-up-unknown-device.input.json'));
  expect(bad.statusCode).toBeGreaterThanOrEqual(400);
  const p = JSON.parse(bad.body);
  const d = await app.inject({ method: 'GET', url: `/ingest/dead-letters/${p.deadLetter}` });
  expect(JSON.parse(d.body)).toMatchObject({ adapter: 'water/chirpstack', stage: p.stage });
});

it('lighting: a TALQ log report with a lamp failure gives a defective Streetlight (201 as TALQ says)', async () => {
  const res = await post(
    '/ingest/lighting/talq/log-reports?clientAddress=7c9e6679-7425-40de-944b-e07fc1f90ae7&talqRequestId=16fd2706-8baf-433b-82eb-8c7fada847da',
    read('adapters/lighting/fixtures/lamp-failure.input.json'),
    'application/json',
    { 'talq-api-version': '2.7.1' },
  );
  expect(res.statusCode).toBe(201);
  const lights = await query('type=Streetlight&q=status=="defectiveLamp"', 'Streetlighting');
  expect(lights.length).toBeGreaterThan(0);
});

describe('mobility: the reference DATEX II publications', () => {
  const ref = (f: string) => fs.readFileSync(path.join(REF, 'datex2', f), 'utf8');
  const hasRef = fs.existsSync(REF);
  (hasRef ? it : it.skip)('site table → its sites wait for a measurement; measured data → flow and speed, with the waiting site parts (the reference files cover different sites)', async () => {
    const table = await post('/ingest/mobility/datex2', ref('ndw-MeasurementSiteTable.xml'), 'application/xml');
    expect(table.statusCode).toBe(202);
    const site = 'urn:ngsi-ld:TrafficFlowObserved:demo:PZH01_MST_0629_00';
    expect(JSON.parse(table.body)).toEqual({ written: [], held: [1, 2, 3, 4].map((i) => `${site}:${i}`) });
    const waiting = await app.inject({ method: 'GET', url: '/ingest/waiting?adapter=mobility/datex2&limit=2' });
    expect(waiting.headers['x-total-count']).toBe('4');
    expect(waiting.json()[0]).toMatchObject({ entity: { id: `${site}:1`, laneId: expect.anything() }, missing: ['dateObserved'], adapter: 'mobility/datex2' });
    expect((await app.inject({ method: 'GET', url: '/ingest/stats' })).json()['mobility/datex2']).toMatchObject({ held: 4, waiting: 4 });

    expect((await post('/ingest/mobility/datex2', ref('ndw-trafficspeed-excerpt-5sites.xml'), 'application/xml')).statusCode).toBe(204);
    let flows = await query('type=TrafficFlowObserved&limit=1000', 'Transportation');
    expect(flows.some((f) => f.id.toString().includes('PZH01_MST_0065_00') && (f.intensity || f.averageVehicleSpeed))).toBe(true);
    expect(flows.every((f) => (f.averageVehicleSpeed?.value ?? 0) as number >= 0)).toBe(true); // -1 means no data
    expect(flows.every((f) => f.dateObserved)).toBe(true); // the table's site has no measurement: not on the broker
    expect(flows.some((f) => f.id.toString().startsWith(site))).toBe(false);

    // the table's site measured: written with its lanes, no longer waiting
    const measured = ref('ndw-trafficspeed-excerpt-5sites.xml').replaceAll('PZH01_MST_0065_00', 'PZH01_MST_0629_00');
    expect((await post('/ingest/mobility/datex2', measured, 'application/xml')).statusCode).toBe(204);
    flows = await query(`type=TrafficFlowObserved&id=${site}:1`, 'Transportation');
    expect(flows[0]).toMatchObject({ laneId: expect.anything(), dateObserved: expect.anything() });
    expect((await app.inject({ method: 'GET', url: '/ingest/waiting?adapter=mobility/datex2' })).json()).toHaveLength(0);

    // a table sent again for a site on the broker is written at once
    const again = await post('/ingest/mobility/datex2', ref('ndw-MeasurementSiteTable.xml'), 'application/xml');
    expect(again.statusCode).toBe(204);
  });
  it('a streamed site table that breaks part-way says what it left waiting', async () => {
    // ~2.4 MB (over MAX_BODY: streamed) of site records, then broken XML
    const table = fs.readFileSync(path.join(ROOT, 'adapters/mobility/fixtures/v2-site-table-soap.input.xml'), 'utf8');
    const [from, to] = [table.indexOf('<measurementSiteRecord '), table.indexOf('</measurementSiteRecord>') + '</measurementSiteRecord>'.length];
    const records = Array.from({ length: 900 }, (_, i) => table.slice(from, to).replace('PZH01_MST_0629_00', `BRK_${i}`)).join('\n');
    const res = await post('/ingest/mobility/datex2', `${table.slice(0, from)}${records}<broken`, 'application/xml');
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.detail).toMatch(/entity parts wait for what their type requires \(GET \/ingest\/waiting\), the rest was not$/);
    expect(body.heldCount).toBeGreaterThan(100);
    const waiting = await app.inject({ method: 'GET', url: '/ingest/waiting?limit=0' });
    expect(Number(waiting.headers['x-total-count'])).toBe(body.heldCount);
    // a site that will never report: its part can be forgotten
    const forget = (id: string) => app.inject({ method: 'DELETE', url: `/ingest/waiting/${encodeURIComponent(id)}` });
    expect((await forget('urn:ngsi-ld:TrafficFlowObserved:demo:BRK_0:1')).statusCode).toBe(204);
    const again = await forget('urn:ngsi-ld:TrafficFlowObserved:demo:BRK_0:1');
    expect([again.statusCode, again.json().title]).toEqual([404, 'No such waiting part']);
    expect(Number((await app.inject({ method: 'GET', url: '/ingest/waiting?limit=0' })).headers['x-total-count'])).toBe(body.heldCount - 1);
  });
  (hasRef ? it : it.skip)('parking table + status → OffStreetParking with available and total spots', async () => {
    expect((await post('/ingest/mobility/datex2', ref('vrs_bondorf-ParkingTable-static.xml'), 'application/xml')).statusCode).toBe(204);
    expect((await post('/ingest/mobility/datex2', ref('vrs_bondorf-ParkingStatus-realtime.xml'), 'application/xml')).statusCode).toBe(204);
    const parkings = await query('type=OffStreetParking', 'Parking');
    expect(parkings.length).toBeGreaterThan(0);
    expect(parkings[0]).toMatchObject({ totalSpotNumber: expect.anything(), availableSpotNumber: expect.anything() });
  });
  it('malformed XML is a 400 with a dead letter', async () => {
    const res = await post('/ingest/mobility/datex2', '<d2LogicalModel xmlns="http://datex2.eu/schema/2/2_0"><exchange></wrong></d2LogicalModel>', 'application/xml');
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ stage: 'decode', deadLetter: expect.any(Number) });
  });
});

it('a mapping batch: a station that cannot be translated is refused alone (its own dead letter), the others are written', async () => {
  const good = JSON.parse(read('adapters/mapping/examples/air-quality.input.json'));
  const bad = { ...good, station: 'aq-lyon-est', readings: { ...good.readings, no2: -3 } };
  const res = await post('/ingest/mapping/air-quality', JSON.stringify([good, bad]));
  expect(res.statusCode).toBe(207);
  const out = JSON.parse(res.body);
  expect(out.written).toEqual(['urn:ngsi-ld:AirQualityObserved:demo:AQ-LYON-CENTRE']);
  expect(out.rejected).toEqual([
    { entityId: 'urn:ngsi-ld:AirQualityObserved:demo:AQ-LYON-EST', at: 'payload[1]', reason: expect.stringMatching(/^attribute no2 \(air-quality\.yaml line \d+\): -3 is out of range/), deadLetter: expect.any(Number) },
  ]);
  const d = await app.inject({ method: 'GET', url: `/ingest/dead-letters/${out.rejected[0].deadLetter}` });
  expect(JSON.parse(d.body)).toMatchObject({ adapter: 'mapping/air-quality', stage: 'translate', payload: JSON.stringify(bad) });
  // replayed as it is (the mapping unchanged): the same refusal, and the station written is not written again
  const again = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${out.rejected[0].deadLetter}/replay` });
  expect(again.statusCode).toBe(422);
  // the batch sent again after that replay, or the bad station alone: still that one dead letter
  expect(JSON.parse((await post('/ingest/mapping/air-quality', JSON.stringify([good, bad]))).body).rejected[0].deadLetter).toBe(out.rejected[0].deadLetter);
  expect(JSON.parse((await post('/ingest/mapping/air-quality', JSON.stringify(bad))).body).deadLetter).toBe(out.rejected[0].deadLetter);
  expect(await query('type=AirQualityObserved', 'Environment')).toHaveLength(1);
});

it('a car park whose every new publication carries the same bad count is one dead letter, holding the latest record', async () => {
  const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  const status = (minute: number) => `<d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingStatusPublication" lang="fr"><publicationTime>2026-11-20T08:${minute}:00Z</publicationTime>`
    + `<parkingRecordStatus xsi:type="ParkingSiteStatus"><parkingRecordReference id="PR-STUCK"/><parkingStatusOriginTime>2026-11-20T08:${minute}:00Z</parkingStatusOriginTime>`
    + '<parkingOccupancy><parkingNumberOfVacantSpaces>-1</parkingNumberOfVacantSpaces><parkingNumberOfOccupiedSpaces>212</parkingNumberOfOccupiedSpaces></parkingOccupancy>'
    + '<parkingSiteStatus>spacesAvailable</parkingSiteStatus></parkingRecordStatus></payloadPublication></d2LogicalModel>';
  const first = JSON.parse((await post('/ingest/mobility/datex2', status(10), 'application/xml')).body).rejected[0];
  const later = JSON.parse((await post('/ingest/mobility/datex2', status(11), 'application/xml')).body).rejected[0];
  expect(later.deadLetter).toBe(first.deadLetter);
  const letter = JSON.parse((await app.inject({ method: 'GET', url: `/ingest/dead-letters/${first.deadLetter}` })).body);
  expect(letter).toMatchObject({ repeats: 1, about: 'urn:ngsi-ld:OffStreetParking:demo:PR-STUCK', payload: expect.stringContaining('2026-11-20T08:11:00Z') });
});

it('a declarative mapping turns a waste-bin sensor message into a WasteContainer; an unknown mapping is a 404', async () => {
  const res = await post('/ingest/mapping/waste-bin', read('adapters/mapping/examples/waste-bin.input.json'));
  expect(res.statusCode).toBe(204);
  const bins = await query('type=WasteContainer', 'WasteManagement');
  expect(bins).toHaveLength(1);
  expect(bins[0].fillingLevel.value).toEqual(expect.any(Number));
  expect((await post('/ingest/mapping/nothing', '{}')).statusCode).toBe(404);
  const status = await app.inject({ method: 'GET', url: '/ingest/mappings' });
  expect(status.json()).toMatchObject({ loaded: expect.arrayContaining(['waste-bin']), errors: [] });
  // the same sensor's message of an hour before, arriving late: refused, the stored reading stays
  const late = JSON.parse(read('adapters/mapping/examples/waste-bin.input.json'));
  late.uplink_message.received_at = '2026-09-02T05:00:01.215Z';
  late.uplink_message.decoded_payload.fill_level = 40;
  const refused = await post('/ingest/mapping/waste-bin', JSON.stringify(late));
  expect(refused.statusCode).toBe(409);
  expect(JSON.parse(refused.body).rejected[0]).toMatchObject({ entityId: bins[0].id, outOfOrder: true, reason: expect.stringMatching(/^out of order: /) });
  expect((await query('type=WasteContainer', 'WasteManagement'))[0].fillingLevel).toMatchObject({ value: bins[0].fillingLevel.value });
});
