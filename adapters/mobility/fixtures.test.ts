/** Fixture pairs: `fixtures/<case>.input.xml` → `fixtures/<case>.expected.json`, through `handle` and `handleStream`. */
import { byteChunks, fixtureCases, handle, handleStream, readExpected, readInput } from './test-support.fixture';
import { datex2Adapter } from './index';

describe('datex2Adapter fixtures', () => {
  const cases = fixtureCases();

  it('has the twenty-two fixture cases', () => {
    expect(cases).toEqual([
      'v2-elaborated-data', 'v2-elaborated-time-default', 'v2-generic-parking-status', 'v2-generic-parking-table', 'v2-mdm-facility-table-and-status',
      'v2-measured-data', 'v2-measured-uk-style', 'v2-parking-status-spaces', 'v2-parking-table-groups-spaces',
      'v2-site-table-linear-itinerary', 'v2-site-table-soap', 'v2-soap-measured-data', 'v2-uk-parking-areas', 'v20rc1-site-table-tpeg',
      'v3-container-measured-and-situation', 'v3-measured-data', 'v3-measured-data-publication-root', 'v3-parking-message-container', 'v3-parking-status',
      'v3-parking-status-information', 'v3-parking-table', 'v3-site-table',
    ]);
  });

  it.each(cases)('%s: handle gives the expected translation', (name) => {
    expect(handle(readInput(name))).toEqual(readExpected(name));
  });

  it.each(cases)('%s: handleStream over 7-byte chunks gives the same entities and refused parts', async (name) => {
    const translations = await handleStream(byteChunks(readInput(name), 7));
    const expected = readExpected(name);
    expect(translations.flatMap((t) => t.entities)).toEqual(expected.entities);
    expect(translations.flatMap((t) => t.refused ?? [])).toEqual(expected.refused ?? []);
    for (const t of translations) {
      expect(t.mode).toBe('merge');
      expect(t.context).toEqual(expected.context);
    }
  });

  it('mounts as mobility/datex2 with the XML media types', () => {
    expect(datex2Adapter).toMatchObject({
      name: 'mobility/datex2',
      path: '/ingest/mobility/datex2',
      contentTypes: ['application/xml', 'text/xml', 'application/soap+xml'],
    });
  });
});
