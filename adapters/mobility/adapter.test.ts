import { Readable } from 'node:stream';
import { datex2Adapter, DATEX2_BATCH } from './index';
import { ENV, handle, RECEIVED_AT } from './test-support.fixture';
import type { Translation } from '../../src/ingest/types';

describe('datex2Adapter.decodeBody (buffered bodies, as the webhook and the poll source read them)', () => {
  const doc = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?><d2LogicalModel><name>Gare Saint-Léon, Köln</name></d2LogicalModel>`;
  it('decodes the encoding the document declares', () => {
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('ISO-8859-1'), 'latin1'))).toContain('Saint-Léon, Köln');
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('windows-1252'), 'latin1'))).toContain('Saint-Léon, Köln');
  });
  it('reads UTF-8 (declared or not) and UTF-16 with a byte order mark', () => {
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('UTF-8'), 'utf8'))).toContain('Saint-Léon, Köln');
    expect(datex2Adapter.decodeBody!(Buffer.from('<a>é</a>', 'utf8'))).toBe('<a>é</a>');
    expect(datex2Adapter.decodeBody!(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc('UTF-16'), 'utf16le')]))).toContain('Saint-Léon, Köln');
  });
  it('refuses an encoding it cannot decode (415)', () => {
    expect(() => datex2Adapter.decodeBody!(Buffer.from(doc('x-klingon'), 'latin1'))).toThrow(expect.objectContaining({ name: 'FeedError', status: 415 }));
  });

  const undeclared = Buffer.from('<?xml version="1.0"?><d2LogicalModel><name>Parkhaus Sonnenstraße</name></d2LogicalModel>', 'latin1');
  it('decodes the Content-Type charset when the document declares no encoding', () => {
    expect(datex2Adapter.decodeBody!(undeclared, { 'content-type': 'text/xml; charset=ISO-8859-1' })).toContain('Parkhaus Sonnenstraße');
  });
  it('ranks the XML declaration above the Content-Type charset', () => {
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('ISO-8859-1'), 'latin1'), { 'content-type': 'text/xml; charset=utf-8' })).toContain('Saint-Léon, Köln');
  });
  it('refuses bytes that are not valid in the encoding chosen (400), rather than replacing them', () => {
    expect(() => datex2Adapter.decodeBody!(undeclared, { 'content-type': 'text/xml' }))
      .toThrow(expect.objectContaining({ name: 'FeedError', stage: 'decode', status: 400, message: 'the document is not valid utf-8 (the default): bytes that are not characters in it' }));
  });
});

describe('datex2Adapter.handleStream', () => {
  const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  async function run(body: Buffer | string, contentType = 'application/xml'): Promise<Translation[]> {
    const out: Translation[] = [];
    const message = { query: {}, headers: { 'content-type': contentType }, receivedAt: RECEIVED_AT };
    const chunks = typeof body === 'string' ? [body] : [body.subarray(0, 100), body.subarray(100)];
    for await (const t of datex2Adapter.handleStream!(Readable.from(chunks), message, ENV)) out.push(t);
    return out;
  }

  it("decodes the request's Content-Type charset when the document declares no encoding, and refuses invalid bytes (400)", async () => {
    const bytes = Buffer.from(`<?xml version="1.0"?><d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingTablePublication"><parkingTable>`
      + '<parkingRecord id="MUC-1"><parkingName><values><value>Parkhaus Sonnenstraße</value></values></parkingName></parkingRecord></parkingTable></payloadPublication></d2LogicalModel>', 'latin1');
    const [t] = await run(bytes, 'text/xml; charset=ISO-8859-1');
    expect(t.entities[0]).toMatchObject({ id: 'urn:ngsi-ld:OffStreetParking:demo:MUC-1', name: { value: 'Parkhaus Sonnenstraße' } });
    await expect(run(bytes, 'text/xml')).rejects.toMatchObject({ name: 'FeedError', stage: 'decode', status: 400 });
  });

  it('yields refused records with the batches, in bounded translations', async () => {
    const site = (i: number) => `<siteMeasurements><measurementSiteReference version="${i}"/></siteMeasurements>`;
    const body = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${Array.from({ length: 1200 }, (_, i) => site(i)).join('')}</payloadPublication></d2LogicalModel>`;
    const translations = await run(body);
    const refused = translations.map((t) => t.refused?.length ?? 0);
    expect(refused.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(Math.max(...refused)).toBeLessThanOrEqual(DATEX2_BATCH);
    expect(translations[0].refused?.[0]).toEqual({
      reason: 'MeasuredData publication: siteMeasurements without a measurementSiteReference id: its values belong to no site',
      payload: '<siteMeasurements><measurementSiteReference version="0"/></siteMeasurements>',
    });
  });
});

describe('datex2Adapter.handle', () => {
  const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  it('says why an on-street site without declared spaces gives nothing', () => {
    const t = handle(`<d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingTablePublication"><parkingTable>`
      + '<parkingRecord xsi:type="UrbanParkingSite" id="RUE-1"><parkingNumberOfSpaces>12</parkingNumberOfSpaces><urbanParkingSiteType>onStreetParking</urbanParkingSiteType></parkingRecord>'
      + '</parkingTable></payloadPublication></d2LogicalModel>');
    expect(t).toMatchObject({
      entities: [],
      ignored: 'no site with usable data in the ParkingTable publication (on-street sites give no OffStreetParking, only their declared spaces: 1 met)',
    });
  });
});
