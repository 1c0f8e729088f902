/** Fixture pairs: fixtures/<case>.input.json → fixtures/<case>.expected.json (UPDATE_FIXTURES=1 rewrites them). */
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, fixtureCases, runCase } from './test-support.fixture';

describe('lighting/talq fixtures', () => {
  const cases = fixtureCases();
  it('has the documented cases', () => {
    expect(cases).toEqual(expect.arrayContaining(['attribute-data', 'events', 'state-change', 'lamp-failure', 'cabinet', 'groups-zones', 'empty-report']));
    // what other vendors' gateways send (README "Other gateways")
    expect(cases).toEqual(expect.arrayContaining(['typing-lenient', 'address-shapes', 'time-offsets', 'events-only', 'state-changes-only', 'other-functions',
      'cabinet-segments', 'older-version-names', 'vendor-log-types', 'report-array', 'groups-other-shapes']));
  });
  it.each(cases)('%s', (name) => {
    const actual = JSON.parse(JSON.stringify(runCase(name)));
    const file = path.join(FIXTURES, `${name}.expected.json`);
    if (process.env.UPDATE_FIXTURES === '1') fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });
});
