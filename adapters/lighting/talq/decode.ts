/**
 * Decodes a TALQ 2.7 `POST /log-reports` request (CMS API operation `sendLogReport`): checks the
 * `talq-api-version` header and the `clientAddress` / `talqRequestId` query parameters, parses the
 * JSON body and checks it against the data model's `LogReport` schema (LogData discriminated by
 * `type`; Attribute values by their `type`; States by their `name`). Anything that does not match is
 * a `FeedError('decode', reason, 400)` whose reason names the field and, for the request envelope,
 * the TALQ error key (headerMissing, parameterValueNotValid, payloadError …).
 *
 * Ranges (a level above 100 %, a negative power) are semantics, not syntax: translate answers them
 * with 422, as TALQ does ("well-formed but unable to be followed").
 */
import { FeedError, type IngestMessage } from '../../../src/ingest/types';
import type {
  DecodedLogReport, TalqAttribute, TalqCommand, TalqGroup, TalqLogData, TalqLogEntry, TalqRequest, TalqResourceReference, TalqState,
} from './types';

/** TALQ API major version this decoder implements (2.7.1); any 2.x gateway is accepted. */
export const SUPPORTED_TALQ_MAJOR = 2;
/** Longest TALQ address accepted (addresses are UUIDs; this bounds entity ids). */
export const MAX_ADDRESS_LENGTH = 256;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const VERSION = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

type Json = Record<string, unknown>;

function payloadError(path: string, problem: string): FeedError {
  return new FeedError('decode', `payloadError: ${path} ${problem}`, 400);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for an RFC 3339 date-time with a real calendar date and an offset (Z or ±hh:mm). */
export function isRfc3339(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return Number.isFinite(Date.parse(s.toUpperCase()));
}

function optString(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw payloadError(`${path}.${key}`, 'must be a string');
  return v;
}

function reqString(o: Json, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw payloadError(`${path}.${key}`, v === undefined ? 'is required' : 'must be a non-empty string');
  return v;
}

function optTimestamp(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isRfc3339(v)) throw payloadError(`${path}.${key}`, `must be an RFC 3339 date-time, got ${JSON.stringify(v).slice(0, 60)}`);
  return v;
}

function address(o: Json, key: string, path: string): string {
  const v = reqString(o, key, path);
  if (v.length > MAX_ADDRESS_LENGTH) throw payloadError(`${path}.${key}`, `is longer than ${MAX_ADDRESS_LENGTH} characters`);
  if (v.startsWith('/')) throw payloadError(`${path}.${key}`, 'must start with a device address');
  return v;
}

const isInt = (v: unknown): boolean => Number.isInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** Value checks of the State types (State.name discriminator). */
const STATE_VALUE: Record<string, [string, (v: unknown) => boolean, string]> = {
  LevelState: ['value', isInt, 'an integer (DimLevel, percent)'],
  BooleanState: ['value', (v) => typeof v === 'boolean', 'a boolean'],
  IntegerState: ['value', isInt, 'an integer'],
  FloatState: ['value', isNum, 'a number'],
  TextState: ['value', (v) => typeof v === 'string', 'a string'],
  LevelAndCCTColorState: ['level', isInt, 'an integer (DimLevel, percent)'],
  LevelAndRGBWAFColorState: ['level', isInt, 'an integer (DimLevel, percent)'],
  LevelAndXYColorState: ['level', isInt, 'an integer (DimLevel, percent)'],
};

function decodeState(v: unknown, path: string): TalqState {
  if (!isObject(v)) throw payloadError(path, 'must be a State object');
  const name = reqString(v, 'name', path);
  const check = STATE_VALUE[name];
  if (check && v[check[0]] !== undefined && !check[1](v[check[0]])) throw payloadError(`${path}.${check[0]}`, `must be ${check[2]} for ${name}`);
  return v as unknown as TalqState;
}

function decodeCommand(v: unknown, path: string): TalqCommand {
  if (!isObject(v)) throw payloadError(path, 'must be a Command object');
  if (v.state === undefined) throw payloadError(`${path}.state`, 'is required');
  decodeState(v.state, `${path}.state`);
  optString(v, 'reason', path);
  return v as unknown as TalqCommand;
}

/** Value checks of the standard Attribute types (Attribute.type discriminator); vendor types pass. */
const ATTRIBUTE_VALUE: Record<string, (v: unknown, path: string) => void> = {
  AttributeBoolean: (v, p) => { if (typeof v !== 'boolean') throw payloadError(p, 'must be a boolean for AttributeBoolean'); },
  AttributeInteger: (v, p) => { if (!isInt(v)) throw payloadError(p, 'must be an integer for AttributeInteger'); },
  AttributePercent: (v, p) => { if (!isInt(v)) throw payloadError(p, 'must be an integer (percent) for AttributePercent'); },
  AttributeFloat: (v, p) => { if (!isNum(v)) throw payloadError(p, 'must be a number for AttributeFloat'); },
  AttributeString: (v, p) => { if (typeof v !== 'string') throw payloadError(p, 'must be a string for AttributeString'); },
  AttributeUri: (v, p) => { if (typeof v !== 'string') throw payloadError(p, 'must be a string for AttributeUri'); },
  AttributeDateTime: (v, p) => { if (!isRfc3339(v)) throw payloadError(p, 'must be an RFC 3339 date-time for AttributeDateTime'); },
  AttributeBinary: (v, p) => { if (v !== 'ON' && v !== 'OFF') throw payloadError(p, "must be 'ON' or 'OFF' for AttributeBinary"); },
  AttributeLocation: (v, p) => {
    if (!isObject(v) || !isNum(v.latitude) || !isNum(v.longitude) || (v.altitude !== undefined && !isNum(v.altitude))) {
      throw payloadError(p, 'must be a Location {latitude, longitude, altitude?} of numbers for AttributeLocation');
    }
  },
  AttributeCommand: (v, p) => { decodeCommand(v, p); },
};
for (const name of ['State', 'LevelState', 'BooleanState', 'IntegerState', 'FloatState', 'TextState', 'LevelAndCCTColorState', 'LevelAndRGBWAFColorState', 'LevelAndXYColorState']) {
  ATTRIBUTE_VALUE[`Attribute${name}`] = (v, p) => { decodeState(v, p); };
}

function decodeAttribute(v: unknown, path: string): TalqAttribute {
  if (!isObject(v)) throw payloadError(path, 'must be an Attribute object');
  const type = reqString(v, 'type', path);
  optTimestamp(v, 'timestamp', path);
  if (v.value !== undefined) ATTRIBUTE_VALUE[type]?.(v.value, `${path}.value`);
  return v as unknown as TalqAttribute;
}

function decodeLogData(v: unknown, path: string): TalqLogData {
  if (!isObject(v)) throw payloadError(path, 'must be a LogData object');
  const type = reqString(v, 'type', path);
  address(v, 'srcAddress', path);
  optTimestamp(v, 'timestamp', path);
  switch (type) {
    case 'AttributeLogData':
      reqString(v, 'attributeName', path);
      if (v.attributeValue === undefined) throw payloadError(`${path}.attributeValue`, 'is required');
      decodeAttribute(v.attributeValue, `${path}.attributeValue`);
      break;
    case 'EventLogData':
      reqString(v, 'eventType', path);
      if (v.startEndFlag !== undefined && typeof v.startEndFlag !== 'boolean') throw payloadError(`${path}.startEndFlag`, 'must be a boolean');
      if (v.info !== undefined && !(Array.isArray(v.info) && v.info.every((i) => isObject(i)))) throw payloadError(`${path}.info`, 'must be an array of objects');
      if (v.attributes !== undefined) {
        if (!Array.isArray(v.attributes)) throw payloadError(`${path}.attributes`, 'must be an array');
        v.attributes.forEach((a, i) => {
          if (!isObject(a)) throw payloadError(`${path}.attributes[${i}]`, 'must be an object');
          if (a.value === undefined) throw payloadError(`${path}.attributes[${i}].value`, 'is required');
          decodeAttribute(a.value, `${path}.attributes[${i}].value`);
        });
      }
      break;
    case 'StateChangeEventLogData':
      reqString(v, 'eventType', path);
      if (v.command === undefined) throw payloadError(`${path}.command`, 'is required');
      decodeCommand(v.command, `${path}.command`);
      if (v.state !== undefined) decodeState(v.state, `${path}.state`);
      break;
    default:
      throw payloadError(`${path}.type`, `must be AttributeLogData, EventLogData or StateChangeEventLogData, got ${JSON.stringify(type).slice(0, 60)}`);
  }
  return v as unknown as TalqLogData;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new FeedError('decode', `payloadError: body is not valid JSON (${(err as Error).message})`, 400);
  }
}

function header(headers: IngestMessage['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function uuidParam(query: Record<string, string>, name: string, required: boolean): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') {
    if (required) throw new FeedError('decode', `parameterMissing: query parameter ${name} is required`, 400);
    return undefined;
  }
  if (!UUID.test(v)) throw new FeedError('decode', `parameterValueNotValid: query parameter ${name} must be a UUID, got ${JSON.stringify(v).slice(0, 60)}`, 400);
  return v;
}

/** Checks the `sendLogReport` request envelope: `talq-api-version` header, `clientAddress` and `talqRequestId`. */
export function decodeTalqRequest(message: Pick<IngestMessage, 'query' | 'headers'>): TalqRequest {
  const apiVersion = header(message.headers, 'talq-api-version');
  if (apiVersion === undefined || apiVersion === '') throw new FeedError('decode', 'headerMissing: header talq-api-version is required', 400);
  const m = VERSION.exec(apiVersion.trim());
  if (!m) throw new FeedError('decode', `headerValueNotValid: header talq-api-version must be a version like 2.7.1, got ${JSON.stringify(apiVersion).slice(0, 40)}`, 400);
  if (Number(m[1]) !== SUPPORTED_TALQ_MAJOR) {
    throw new FeedError('decode', `headerValueNotValid: talq-api-version ${apiVersion} is not supported: this CMS endpoint implements TALQ 2.7.1 (accepts 2.x)`, 400);
  }
  const clientAddress = uuidParam(message.query, 'clientAddress', true) as string;
  const talqRequestId = uuidParam(message.query, 'talqRequestId', true) as string;
  const talqOriginRequestId = uuidParam(message.query, 'talqOriginRequestId', false);
  return { clientAddress, talqRequestId, apiVersion: apiVersion.trim(), ...(talqOriginRequestId ? { talqOriginRequestId } : {}) };
}

/**
 * Decodes a TALQ `POST /log-reports` request: envelope and `LogReport` body.
 *
 * @throws FeedError('decode', reason, 400) on a missing/unsupported header or parameter, invalid JSON
 *   or a body that is not a TALQ LogReport (the reason names the field, e.g. `entries[2].data.srcAddress`).
 * @example
 * const { request, report } = decodeLogReport({
 *   body: '{"address":"logger-1","entries":[]}',
 *   query: { clientAddress: '6f1c…', talqRequestId: '0d2e…' },
 *   headers: { 'talq-api-version': '2.7.1' },
 *   receivedAt: '2025-01-15T06:00:00Z',
 * });
 * report.entries.length; // 0
 */
export function decodeLogReport(message: IngestMessage): DecodedLogReport {
  const request = decodeTalqRequest(message);
  const doc = parseJson(message.body);
  if (!isObject(doc)) throw payloadError('body', 'must be a LogReport JSON object');
  const addr = optString(doc, 'address', 'LogReport');
  if (doc.entries !== undefined && !Array.isArray(doc.entries)) throw payloadError('LogReport.entries', 'must be an array');
  const entries: TalqLogEntry[] = ((doc.entries as unknown[] | undefined) ?? []).map((e, i) => {
    const path = `entries[${i}]`;
    if (!isObject(e)) throw payloadError(path, 'must be an object');
    const cmsRefId = optString(e, 'cmsRefId', path);
    const data = e.data === undefined ? undefined : decodeLogData(e.data, `${path}.data`);
    return { ...(cmsRefId !== undefined ? { cmsRefId } : {}), ...(data ? { data } : {}) };
  });
  return { request, report: { ...(addr !== undefined ? { address: addr } : {}), entries } };
}

function decodeReference(v: unknown, path: string): TalqResourceReference {
  if (!isObject(v)) throw payloadError(path, 'must be a ResourceReference object');
  return { resource: reqString(v, 'resource', path), address: address(v, 'address', path) };
}

/**
 * Decodes our groups payload: a JSON array of TALQ `Group` objects, exactly as the CMS API
 * `GET /groups` returns them (see README).
 *
 * @example
 * decodeGroups('[{"address":"g-1","ownerCMS":"cms","members":[{"resource":"devices","address":"d-1"}]}]')[0].members.length; // 1
 */
export function decodeGroups(body: string): TalqGroup[] {
  const doc = parseJson(body);
  if (!Array.isArray(doc)) throw payloadError('body', 'must be a JSON array of TALQ Group objects');
  return doc.map((g, i) => {
    const path = `[${i}]`;
    if (!isObject(g)) throw payloadError(path, 'must be a Group object');
    const addr = address(g, 'address', path);
    const ownerCMS = reqString(g, 'ownerCMS', path);
    if (!Array.isArray(g.members)) throw payloadError(`${path}.members`, g.members === undefined ? 'is required' : 'must be an array');
    const members = g.members.map((m, j) => decodeReference(m, `${path}.members[${j}]`));
    const purpose = optString(g, 'purpose', path);
    return { address: addr, ownerCMS, members, ...(purpose !== undefined ? { purpose } : {}) };
  });
}
