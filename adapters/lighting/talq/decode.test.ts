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
    ['address not a string', '{"address": 7}', /LogReport\.address must be a string/],
    ['an entry that is not an object', '{"entries": [3]}', /entries\[0\] must be an object/],
    ['unknown log data type', body(attr({ type: 'MeasurementLogData' })), /entries\[0\]\.data\.type must be AttributeLogData, EventLogData or StateChangeEventLogData/],
    ['missing srcAddress', body(attr({ srcAddress: undefined })), /entries\[0\]\.data\.srcAddress is required/],
    ['srcAddress without a device', body(attr({ srcAddress: '/lampMonitor1' })), /srcAddress must start with a device address/],
    ['srcAddress too long', body(attr({ srcAddress: 'a'.repeat(300) })), /srcAddress is longer than 256/],
    ['bad timestamp', body(attr({ timestamp: '2025-01-15 05:00' })), /entries\[0\]\.data\.timestamp must be an RFC 3339 date-time/],
    ['impossible date', body(attr({ timestamp: '2025-02-30T05:00:00Z' })), /timestamp must be an RFC 3339/],
    ['missing attributeName', body(attr({ attributeName: undefined })), /entries\[0\]\.data\.attributeName is required/],
    ['missing attributeValue', body(attr({ attributeValue: undefined })), /attributeValue is required/],
    ['attribute without type', body(attr({ attributeValue: { value: 1 } })), /attributeValue\.type is required/],
    ['float as a string', body(attr({ attributeValue: { type: 'AttributeFloat', value: '12.5' } })), /attributeValue\.value must be a number for AttributeFloat/],
    ['percent not an integer', body(attr({ attributeValue: { type: 'AttributePercent', value: 12.5 } })), /must be an integer \(percent\)/],
    ['level not an integer', body(attr({ attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: 'high' } } })), /attributeValue\.value\.value must be an integer \(DimLevel, percent\) for LevelState/],
    ['state without name', body(attr({ attributeValue: { type: 'AttributeLevelState', value: { value: 50 } } })), /attributeValue\.value\.name is required/],
    ['binary not ON/OFF', body(attr({ attributeValue: { type: 'AttributeBinary', value: 'on' } })), /must be 'ON' or 'OFF'/],
    ['bad location', body(attr({ attributeValue: { type: 'AttributeLocation', value: { lat: 45 } } })), /must be a Location/],
    ['event without eventType', body({ type: 'EventLogData', srcAddress: 'd-1' }), /entries\[0\]\.data\.eventType is required/],
    ['startEndFlag as a string', body({ type: 'EventLogData', srcAddress: 'd-1', eventType: 'lampFailure', startEndFlag: 'true' }), /startEndFlag must be a boolean/],
    ['event attribute without value', body({ type: 'EventLogData', srcAddress: 'd-1', eventType: 'lampFailure', attributes: [{ tag: 'x' }] }), /attributes\[0\]\.value is required/],
    ['state change without command', body({ type: 'StateChangeEventLogData', srcAddress: 'd-1', eventType: 'lightStateChange' }), /entries\[0\]\.data\.command is required/],
    ['command without state', body({ type: 'StateChangeEventLogData', srcAddress: 'd-1', eventType: 'lightStateChange', command: {} }), /command\.state is required/],
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
  it.each([
    ['{}', /body must be a JSON array of TALQ Group objects/],
    ['[{"ownerCMS":"c","members":[]}]', /\[0\]\.address is required/],
    ['[{"address":"g","members":[]}]', /\[0\]\.ownerCMS is required/],
    ['[{"address":"g","ownerCMS":"c"}]', /\[0\]\.members is required/],
    ['[{"address":"g","ownerCMS":"c","members":[{"resource":"devices"}]}]', /\[0\]\.members\[0\]\.address is required/],
  ])('%s → 400', (text, reason) => {
    const e = decodeError(() => decodeGroups(text));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(reason);
  });
});
