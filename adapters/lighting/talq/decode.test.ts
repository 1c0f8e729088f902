import { FeedError } from '../../../src/ingest/types';
import { GATEWAY, logReportMessage } from '../test-support.fixture';
import { decodeGroups, decodeLogReport, isRfc3339 } from './decode';

const attr = (over: Record<string, unknown> = {}) => ({
  type: 'AttributeLogData', srcAddress: '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lampMonitor1', timestamp: '2025-01-15T05:00:00Z',
  attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: 12.5 }, ...over,
});
const body = (...data: unknown[]) => JSON.stringify({ address: 'logger-1', entries: data.map((d) => ({ data: d })) });

function decodeError(fn: () => unknown): FeedError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FeedError);
    return e as FeedError;
  }
  throw new Error('expected a FeedError');
}

describe('decodeLogReport: request envelope', () => {
  it('accepts a 2.x gateway and returns the request', () => {
    const d = decodeLogReport(logReportMessage(body(attr()), { headers: { 'TALQ-API-Version': '2.5' } }));
    expect(d.request).toEqual({ clientAddress: GATEWAY, talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5', apiVersion: '2.5' });
    expect(d.report.entries).toHaveLength(1);
  });

  it.each([
    ['missing talq-api-version', { headers: {} }, /headerMissing: header talq-api-version is required/],
    ['garbled talq-api-version', { headers: { 'talq-api-version': 'latest' } }, /headerValueNotValid: .*talq-api-version/],
    ['unsupported major version', { headers: { 'talq-api-version': '3.0.0' } }, /talq-api-version 3\.0\.0 is not supported/],
    ['missing clientAddress', { query: { talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' } }, /parameterMissing: query parameter clientAddress/],
    ['missing talqRequestId', { query: { clientAddress: GATEWAY } }, /parameterMissing: query parameter talqRequestId/],
    ['non-UUID clientAddress', { query: { clientAddress: 'gw-1', talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' } }, /parameterValueNotValid: query parameter clientAddress must be a UUID/],
    ['non-UUID talqOriginRequestId', { query: { clientAddress: GATEWAY, talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5', talqOriginRequestId: 'x' } }, /talqOriginRequestId must be a UUID/],
  ])('%s → 400', (_name, over, reason) => {
    const e = decodeError(() => decodeLogReport(logReportMessage(body(attr()), over)));
    expect([e.stage, e.status]).toEqual(['decode', 400]);
    expect(e.message).toMatch(reason);
  });
});

describe('decodeLogReport: body', () => {
  it('accepts an empty report (no member is required by the LogReport schema)', () => {
    expect(decodeLogReport(logReportMessage('{}')).report).toEqual({ entries: [] });
  });

  it.each([
    ['not JSON', '{"entries": [', /body is not valid JSON/],
    ['a JSON array', '[]', /body must be a LogReport JSON object/],
    ['entries not an array', '{"entries": {}}', /LogReport\.entries must be an array/],
    ['address not a string', '{"address": {"id": 7}}', /LogReport\.address must be a string/],
    ['an entry that is not an object', '{"entries": [3]}', /entries\[0\] must be an object/],
    ['log data without type nor members telling it', body({ srcAddress: 'd-1' }), /entries\[0\]\.data\.type is required/],
    ['missing srcAddress', body(attr({ srcAddress: undefined })), /entries\[0\]\.data\.srcAddress is required/],
    ['srcAddress without a device', body(attr({ srcAddress: '/lampMonitor1' })), /srcAddress must start with a device address/],
    ['srcAddress too long', body(attr({ srcAddress: 'a'.repeat(300) })), /srcAddress is longer than 256/],
    ['srcAddress a number with no exact text', body(attr({ srcAddress: 1e300 })), /srcAddress must be a string \(an address\), got the number 1e\+300/],
    ['srcAddress a fraction', body(attr({ srcAddress: 1.5 })), /srcAddress must be a string \(an address\)/],
    ['srcAddress beyond 2^53', body(attr({ srcAddress: 2 ** 60 })), /srcAddress must be a string \(an address\)/],
    ['bad timestamp', body(attr({ timestamp: '2025-01-15 05:00' })), /entries\[0\]\.data\.timestamp must be an RFC 3339 date-time/],
    ['impossible date', body(attr({ timestamp: '2025-02-30T05:00:00Z' })), /timestamp must be an RFC 3339/],
    ['missing attributeName', body(attr({ attributeName: undefined })), /entries\[0\]\.data\.attributeName is required/],
    ['missing attributeValue', body(attr({ attributeValue: undefined })), /attributeValue is required/],
    ['float as a word', body(attr({ attributeValue: { type: 'AttributeFloat', value: 'twelve' } })), /attributeValue\.value must be a number for AttributeFloat/],
    ['percent as a word', body(attr({ attributeValue: { type: 'AttributePercent', value: 'half' } })), /must be a number \(percent\)/],
    ['level not a number', body(attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: 'high' } } })), /attributeValue\.value must be a LevelState \(DimLevel, percent\) for AttributeLevelState/],
    ['state not a State', body(attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeState', value: 'dim' } })), /must be a State/],
    ['binary not ON/OFF', body(attr({ attributeValue: { type: 'AttributeBinary', value: 'maybe' } })), /must be 'ON' or 'OFF'/],
    ['boolean not a boolean', body(attr({ attributeName: 'lampFailure', attributeValue: { type: 'AttributeBoolean', value: 'perhaps' } })), /must be a boolean for AttributeBoolean/],
    ['timestamp without offset', body(attr({ timestamp: '2025-01-15T05:00:00' })), /timestamp must be an RFC 3339 date-time/],
    ['bad location', body(attr({ attributeValue: { type: 'AttributeLocation', value: { lat: 45 } } })), /must be a Location/],
    ['event without eventType', body({ type: 'EventLogData', srcAddress: 'd-1' }), /entries\[0\]\.data\.eventType is required/],
    ['startEndFlag neither true nor false', body({ type: 'EventLogData', srcAddress: 'd-1', eventType: 'lampFailure', startEndFlag: 'sometimes' }), /startEndFlag must be a boolean/],
    ['state change without command nor state', body({ type: 'StateChangeEventLogData', srcAddress: 'd-1', eventType: 'lightStateChange' }), /entries\[0\]\.data\.command is required/],
    ['command without state', body({ type: 'StateChangeEventLogData', srcAddress: 'd-1', eventType: 'lightStateChange', command: {} }), /command must be a Command with a State/],
    ['a LogReport array with a non-report', '[{"entries": []}, 3]', /body must be a LogReport JSON object/],
  ])('%s → 400 naming the field', (_name, text, reason) => {
    const e = decodeError(() => decodeLogReport(logReportMessage(text)));
    expect([e.stage, e.status]).toEqual(['decode', 400]);
    expect(e.message).toMatch(reason);
  });

  it('tolerates vendor attribute types and unknown members', () => {
    const d = decodeLogReport(logReportMessage(body(attr({ attributeValue: { type: 'VendorFancy', value: { a: 1 } }, vendorExtra: true }))));
    expect(d.report.entries[0].data?.type).toBe('AttributeLogData');
  });
});

describe('decodeLogReport: what other gateways send', () => {
  const data = (text: string) => decodeLogReport(logReportMessage(text)).report.entries.map((e) => e.data as unknown as Record<string, unknown>);

  it.each(['2', '2.6', '2.7.1', 'v2.7.1', '2.7.1-rc.2', '2.6.3+build7', ' 2.5 ', '2.7.1, 2.7.1', 'TALQ 2.4'])('accepts talq-api-version %j', (v) => {
    expect(decodeLogReport(logReportMessage('{}', { headers: { 'talq-api-version': v } })).request.apiVersion).toBe(v.split(',')[0].trim());
  });

  it.each([
    ['start', true],
    [' Start ', true],
    ['begin', true],
    ['end', false],
    ['STOP', false],
    ['true', true],
    [0, false],
  ])('reads startEndFlag %j as %s', (flag, expected) => {
    const text = JSON.stringify({ entries: [{ data: { type: 'EventLogData', srcAddress: 'd-1', eventType: 'lampFailure', startEndFlag: flag } }] });
    expect(data(text)[0]).toMatchObject({ startEndFlag: expected });
  });

  it('reads repeated query parameters (first), urn:uuid: and braces', () => {
    const query = { clientAddress: [`urn:uuid:${GATEWAY}`, 'x'], talqRequestId: '{0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5}' } as unknown as Record<string, string>;
    expect(decodeLogReport(logReportMessage('{}', { query })).request).toMatchObject({ clientAddress: GATEWAY, talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' });
  });

  it('reads a body with a byte order mark, null members (Jackson style) and an array of LogReports', () => {
    expect(decodeLogReport(logReportMessage('\uFEFF{"address":null,"entries":null}')).report).toEqual({ entries: [] });
    const nulls = { ...attr(), timestamp: null, attributeValue: { type: 'AttributeFloat', value: 1, timestamp: null } };
    const [d] = data(JSON.stringify({ address: 'l', entries: [{ cmsRefId: null, data: nulls }, { data: null }] }));
    expect(d).toMatchObject({ type: 'AttributeLogData', attributeValue: { value: 1 } });
    expect(d.timestamp).toBeUndefined();
    const two = decodeLogReport(logReportMessage(JSON.stringify([{ address: 'a', entries: [{ data: attr() }] }, { address: 'b', entries: [{ data: attr() }] }])));
    expect([two.report.address, two.report.entries.length]).toEqual(['a', 2]);
  });

  it('reads values typed leniently and normalizes times to UTC', () => {
    const [f, b, bin, lvl, lvlBare, noType, bare, state, cct] = data(body(
      attr({ attributeValue: { type: 'AttributeFloat', value: ' 12.5 ' }, timestamp: '2025-01-15 07:00:00.123456+0200' }),
      attr({ attributeName: 'lampFailure', attributeValue: { type: 'AttributeBoolean', value: 'TRUE' } }),
      attr({ attributeName: 'photocellOutput', attributeValue: { type: 'AttributeBinary', value: 'on' } }),
      attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: '35' } } }),
      attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: 80 } }),
      attr({ attributeValue: { value: 3 } }),
      attr({ attributeValue: 4 }),
      attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeState', value: 55 } }),
      attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelAndCCTColorState', value: { level: '20', cct: 3000 } } }),
    ));
    expect([f.timestamp, (f.attributeValue as { value: unknown }).value]).toEqual(['2025-01-15T05:00:00.123Z', 12.5]);
    expect([b, bin, lvl, lvlBare, noType, bare, state, cct].map((d) => (d.attributeValue as { value: unknown }).value))
      .toEqual([true, 'ON', { name: 'LevelState', value: 35 }, { name: 'LevelState', value: 80 }, 3, 4, { name: 'LevelState', value: 55 }, { name: 'LevelAndCCTColorState', level: 20, cct: 3000 }]);
  });

  it('keeps unmapped data raw instead of refusing the report, and notes vendor log data types', () => {
    const [vendor, odd, inferred] = decodeLogReport(logReportMessage(body(
      { type: 'MeasurementLogData', srcAddress: 'd-1', values: [1, 2] },
      attr({ attributeName: 'vendorHumidity', timestamp: 'yesterday', attributeValue: { type: 'AttributeFloat', value: 'n.a.' } }),
      { srcAddress: 'd-1', eventType: 'lampFailure', startEndFlag: 'false' },
    ))).report.entries;
    expect(vendor).toEqual({
      ignored: 'log data type "MeasurementLogData" is not one of AttributeLogData, EventLogData, StateChangeEventLogData',
      raw: { data: { srcAddress: 'd-1', type: 'MeasurementLogData', values: [1, 2] } }, at: 'entries[0]', address: 'logger-1',
    });
    expect(odd.data).toMatchObject({ attributeName: 'vendorHumidity', attributeValue: { type: 'AttributeFloat', value: 'n.a.' } });
    expect(inferred.data).toMatchObject({ type: 'EventLogData', eventType: 'lampFailure', startEndFlag: false });
  });

  it('writes names in their TALQ spelling and addresses in their normalized form', () => {
    const [d] = data(body(attr({ attributeName: 'LampMonitorFunction.ActivePower', srcAddress: `/devices/${'3F6B1C2E-0A4D-4C1E-9A53-1D2C3B4A5F60'}/lampMonitor1/activePower` })));
    expect([d.attributeName, d.srcAddress]).toEqual(['activePower', '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lampMonitor1/activePower']);
  });

  it('accepts a state change with only the resulting state', () => {
    const [d] = data(body({ type: 'StateChangeEventLogData', srcAddress: 'd-1', eventType: 'lightStateChange', state: { name: 'LevelState', value: 40 } }));
    expect(d).toMatchObject({ command: undefined, state: { name: 'LevelState', value: 40 } });
  });
});

describe('isRfc3339', () => {
  it.each([
    ['2025-01-15T05:00:00Z', true], ['2025-01-15t05:00:00.123456z', true], ['2025-01-15T05:00:00+01:00', true], ['2024-02-29T00:00:00Z', true],
    ['2025-01-15T05:00:00', false], ['2025-13-01T00:00:00Z', false], ['2023-02-29T00:00:00Z', false], ['2025-01-15T24:00:00Z', false], ['2025-01-15T05:00:00+25:00', false], [20250115, false],
  ])('%s → %s', (s, ok) => expect(isRfc3339(s)).toBe(ok));
});

describe('decodeGroups', () => {
  it('reads a TALQ group list', () => {
    expect(decodeGroups('[{"address":"g","ownerCMS":"c","members":[{"resource":"devices","address":"d"}],"purpose":"calendar"}]'))
      .toEqual([{ address: 'g', ownerCMS: 'c', members: [{ resource: 'devices', address: 'd' }], purpose: 'calendar' }]);
  });
  it('reads a single Group, resources in any spelling, device addresses normalized, no ownerCMS', () => {
    expect(decodeGroups('{"address":"g","members":[{"resource":"/Devices","address":"urn:uuid:3F6B1C2E-0A4D-4C1E-9A53-1D2C3B4A5F60"},{"resource":"group","address":"h"}]}'))
      .toEqual([{ address: 'g', ownerCMS: '', members: [{ resource: 'devices', address: '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60' }, { resource: 'groups', address: 'h' }] }]);
    expect(decodeGroups('[{"address":"g","members":null}]')[0].members).toEqual([]);
  });
  it.each([
    ['3', /body must be a JSON array of TALQ Group objects/],
    ['{}', /body must be a JSON array of TALQ Group objects/],
    ['[{"ownerCMS":"c","members":[]}]', /\[0\]\.address is required/],
    ['[{"address":"g","members":{}}]', /\[0\]\.members must be an array/],
    ['[{"address":"g","ownerCMS":"c","members":[{"resource":"devices"}]}]', /\[0\]\.members\[0\]\.address is required/],
    ['[{"address":-1e400,"members":[]}]', /\[0\]\.address must be a string \(an address\), got the number -Infinity/],
    ['[{"address":"g","members":[{"resource":"groups","address":0.5}]}]', /\[0\]\.members\[0\]\.address must be a string \(an address\)/],
  ])('%s → 400', (text, reason) => {
    const e = decodeError(() => decodeGroups(text));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(reason);
  });
});
