import { talqGroupsAdapter, talqLogReportAdapter } from './index';
import { env, logReportMessage, readInput } from './test-support.fixture';

describe('lighting adapters', () => {
  it('mounts the TALQ CMS log-report endpoint, answering 201', () => {
    expect(talqLogReportAdapter).toMatchObject({ name: 'lighting/talq', path: '/ingest/lighting/talq/log-reports', contentTypes: ['application/json'], successStatus: 201 });
  });
  it('mounts the group list outside the gateway cmsUri tree', () => {
    expect(talqGroupsAdapter).toMatchObject({ name: 'lighting/talq-groups', path: '/ingest/lighting/talq-groups', contentTypes: ['application/json'] });
    expect(talqGroupsAdapter.successStatus).toBeUndefined();
  });
  it('is pure: the same message gives the same translation', () => {
    const msg = logReportMessage(readInput('attribute-data'));
    expect(talqLogReportAdapter.handle(msg, env)).toEqual(talqLogReportAdapter.handle(msg, env));
  });
});
