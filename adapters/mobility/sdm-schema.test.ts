/**
 * Every entity produced from the fixtures validates against the official Smart Data Models schema of
 * its type (keyValues projection). Merge fragments may lack only the attributes listed below, which
 * the other half of the feed (table or status) provides.
 */
import { createSdmValidator } from '../sdm-validate.fixture';
import { fixtureCases, handle, readInput } from './test-support.fixture';

/** Required SDM attributes a merge fragment may leave to the other publication. */
const MAY_LACK: Record<string, string[]> = {
  TrafficFlowObserved: ['dateObserved'], // site table part: static, no observation
  OffStreetParking: ['location'], // status part
  // status part: only the status (location, category and refParkingSite are the table's); table part lacks status
  ParkingSpot: ['location', 'status', 'category', 'refParkingSite'],
};

describe('SDM schema validation of the fixture entities', () => {
  const sdm = createSdmValidator();
  const rows = fixtureCases().flatMap((name) => handle(readInput(name)).entities.map((e) => [name, e.id, e] as const));

  it('covers the three entity types', () => {
    expect(new Set(rows.map(([, , e]) => e.type))).toEqual(new Set(['TrafficFlowObserved', 'OffStreetParking', 'ParkingSpot']));
  });

  it.each(rows)('%s %s is valid (attributes present)', (_case, _id, entity) => {
    expect(sdm.errors(entity, { partial: true })).toEqual([]);
  });

  it.each(rows)('%s %s lacks only what the other publication provides', (_case, _id, entity) => {
    const missing = sdm.errors(entity).map((e) => {
      expect(e.keyword).toBe('required');
      return (e.params as { missingProperty: string }).missingProperty;
    });
    for (const m of missing) expect(MAY_LACK[String(entity.type)]).toContain(m);
  });
});
