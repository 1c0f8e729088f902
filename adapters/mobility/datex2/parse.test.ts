/** DATEX II parser: publication detection per version/wrapper, record extraction, and bad input. */
import { Readable } from 'node:stream';
import { FeedError } from '../../../src/ingest/types';
import { Datex2Parser, parseDatex2, parseDatex2Stream } from './parse';
import { toUtc } from './values';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const V3 = 'xmlns:com="http://datex2.eu/schema/3/common" xmlns:roa="http://datex2.eu/schema/3/roadTrafficData" xmlns:prk="http://datex2.eu/schema/3/parking" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const SITE_V2 = '<siteMeasurements><measurementSiteReference id="S1"/><measurementTimeDefault>2025-01-01T00:00:00Z</measurementTimeDefault>'
  + '<measuredValue index="1"><measuredValue><basicData xsi:type="TrafficFlow"><vehicleFlow><vehicleFlowRate>60</vehicleFlowRate></vehicleFlow></basicData></measuredValue></measuredValue>'
  + '<measuredValue index="2"><measuredValue><basicData xsi:type="TrafficSpeed"><averageVehicleSpeed><speed>-1</speed></averageVehicleSpeed></basicData></measuredValue></measuredValue>'
  + '</siteMeasurements>';
const STATUS = '<prk:parkingRecordStatus><prk:parkingRecordReference id="P1"/><prk:parkingOccupancy><prk:parkingNumberOfVacantSpaces>3</prk:parkingNumberOfVacantSpaces></prk:parkingOccupancy></prk:parkingRecordStatus>';

function decodeError(xml: string): FeedError {
  try {
    parseDatex2(xml);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    return err as FeedError;
  }
  throw new Error('expected a FeedError');
}

describe('parseDatex2: publications', () => {
  it.each([
    ['v2 d2LogicalModel', `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><publicationTime>2025-01-01T00:00:05Z</publicationTime>${SITE_V2}</payloadPublication></d2LogicalModel>`, 'MeasuredData', 2],
    ['v2 in SOAP 1.1', `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header/><S:Body><d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${SITE_V2}</payloadPublication></d2LogicalModel></S:Body></S:Envelope>`, 'MeasuredData', 2],
    ['v2 in SOAP 1.2', `<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body><d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${SITE_V2}</payloadPublication></d2LogicalModel></S:Body></S:Envelope>`, 'MeasuredData', 2],
    ['v2 prefixed xsi:type value', `<d2LogicalModel ${V2} xmlns:d2="http://datex2.eu/schema/2/2_0"><payloadPublication xsi:type="d2:MeasuredDataPublication">${SITE_V2}</payloadPublication></d2LogicalModel>`, 'MeasuredData', 2],
    ['v2 GenericPublication', `<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><publicationTime>2025-01-01T00:00:05Z</publicationTime><genericPublicationName>x</genericPublicationName><genericPublicationExtension><parkingStatusPublication>${STATUS.replace(/prk:/g, '')}</parkingStatusPublication></genericPublicationExtension></payloadPublication></d2LogicalModel>`, 'ParkingStatus', 2],
    ['v3 d2:payload', `<d2:payload xmlns:d2="http://datex2.eu/schema/3/d2Payload" ${V3} xsi:type="prk:ParkingStatusPublication"><com:publicationTime>2025-01-01T00:00:05Z</com:publicationTime>${STATUS}</d2:payload>`, 'ParkingStatus', 3],
    ['v3 messageContainer', `<mc:messageContainer xmlns:mc="http://datex2.eu/schema/3/messageContainer" ${V3}><mc:payload xsi:type="prk:ParkingStatusPublication">${STATUS}</mc:payload></mc:messageContainer>`, 'ParkingStatus', 3],
    ['v3 publication root', `<prk:parkingStatusPublication ${V3}>${STATUS}</prk:parkingStatusPublication>`, 'ParkingStatus', 3],
    ['v3 GenericPublication with direct records', `<mc:messageContainer xmlns:mc="http://datex2.eu/schema/3/messageContainer" ${V3}><mc:payload xsi:type="prk:GenericPublication">${STATUS}</mc:payload></mc:messageContainer>`, 'ParkingStatus', 3],
  ])('%s', (_name, xml, type, version) => {
    const records = parseDatex2(xml);
    expect(records).toHaveLength(1);
    expect(records[0].publication).toMatchObject({ type, version });
  });

  it('reads every publication of a generic extension, skipping unknown ones', () => {
    const table = '<parkingFacilityTablePublication><parkingFacilityTable><parkingFacility id="F1"><totalParkingCapacity>10</totalParkingCapacity></parkingFacility></parkingFacilityTable></parkingFacilityTablePublication>';
    const status = '<parkingFacilityTableStatusPublication><parkingFacilityStatus><parkingFacilityReference id="F1"/><parkingFacilityStatus>open</parkingFacilityStatus>'
      + '<totalNumberOfVacantParkingSpaces>4</totalNumberOfVacantParkingSpaces></parkingFacilityStatus></parkingFacilityTableStatusPublication>';
    const records = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><publicationTime>2025-01-01T00:00:05Z</publicationTime>`
      + `<genericPublicationExtension>${table}<parkingAreaTablePublication><parkingFacility id="X"/></parkingAreaTablePublication>${status}</genericPublicationExtension></payloadPublication></d2LogicalModel>`);
    expect(records.map((r) => [r.publication.type, r.publication.publicationTime, r.record.kind])).toEqual([
      ['ParkingTable', '2025-01-01T00:00:05Z', 'parkingSite'],
      ['ParkingStatus', '2025-01-01T00:00:05Z', 'parkingStatus'],
    ]);
    expect(records[1].record).toMatchObject({ siteId: 'F1', vacant: 4, status: ['open'] });
  });

  it('takes a parkingArea holding facilities as their group (the facilities are the sites), one holding none as a car park', () => {
    const table = '<parkingFacilityTablePublication><parkingFacilityTable>'
      + '<parkingArea id="ZONE"><parkingAreaName><values><value>Old town</value></values></parkingAreaName>'
      + '<parkingFacility id="F1"><totalParkingCapacity>10</totalParkingCapacity></parkingFacility><parkingFacility id="F2"/></parkingArea>'
      + '<parkingArea id="CP9"><parkingAreaName><values><value lang="en">Riverside</value></values></parkingAreaName><totalParkingCapacity>90</totalParkingCapacity></parkingArea>'
      + '</parkingFacilityTable></parkingFacilityTablePublication>';
    const records = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><genericPublicationExtension>${table}</genericPublicationExtension></payloadPublication></d2LogicalModel>`);
    expect(records.map((r) => r.record)).toMatchObject([
      { kind: 'parkingSite', id: 'F1', totalCapacity: 10 },
      { kind: 'parkingSite', id: 'F2' },
      { kind: 'parkingSite', id: 'CP9', name: 'Riverside', totalCapacity: 90 },
    ]);
  });

  it('reads UK-style facility counts only in their shape: a whole occupancy beside one assigned-spaces status and no totals', () => {
    const status = (inner: string) => {
      const [r] = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><genericPublicationExtension><parkingFacilityTableStatusPublication>`
        + `<parkingAreaStatus><parkingFacilityStatus><parkingFacilityReference id="F1"/>${inner}</parkingFacilityStatus></parkingAreaStatus>`
        + '</parkingFacilityTableStatusPublication></genericPublicationExtension></payloadPublication></d2LogicalModel>');
      return r.record;
    };
    const assigned = (n: number) => `<assignedParkingSpacesStatus index="0"><assignedParkingSpacesStatus><numberOfVacantAssignedParkingSpaces>${n}</numberOfVacantAssignedParkingSpaces></assignedParkingSpacesStatus></assignedParkingSpacesStatus>`;
    expect(status(`<parkingFacilityOccupancy>170</parkingFacilityOccupancy>${assigned(720)}`)).toMatchObject({ occupied: 170, vacant: 720, occupancyPercent: undefined });
    expect(status(`<parkingFacilityOccupancy>1</parkingFacilityOccupancy>${assigned(99)}`)).toMatchObject({ occupied: 1, vacant: 99, occupancyPercent: undefined });
    // the MDM shape: a fraction, with totals
    expect(status(`<parkingFacilityOccupancy>1</parkingFacilityOccupancy><totalNumberOfVacantParkingSpaces>0</totalNumberOfVacantParkingSpaces>${assigned(5)}`)).toMatchObject({ vacant: 0, occupied: undefined, occupancyPercent: 100 });
    expect(status('<parkingFacilityOccupancy>0.25</parkingFacilityOccupancy>')).toMatchObject({ vacant: undefined, occupied: undefined, occupancyPercent: 25 });
    // two assignments (e.g. disabled spaces apart): neither is the whole car park
    expect(status(`<parkingFacilityOccupancy>12</parkingFacilityOccupancy>${assigned(3)}${assigned(4)}`)).toMatchObject({ vacant: undefined, occupied: undefined, occupancyPercent: undefined });
  });

  it('reads an ElaboratedDataPublication keyed by predefined location', () => {
    const [r] = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="ElaboratedDataPublication"><elaboratedData><basicData xsi:type="TrafficSpeed">`
      + '<pertinentLocation xsi:type="LocationByReference"><predefinedLocationReference id="L1"/></pertinentLocation><averageVehicleSpeed><speed>50</speed></averageVehicleSpeed>'
      + '</basicData></elaboratedData></payloadPublication></d2LogicalModel>');
    expect(r.record).toEqual({ kind: 'elaboratedData', locationId: 'L1', geometry: undefined, value: { speed: 50 } });
  });

  it('keeps the publication time in UTC', () => {
    const [r] = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><publicationTime>2025-01-01T02:00:05+02:00</publicationTime>${SITE_V2}</payloadPublication></d2LogicalModel>`);
    expect(r.publication.publicationTime).toBe('2025-01-01T00:00:05Z');
  });

  it('reads a site: −1 speed is no data, never a value', () => {
    const [r] = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${SITE_V2}</payloadPublication></d2LogicalModel>`);
    expect(r.record).toEqual({ kind: 'siteMeasurements', siteId: 'S1', siteVersion: undefined, time: '2025-01-01T00:00:00Z', values: [{ index: 1, flow: 60 }, { index: 2 }] });
  });

  it('emits records as their element closes (streaming)', () => {
    const xml = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${SITE_V2}${SITE_V2.replace('S1', 'S2')}</payloadPublication></d2LogicalModel>`;
    const cut = xml.indexOf('</siteMeasurements>') + '</siteMeasurements>'.length;
    const p = new Datex2Parser();
    expect(p.write(xml.slice(0, cut)).map((r) => r.record)).toMatchObject([{ siteId: 'S1' }]);
    expect(p.write(xml.slice(cut)).map((r) => r.record)).toMatchObject([{ siteId: 'S2' }]);
    expect(p.close()).toEqual([]);
  });

  it('refuses records without an id, with a short text of the record', () => {
    const records = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><siteMeasurements/>`
      + '<siteMeasurements><measurementSiteReference version="7"/><measuredValue index="1"/></siteMeasurements></payloadPublication></d2LogicalModel>');
    expect(records.map((r) => r.record)).toEqual([
      { kind: 'refused', reason: 'siteMeasurements without a measurementSiteReference: its values belong to no site', payload: '<siteMeasurements/>' },
      {
        kind: 'refused', reason: 'siteMeasurements without a measurementSiteReference id: its values belong to no site',
        payload: '<siteMeasurements><measurementSiteReference version="7"/><measuredValue index="1"/></siteMeasurements>',
      },
    ]);
  });
});

describe('parseDatex2: versions, containers and publication headers', () => {
  const MC = 'xmlns="http://datex2.eu/schema/3/messageContainer" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  const MEASURED = '<payload xmlns:r="http://datex2.eu/schema/3/roadTrafficData" xmlns:c="http://datex2.eu/schema/3/common" xsi:type="r:MeasuredDataPublication">'
    + '<c:publicationTime>2026-04-01T10:00:00Z</c:publicationTime><r:siteMeasurements><r:measurementSiteReference id="S1"/>'
    + '<r:physicalQuantity index="1"><r:physicalQuantity><r:basicData xsi:type="r:TrafficFlow"><r:vehicleFlow><c:vehicleFlowRate>600</c:vehicleFlowRate></r:vehicleFlow></r:basicData></r:physicalQuantity></r:physicalQuantity>'
    + '</r:siteMeasurements></payload>';
  const SITUATION = '<payload xmlns:sit="http://datex2.eu/schema/3/situation" xsi:type="sit:SituationPublication"><sit:situation id="X"><sit:situationRecord id="Y"/></sit:situation></payload>';

  it('reads the DATEX II v2.0 release candidate namespace as v2', () => {
    const records = parseDatex2(`<d2:d2LogicalModel xmlns:d2="http://datex2.eu/schema/2_0RC1/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
      + `<d2:payloadPublication xsi:type="d2:MeasuredDataPublication">${SITE_V2.replace(/<(\/?)/g, '<$1d2:')}</d2:payloadPublication></d2:d2LogicalModel>`);
    expect(records.map((r) => [r.publication.version, r.record])).toEqual([[2, { kind: 'siteMeasurements', siteId: 'S1', siteVersion: undefined, time: '2025-01-01T00:00:00Z', values: [{ index: 1, flow: 60 }, { index: 2 }] }]]);
  });

  it('refuses DATEX II v1.0 as such', () => {
    expect(() => parseDatex2('<d2LogicalModel xmlns="http://datex2.eu/schema/1_0/1_0"><payloadPublication/></d2LogicalModel>'))
      .toThrow(expect.objectContaining({ status: 422, message: 'DATEX II v1.0 (namespace http://datex2.eu/schema/1_0/1_0) is not read: send v2 or v3' }));
  });

  it('translates the supported payloads of a messageContainer and lists the others as skipped', () => {
    const parser = new Datex2Parser();
    const records = parseDatex2(`<messageContainer ${MC}>${SITUATION}${MEASURED}<payload xsi:type="GenericPublication"><genericPublicationExtension><weatherPublication/></genericPublicationExtension></payload></messageContainer>`, parser);
    expect(records.map((r) => r.record)).toMatchObject([{ kind: 'siteMeasurements', siteId: 'S1', values: [{ index: 1, flow: 600 }] }]);
    expect(parser.skipped).toEqual([
      expect.stringMatching(/^unsupported DATEX II publication SituationPublication at line 1, column \d+$/),
      expect.stringMatching(/^unsupported DATEX II publication WeatherPublication in a GenericPublication, ending at line 1, column \d+$/),
    ]);
  });

  it('refuses a messageContainer with no supported payload (422), saying why', () => {
    expect(() => parseDatex2(`<messageContainer ${MC}>${SITUATION}</messageContainer>`))
      .toThrow(expect.objectContaining({ status: 422, message: expect.stringMatching(/^unsupported DATEX II publication SituationPublication at line 1/) }));
  });

  it('reads the publication language and an ElaboratedDataPublication timeDefault', () => {
    const [r] = parseDatex2(`<d2LogicalModel ${V2}><payloadPublication xsi:type="ElaboratedDataPublication" lang="en"><publicationTime>2026-01-01T10:05:00Z</publicationTime>`
      + '<periodDefault>300</periodDefault><timeDefault>2026-01-01T11:00:00+01:00</timeDefault>'
      + '<elaboratedData><basicData xsi:type="TrafficFlow"><pertinentLocation xsi:type="LocationByReference"><predefinedLocationReference id="L1"/></pertinentLocation>'
      + '<vehicleFlow><vehicleFlowRate>900</vehicleFlowRate></vehicleFlow></basicData></elaboratedData></payloadPublication></d2LogicalModel>');
    expect(r.publication).toEqual({ type: 'ElaboratedData', version: 2, publicationTime: '2026-01-01T10:05:00Z', timeDefault: '2026-01-01T10:00:00Z', lang: 'en' });
  });
});

describe('parseDatex2: bad input', () => {
  it.each([
    ['malformed XML', 400, `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">\n<siteMeasurements></oops></payloadPublication></d2LogicalModel>`, /malformed XML at line 2, column \d+/],
    ['truncated document', 400, `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication">${SITE_V2}`, /malformed XML at line 1, column \d+: unclosed tag/],
    ['empty body', 400, '', /malformed XML/],
    ['not XML', 400, '{"flow": 1}', /malformed XML/],
    ['unbound prefix (xsi is bound even undeclared, others are not)', 400, '<d2LogicalModel xmlns="http://datex2.eu/schema/2/2_0"><payloadPublication d2:type="MeasuredDataPublication"/></d2LogicalModel>', /unbound namespace prefix/],
    ['unknown publication', 422, `<d2LogicalModel ${V2}><payloadPublication xsi:type="SituationPublication"><situation id="x"/></payloadPublication></d2LogicalModel>`, /unsupported DATEX II publication SituationPublication/],
    ['unknown v3 publication root', 422, `<sit:situationPublication xmlns:sit="http://datex2.eu/schema/3/situation"/>`, /unsupported DATEX II publication SituationPublication/],
    ['unknown generic extension', 422, `<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><genericPublicationExtension><weatherPublication/></genericPublicationExtension></payloadPublication></d2LogicalModel>`, /unsupported DATEX II publication WeatherPublication in a GenericPublication/],
    ['generic without extension', 422, `<d2LogicalModel ${V2}><payloadPublication xsi:type="GenericPublication"><genericPublicationName>x</genericPublicationName></payloadPublication></d2LogicalModel>`, /GenericPublication without a supported extension/],
    ['not DATEX II', 422, '<rss><channel/></rss>', /not a DATEX II document/],
    ['no publication', 422, `<d2LogicalModel ${V2}><exchange/></d2LogicalModel>`, /no DATEX II publication/],
  ])('%s → FeedError decode %i', (_name, status, xml, reason) => {
    const err = decodeError(xml);
    expect(err.stage).toBe('decode');
    expect(err.status).toBe(status);
    expect(err.message).toMatch(reason);
  });

  it('bounds the size of one record', () => {
    const huge = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><siteMeasurements>${'<x/>'.repeat(25_000)}</siteMeasurements></payloadPublication></d2LogicalModel>`;
    expect(decodeError(huge).message).toMatch(/record too large/);
  });
});

describe('parseDatex2Stream: document encodings', () => {
  const table = (decl: string): string => `${decl}<d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingTablePublication"><parkingTable>`
    + '<parkingRecord id="P1"><parkingName><values><value>Parking de l’Hôtel-Dieu – Süd</value></values></parkingName></parkingRecord></parkingTable></payloadPublication></d2LogicalModel>';

  async function names(bytes: Buffer, size = 7): Promise<unknown[]> {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    const out: unknown[] = [];
    for await (const r of parseDatex2Stream(Readable.from(chunks))) out.push((r.record as { name?: string }).name);
    return out;
  }

  it.each([
    ['UTF-8 (default)', Buffer.from(table('<?xml version="1.0"?>'), 'utf8')],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(table('<?xml version="1.0" encoding="UTF-8"?>'), 'utf8')])],
    ['windows-1252 declared', Buffer.from(table('<?xml version="1.0" encoding="windows-1252"?>').replace('’', "'").replace('–', '-'), 'latin1')],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(table('<?xml version="1.0" encoding="UTF-16"?>'), 'utf16le')])],
  ])('%s', async (_name, bytes) => {
    const [name] = await names(bytes);
    expect(String(name)).toMatch(/^Parking de l.H\u00f4tel-Dieu . S\u00fcd$/);
  });

  it('reads ISO-8859-1 as declared', async () => {
    const bytes = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingTablePublication"><parkingTable>`
      + '<parkingRecord id="P1"><parkingName><values><value>Place de la Mairie, Orléans</value></values></parkingName></parkingRecord></parkingTable></payloadPublication></d2LogicalModel>', 'latin1');
    expect(await names(bytes, 3)).toEqual(['Place de la Mairie, Orléans']);
  });

  it('reads the Content-Type charset when the document declares no encoding', async () => {
    const bytes = Buffer.from(`<?xml version="1.0"?><d2LogicalModel ${V2}><payloadPublication xsi:type="ParkingTablePublication"><parkingTable>`
      + '<parkingRecord id="P1"><parkingName><values><value>Sonnenstraße</value></values></parkingName></parkingRecord></parkingTable></payloadPublication></d2LogicalModel>', 'latin1');
    const out: unknown[] = [];
    for await (const r of parseDatex2Stream(Readable.from([bytes.subarray(0, 300), bytes.subarray(300)]), { charset: 'ISO-8859-1' })) out.push((r.record as { name?: string }).name);
    expect(out).toEqual(['Sonnenstraße']);
    // without the charset, the same bytes are not UTF-8: refused, never read with U+FFFD
    await expect(names(bytes)).rejects.toMatchObject({ stage: 'decode', status: 400, message: expect.stringMatching(/^the document is not valid utf-8 \(the default\) between bytes \d+ and \d+/) });
  });

  it('rejects an unknown encoding with a FeedError 415', async () => {
    await expect(names(Buffer.from(table('<?xml version="1.0" encoding="x-no-such-charset"?>')))).rejects.toMatchObject({ stage: 'decode', status: 415 });
  });
});

describe('toUtc', () => {
  it.each([
    ['2025-08-15T21:48:00Z', '2025-08-15T21:48:00Z'],
    ['2025-08-15T21:49:42.016Z', '2025-08-15T21:49:42.016Z'],
    ['2025-05-09T21:41:58.5461534+02:00', '2025-05-09T19:41:58.546Z'],
    ['2024-02-16T07:00:00.8822571+01:00', '2024-02-16T06:00:00.882Z'],
    ['2025-01-01T00:30:00-0130', '2025-01-01T02:00:00Z'],
    [' 2025-08-15T21:48:00Z ', '2025-08-15T21:48:00Z'],
    ['2025-08-15T21:48:00', undefined],
    ['2025-02-30T00:00:00Z', undefined],
    ['2025-08-15T25:00:00Z', undefined],
    ['yesterday', undefined],
    [undefined, undefined],
  ])('%s → %s', (input, expected) => {
    expect(toUtc(input)).toBe(expected);
  });
});
