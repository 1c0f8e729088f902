/**
 * Decodes a TALQ 2.x `POST /log-reports` request (CMS API operation `sendLogReport`): checks the
 * `talq-api-version` header and the `clientAddress` / `talqRequestId` query parameters, parses the
 * JSON body and reads it as the data model's `LogReport` (LogData discriminated by `type`, Attribute
 * values by their `type`, States by their `name`). The result is normalized: addresses
 * (address.ts), times in ISO 8601 UTC (time.ts), values in their TALQ type (coerce.ts), names in
 * their TALQ spelling (names.ts).
 *
 * Liberal in what it accepts from other gateways, strict where it matters: a value ECLOR maps must
 * read as its declared type, else `FeedError('decode', reason, 400)` naming the field with the TALQ
 * error key (headerMissing, parameterValueNotValid, payloadError …). Data ECLOR does not map (vendor
 * attributes and events, vendor log data types, malformed optional members) never reject a report:
 * they pass through raw and translate acknowledges them in its notes.
 *
 * Ranges (a level above 100 %, a negative power) are semantics, not syntax: translate answers them
 * with 422, as TALQ does ("well-formed but unable to be followed").
 */
import { FeedError, type IngestMessage } from '../../../src/ingest/types';
import { normalizeAddress } from './address';
import { readBinary, readBoolean, readNumber, readState } from './coerce';
import { canonicalName, MAPPED_NAMES } from './mapping';
import { toUtc } from './time';
import type { DecodedLogReport, TalqAttribute, TalqCommand, TalqLogData, TalqLogEntry, TalqRequest, TalqState } from './types';

export { isRfc3339 } from './time';
export { decodeGroups } from './decode-groups';

/** TALQ API major version this decoder implements (2.7.1); any 2.x gateway is accepted. */
export const SUPPORTED_TALQ_MAJOR = 2;
/** Longest TALQ address accepted (addresses are UUIDs; this bounds entity ids). */
export const MAX_ADDRESS_LENGTH = 256;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** `2`, `2.7`, `2.7.1`, with an optional `v` / `TALQ ` prefix and a pre-release or build suffix. */
const VERSION = /^(?:v|talq[ /-]?v?)?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?:[-+][0-9A-Za-z.-]*)?$/i;
const LOG_DATA_TYPES = ['AttributeLogData', 'EventLogData', 'StateChangeEventLogData'];

type Json = Record<string, unknown>;

export function payloadError(path: string, problem: string): FeedError {
  return new FeedError('decode', `payloadError: ${path} ${problem}`, 400);
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown, n = 60): string => String(JSON.stringify(v)).slice(0, n);

/** An optional text member: null is absent, a number is its text, anything else is refused. */
export function optString(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw payloadError(`${path}.${key}`, 'must be a string');
  return v;
}

export function reqString(o: Json, key: string, path: string): string {
  const v = optString(o, key, path);
  if (v === undefined || v.trim() === '') throw payloadError(`${path}.${key}`, v === undefined ? 'is required' : 'must be a non-empty string');
  return v;
}

/**
 * An address member's text: a string, or a whole number a lenient gateway sends bare (`12` → '12');
 * another number (`1e400`, `1.5`, beyond 2^53) has no exact text and is refused.
 */
export function addressText(o: Json, key: string, path: string): string {
  const v = o[key];
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw payloadError(`${path}.${key}`, `must be a string (an address), got the number ${String(v)}`);
  return reqString(o, key, path);
}

/** A TALQ address member, normalized; `gateway` drops a `{gateway}/{device}/…` hierarchy. */
export function address(o: Json, key: string, path: string, gateway?: string): string {
  const v = addressText(o, key, path);
  if (v.length > MAX_ADDRESS_LENGTH) throw payloadError(`${path}.${key}`, `is longer than ${MAX_ADDRESS_LENGTH} characters`);
  const normalized = normalizeAddress(v, gateway);
  if (normalized === undefined) throw payloadError(`${path}.${key}`, `must start with a device address, got ${show(v)}`);
  return normalized;
}

/** A time member → ISO UTC; unreadable: an error when `strict`, else dropped. */
function time(o: Json, key: string, path: string, strict: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  const utc = toUtc(v);
  if (utc === undefined && strict) throw payloadError(`${path}.${key}`, `must be an RFC 3339 date-time, got ${show(v)}`);
  return utc;
}

function readLocation(v: unknown): Json | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return undefined;
  const [latitude, longitude] = [readNumber(v.latitude), readNumber(v.longitude)];
  const altitude = v.altitude === undefined ? null : readNumber(v.altitude);
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || altitude === undefined) return undefined;
  return { ...v, latitude, longitude, ...(altitude === null ? { altitude: undefined } : { altitude }) };
}

function readCommand(v: unknown, hint: string | undefined): TalqCommand | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return undefined;
  const state = readState(v.state, hint);
  return state ? { ...v, state } : undefined;
}

const readText = (v: unknown) => (v === null ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Value readers of the standard Attribute types (Attribute.type discriminator); vendor types pass raw. */
const ATTRIBUTE_VALUE: Record<string, [(v: unknown) => unknown, string]> = {
  AttributeBoolean: [readBoolean, 'a boolean'],
  AttributeInteger: [readNumber, 'a number'],
  AttributePercent: [readNumber, 'a number (percent)'],
  AttributeFloat: [readNumber, 'a number'],
  AttributeString: [readText, 'a string'],
  AttributeUri: [readText, 'a string'],
  AttributeDateTime: [(v) => (v === null ? null : toUtc(v)), 'an RFC 3339 date-time'],
  AttributeBinary: [readBinary, "'ON' or 'OFF'"],
  AttributeLocation: [readLocation, 'a Location {latitude, longitude, altitude?} of numbers'],
  AttributeCommand: [(v) => readCommand(v, undefined), 'a Command with a State'],
  AttributeLevelState: [(v) => readState(v, 'LevelState'), 'a LevelState (DimLevel, percent)'],
};
for (const name of ['State', 'BooleanState', 'IntegerState', 'FloatState', 'TextState', 'LevelAndCCTColorState', 'LevelAndRGBWAFColorState', 'LevelAndXYColorState']) {
  ATTRIBUTE_VALUE[`Attribute${name}`] = [(v) => readState(v, name), `a State (${name})`];
}

/**
 * An Attribute: `{type, value, timestamp?}`, also without `type` or as a bare value. The value is
 * read as its type; when it does not read, `strict` (a mapped name) makes it an error, else it is
 * kept raw.
 */
function decodeAttribute(v: unknown, path: string, strict: boolean): TalqAttribute {
  if (!isObject(v)) return { type: '', value: v };
  const type = typeof v.type === 'string' ? v.type.trim() : '';
  const timestamp = time(v, 'timestamp', path, strict);
  let value = v.value;
  const reader = ATTRIBUTE_VALUE[type];
  if (reader && value !== undefined) {
    const read = reader[0](value);
    if (read === undefined && strict) throw payloadError(`${path}.value`, `must be ${reader[1]} for ${type}, got ${show(value, 40)}`);
    if (read !== undefined) value = read;
  }
  return { ...v, type, value, ...(timestamp ? { timestamp } : { timestamp: undefined }) } as TalqAttribute;
}

/** The LogData type, told from its members when the gateway left `type` out. */
function logDataType(v: Json): string | undefined {
  if (typeof v.type === 'string' && v.type.trim() !== '') return v.type.trim();
  if (v.attributeName !== undefined || v.attributeValue !== undefined) return 'AttributeLogData';
  if (v.command !== undefined || v.state !== undefined) return 'StateChangeEventLogData';
  if (v.eventType !== undefined) return 'EventLogData';
  return undefined;
}

/** An event's startEndFlag: a boolean as coerce.ts reads one, or the words vendors write for it ('start'/'end', 'begin', 'stop'). */
function readStartEnd(v: unknown): boolean | null | undefined {
  const word = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (word === 'start' || word === 'started' || word === 'begin') return true;
  if (word === 'end' || word === 'ended' || word === 'stop' || word === 'stopped') return false;
  return readBoolean(v);
}

function decodeEvent(v: Json, path: string, eventType: string, strict: boolean): Json {
  const flag = v.startEndFlag === undefined ? null : readStartEnd(v.startEndFlag);
  if (flag === undefined && strict) throw payloadError(`${path}.startEndFlag`, `must be a boolean, got ${show(v.startEndFlag, 40)}`);
  const info = Array.isArray(v.info) ? v.info.filter(isObject) : undefined;
  const attributes = Array.isArray(v.attributes) ? v.attributes.filter(isObject) : undefined;
  return { ...v, eventType, startEndFlag: typeof flag === 'boolean' ? flag : undefined, info, attributes };
}

function decodeStateChange(v: Json, path: string, eventType: string): Json {
  const strict = eventType === 'lightStateChange';
  const hint = strict ? 'LevelState' : undefined;
  const command = v.command === undefined ? undefined : readCommand(v.command, hint);
  const state: TalqState | null | undefined = v.state === undefined ? undefined : readState(v.state, hint);
  if (strict && command === undefined && v.command !== undefined) throw payloadError(`${path}.command`, `must be a Command with a State, got ${show(v.command)}`);
  if (strict && state === undefined && v.state !== undefined) throw payloadError(`${path}.state`, `must be a State, got ${show(v.state)}`);
  if (!command && !state) throw payloadError(`${path}.command`, 'is required (or a state)');
  return { ...v, eventType, command: command ?? undefined, state: state ?? undefined };
}

/** One entry's LogData → normalized data, or the reason it carries nothing ECLOR reads. */
function decodeLogData(v: unknown, path: string, gateway: string): Pick<TalqLogEntry, 'data' | 'ignored'> {
  if (v === undefined || v === null) return { ignored: 'entry without data' };
  if (!isObject(v)) throw payloadError(path, 'must be a LogData object');
  const srcAddress = address(v, 'srcAddress', path, gateway);
  const type = logDataType(v);
  if (type === undefined) throw payloadError(`${path}.type`, 'is required');
  if (!LOG_DATA_TYPES.includes(type)) return { ignored: `log data type ${show(type, 40)} is not one of ${LOG_DATA_TYPES.join(', ')}` };
  const nameKey = type === 'AttributeLogData' ? 'attributeName' : 'eventType';
  const name = canonicalName(reqString(v, nameKey, path));
  const strict = MAPPED_NAMES.has(name);
  const timestamp = time(v, 'timestamp', path, strict);
  const base = { ...v, type, srcAddress, [nameKey]: name, timestamp };
  let data: Json;
  if (type === 'AttributeLogData') {
    if (v.attributeValue === undefined) throw payloadError(`${path}.attributeValue`, 'is required');
    data = { ...base, attributeValue: decodeAttribute(v.attributeValue, `${path}.attributeValue`, strict) };
  } else if (type === 'EventLogData') {
    data = decodeEvent(base, path, name, strict);
  } else {
    data = decodeStateChange(base, path, name);
  }
  return { data: data as unknown as TalqLogData };
}

/** JSON.parse of a body (a UTF-8 byte order mark is tolerated); invalid JSON is a payloadError. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FeedError('decode', `payloadError: body is not valid JSON (${(err as Error).message})`, 400);
  }
}

/** A header or query value: the first of repeated ones (node joins headers with ', '; fastify makes arrays). */
function first(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.split(',')[0].trim() : undefined;
}

function header(headers: IngestMessage['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : first(headers[key]);
}

function uuidParam(query: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const raw = first(query[name]);
  if (raw === undefined || raw === '') {
    if (required) throw new FeedError('decode', `parameterMissing: query parameter ${name} is required`, 400);
    return undefined;
  }
  const v = raw.replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1');
  if (!UUID.test(v)) throw new FeedError('decode', `parameterValueNotValid: query parameter ${name} must be a UUID, got ${show(raw, 60)}`, 400);
  return v;
}

/** Checks the `sendLogReport` request envelope: `talq-api-version` header, `clientAddress` and `talqRequestId`. */
export function decodeTalqRequest(message: Pick<IngestMessage, 'query' | 'headers'>): TalqRequest {
  const apiVersion = header(message.headers, 'talq-api-version');
  if (apiVersion === undefined || apiVersion === '') throw new FeedError('decode', 'headerMissing: header talq-api-version is required', 400);
  const m = VERSION.exec(apiVersion);
  if (!m) throw new FeedError('decode', `headerValueNotValid: header talq-api-version must be a version like 2.7.1, got ${show(apiVersion, 40)}`, 400);
  if (Number(m[1]) !== SUPPORTED_TALQ_MAJOR) {
    throw new FeedError('decode', `headerValueNotValid: talq-api-version ${apiVersion} is not supported: this CMS endpoint implements TALQ 2.7.1 (accepts 2.x)`, 400);
  }
  const query = message.query as Record<string, unknown>;
  const clientAddress = uuidParam(query, 'clientAddress', true) as string;
  const talqRequestId = uuidParam(query, 'talqRequestId', true) as string;
  const talqOriginRequestId = uuidParam(query, 'talqOriginRequestId', false);
  return { clientAddress, talqRequestId, apiVersion, ...(talqOriginRequestId ? { talqOriginRequestId } : {}) };
}

/** The LogReport objects of a body: one object, or (seen from some gateways) an array of them. */
function logReports(doc: unknown): Json[] {
  if (isObject(doc)) return [doc];
  if (Array.isArray(doc) && doc.length > 0 && doc.every((r) => isObject(r) && ('entries' in r || 'address' in r))) return doc as Json[];
  throw payloadError('body', 'must be a LogReport JSON object');
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
  const reports = logReports(parseJson(message.body));
  let addr: string | undefined;
  const entries: TalqLogEntry[] = [];
  reports.forEach((doc, r) => {
    const where = reports.length > 1 ? `[${r}].` : '';
    const own = optString(doc, 'address', `${where}LogReport`);
    addr ??= own;
    if (doc.entries !== undefined && doc.entries !== null && !Array.isArray(doc.entries)) throw payloadError(`${where}LogReport.entries`, 'must be an array');
    ((doc.entries as unknown[] | null | undefined) ?? []).forEach((e, i) => {
      const path = `${where}entries[${i}]`;
      if (!isObject(e)) throw payloadError(path, 'must be an object');
      const cmsRefId = typeof e.cmsRefId === 'string' ? e.cmsRefId : undefined;
      const { data, ignored } = decodeLogData(e.data, `${path}.data`, request.clientAddress);
      entries.push({ ...(cmsRefId !== undefined ? { cmsRefId } : {}), ...(data ? { data } : {}), ...(ignored ? { ignored } : {}), raw: e, at: path, ...(own !== undefined ? { address: own } : {}) });
    });
  });
  return { request, report: { ...(addr !== undefined ? { address: addr } : {}), entries } };
}
