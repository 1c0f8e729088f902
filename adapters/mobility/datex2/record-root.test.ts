import fs from 'node:fs';
import path from 'node:path';
import { datex2Adapter } from '../index';
import { FeedError } from '../../../src/ingest/types';

const env = { territory: 'demo', devices: { get: () => undefined } };
const handle = (body: string) => datex2Adapter.handle({ body, query: {}, headers: {}, receivedAt: '2026-09-02T12:00:00.000Z' }, env);

describe('a document that is one record (an excerpt of a publication)', () => {
  it("reads NDW's single measurementSiteRecord (no namespace) as a site table of one site", () => {
    const file = path.resolve(__dirname, '../../../../shared/reference/feeds/datex2/ndw-MeasurementSiteRecord.xml');
    const t = handle(fs.readFileSync(file, 'utf8'));
    expect(t.entities.length).toBeGreaterThan(0);
    expect(t.entities.every((e) => e.type === 'TrafficFlowObserved' && String(e.id).startsWith('urn:ngsi-ld:TrafficFlowObserved:demo:PZH01_MST_0629_00:'))).toBe(true);
    expect(t.entities[0]).toMatchObject({ name: { value: 'N457 hmp 4.75 Re' }, location: { type: 'GeoProperty' } });
  });
  it('still refuses another root element without a DATEX II namespace', () => {
    expect(() => handle('<trafficData><site id="1"/></trafficData>')).toThrow(FeedError);
  });
});
