/**
 * A reading from a payload the network server already decoded with the device profile's codec
 * (ChirpStack v4 `object`, TTS v3 `decoded_payload`), used when no built-in codec applies (pure).
 *
 * Volume: the field named by `volumeField` (a dotted path, e.g. `decoded.totalVolume`), else found
 * by name in the object, its `data` or its `decoded` child. Units are never guessed: a name is only
 * recognized with its unit, either in the name (`current_volume_m3`, `total_m3`, `volume_l`, `index_litres`:
 * one of VOLUME_NAMES followed by m3/m³/l/litres/liters/ltr), or beside it (`{ "volume": 6.054, "unit": "m3" }`,
 * `volumeUnit`/`volume_unit`, `{ "volume": { "value": 6.054, "unit": "m3" } }`), or by `volumeUnit`
 * (m3 or L); `metering.water.total` (the Device Repository's normalized shape) is litres. A named
 * `volumeField` may also carry its unit as its last word (`log_volume_m3`). Real codecs
 * output bare names in either unit (GWF `registerValue`, Elvaco `volume`, Quandify `totalVolume` in L):
 * those need `volumeField` + `volumeUnit`. A pulse counter on a meter's pulse output counts steps
 * of a weight: `volumeUnit` then gives it (`10L`: each pulse is 10 L; `0.001m3`). Two recognized
 * fields that disagree are refused.
 * Time: an ISO 8601 date-time with a zone (without one: a local time of the territory's `timeZone`,
 * when it has one) in a TIME_NAMES field (`time`, `timestamp`, `timestamp_utc`, `meter_datetime` …),
 * or Unix seconds/milliseconds (2000–2100) there or in `timestamp_unix`/`epoch`; else the network
 * time. Flags: FLAG_NAMES fields that are `true`/1 (raised) or `false`/0 (clear) (`leakage`, `burst`,
 * `backflow`/`reverse_flow`, `low_battery` …), names in an `alarms`/`flags` array or object (such a
 * list is the meter's whole alarm report: a flag it does not name is clear), and the normalized
 * `water.leak`. A flag the object does not mention is not reported (unknown), never taken as clear.
 */
import { FeedError } from '../../../src/ingest/types';
import { deviceTime, isObject, type Json } from '../payload';
import type { MeterFlags, MeterReading, ReportedFlags } from './types';

export type VolumeUnit = 'm3' | 'L';
const LITRES: Record<VolumeUnit, number> = { m3: 1000, L: 1 };

const SEPARATORS = /[\s_.\-/^]/g;
/** Lower case, no separators, '³' → '3': 'Current_Volume_m³' → 'currentvolumem3'. */
export const normName = (k: string): string => k.toLowerCase().replace(SEPARATORS, '').replace('³', '3');

const UNIT_WORDS = new Map<string, VolumeUnit>([
  ['m3', 'm3'], ['cubicmeter', 'm3'], ['cubicmeters', 'm3'], ['cubicmetre', 'm3'], ['cubicmetres', 'm3'], ['cbm', 'm3'],
  ['l', 'L'], ['liter', 'L'], ['liters', 'L'], ['litre', 'L'], ['litres', 'L'], ['ltr', 'L'],
]);

/**
 * A configured `volumeUnit`: a unit, or a unit with its count per step of the field (a pulse
 * counter's weight, e.g. '10L': each step is 10 litres; '0.001 m3'); undefined for anything else.
 * @example scaledUnit('10 L') // { unit: 'L', factor: 10 }
 */
export function scaledUnit(s: string): { unit: VolumeUnit; factor: number } | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)?\s*([^\d\s].*?)\s*$/.exec(s);
  const unit = m ? volumeUnit(m[2]) : undefined;
  const factor = m?.[1] === undefined ? 1 : Number(m[1].replace(',', '.'));
  return unit && factor > 0 && Number.isFinite(factor) ? { unit, factor } : undefined;
}

/** 'm3', 'm³', 'L', 'litres' … → the unit; anything else → undefined. */
export function volumeUnit(s: unknown): VolumeUnit | undefined {
  return typeof s === 'string' ? UNIT_WORDS.get(normName(s)) : undefined;
}

/** Index names (normalized) that hold a meter's cumulative volume once a unit is known. */
export const VOLUME_NAMES = ['volume', 'currentvolume', 'totalvolume', 'cumulativevolume', 'absolutevolume', 'index', 'currentindex', 'meterindex', 'volumeindex', 'meterreading', 'currentreading', 'reading', 'totalizer', 'total'];
const BARE = new Set(VOLUME_NAMES);
/** name + unit suffix (optionally "in"): 'currentvolumem3' → m3, 'indexinlitres' → L. */
const SUFFIXED = new Map<string, VolumeUnit>(VOLUME_NAMES.flatMap((n) => [...UNIT_WORDS].flatMap(([w, u]) => [[n + w, u], [`${n}in${w}`, u]] as [string, VolumeUnit][])));

const TIME_NAMES = new Set(['time', 'timestamp', 'timestamputc', 'datetime', 'meterdatetime', 'metertime', 'readingtime', 'measurementtime', 'timestampunix', 'unixtime', 'unixtimestamp', 'epoch']);
const FLAG_NAMES = new Map<string, keyof MeterFlags>([
  ...['leak', 'leakage', 'leakalarm', 'leakagealarm', 'leakdetected', 'waterleak', 'waterleakalarm', 'continuousflow', 'continousflow', 'continuousflowalarm'].map((n) => [n, 'leak'] as const),
  ...['burst', 'burstalarm', 'waterburst', 'pipeburst', 'brokenpipe', 'brokenpipealarm'].map((n) => [n, 'burst'] as const),
  ...['backflow', 'backflowalarm', 'backflowdetected', 'reverseflow', 'reverseflowalarm'].map((n) => [n, 'backflow'] as const),
  ...['lowbattery', 'batterylow', 'lowbatteryalarm'].map((n) => [n, 'lowBattery'] as const),
  ...['emptypipe', 'pipeempty', 'emptypipealarm', 'dry'].map((n) => [n, 'pipeEmpty'] as const),
  ['lowtemperature', 'lowTemperature'], ['permanenterror', 'permanentError'], ['temporaryerror', 'temporaryError'],
]);
const FLAG_LISTS = new Set(['alarms', 'alarm', 'flags', 'events']);
const NO_LEAK = new Set(['', 'no', 'none', 'noleak', 'false', 'ok', 'normal', '0']);

/** The flags a decoded payload can report. */
const PAYLOAD_FLAGS: readonly (keyof MeterFlags)[] = ['leak', 'burst', 'backflow', 'lowBattery', 'permanentError', 'temporaryError', 'lowTemperature', 'pipeEmpty'];

/** The Device Repository's `water.leak` (boolean, or a leak kind such as 'medium'; '' or 'No leak' = none). */
export const leakOf = (v: unknown): boolean => v === true || (typeof v === 'string' && !NO_LEAK.has(normName(v)));

/** How the decoded object names its volume (from `volumeField`/`volumeUnit` or the registry codec `decoded:<field>:<unit>`). */
export interface DecodedSpec {
  field?: string;
  unit?: string;
}

/** A reading from a network-server payload, with where it came from. */
export interface NetworkReading extends MeterReading {
  /** Current index in litres (always present in this frame). */
  volumeLitres: number;
  /** The field the volume was read from, e.g. 'object.current_volume_m3'. */
  source: string;
  timeSource: 'meter' | 'network';
}

interface Found {
  path: string;
  litres: number;
  holder: Json;
}

/** A recognized volume field before its value is checked. */
interface Candidate {
  path: string;
  raw: unknown;
  unit: VolumeUnit;
  holder: Json;
}

const fail = (reason: string): never => {
  throw new FeedError('decode', reason, 422);
};

function litres(raw: unknown, unit: VolumeUnit, path: string, factor = 1): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) return fail(`${path} must be a volume (a number ≥ 0)`);
  const l = Math.round(raw * factor * LITRES[unit]);
  if (!Number.isSafeInteger(l)) fail(`${path} is out of range`);
  return l;
}

/** The unit of `holder[key]` given beside it (`unit`, `<key>Unit`, `<key>_unit`), or in a `{ value, unit }` object. */
const unitBeside = (holder: Json, key: string): VolumeUnit | undefined => volumeUnit(holder[`${key}Unit`]) ?? volumeUnit(holder[`${key}_unit`]) ?? volumeUnit(holder.unit);

const TOKENS = /[\s_.-]+/;
/** A unit as the last separated word of a named field: 'log_volume_m3' → m3, 'total' → undefined. */
function unitWord(key: string): VolumeUnit | undefined {
  const words = key.split(TOKENS);
  return words.length > 1 ? volumeUnit(words[words.length - 1]) : undefined;
}

function valueAndUnit(holder: Json, key: string, unit: VolumeUnit | undefined, named = false): [unknown, VolumeUnit | undefined] {
  const v = holder[key];
  if (isObject(v) && 'value' in v) return [v.value, unit ?? volumeUnit(v.unit)];
  return [v, unit ?? SUFFIXED.get(normName(key)) ?? (named ? unitWord(key) : undefined) ?? unitBeside(holder, key)];
}

/** The recognized volume fields of one object (see the header); an absent value (null) is no field. */
function volumesIn(o: Json, prefix: string, out: Candidate[], unitless: string[]): void {
  for (const key of Object.keys(o)) {
    const n = normName(key);
    if (!SUFFIXED.has(n) && !BARE.has(n)) continue;
    const [raw, unit] = valueAndUnit(o, key, undefined);
    if (raw === null || raw === undefined) continue;
    if (unit === undefined) unitless.push(prefix + key);
    else out.push({ path: prefix + key, raw, unit, holder: o });
  }
  const metering = o.metering;
  if (isObject(metering) && isObject(metering.water) && typeof metering.water.total === 'number') {
    out.push({ path: `${prefix}metering.water.total`, raw: metering.water.total, unit: 'L', holder: o });
  }
}

/** The recognized volume fields of a decoded object: at its top, in its `data` and `decoded` children. */
function candidates(root: Json, where: string): { found: Candidate[]; unitless: string[] } {
  const found: Candidate[] = [];
  const unitless: string[] = [];
  const scopes: [Json, string][] = [[root, `${where}.`]];
  for (const child of ['data', 'decoded']) if (isObject(root[child])) scopes.push([root[child] as Json, `${where}.${child}.`]);
  for (const [o, prefix] of scopes) volumesIn(o, prefix, found, unitless);
  return { found, unitless };
}

/**
 * Whether a decoded object names a volume with its unit (whatever its value): with no configuration,
 * such an object is a meter's, so that its faults (a negative volume, fields that disagree) are told
 * as such rather than as an unknown device.
 * @example hasExplicitVolume({ current_volume_m3: 1.7, index_l: 1800 }) // true
 */
export function hasExplicitVolume(decoded: unknown): boolean {
  return isObject(decoded) && candidates(decoded, '').found.length > 0;
}

/** `a.b.0.c` inside `root`; the holder object and last key, or undefined. */
function locate(root: Json, path: string): { holder: Json; key: string } | undefined {
  const parts = path.split('.');
  let at: unknown = root;
  for (let i = 0; i < parts.length - 1; i++) at = (isObject(at) || Array.isArray(at)) && Object.hasOwn(at, parts[i]) ? (at as Record<string, unknown>)[parts[i]] : undefined;
  const key = parts[parts.length - 1];
  if (Array.isArray(at)) return /^\d+$/.test(key) && Object.hasOwn(at, key) ? { holder: at as unknown as Json, key } : undefined; // an element: 'counterValues.0'
  return isObject(at) && Object.hasOwn(at, key) ? { holder: at, key } : undefined;
}

function explicitVolume(root: Json, spec: DecodedSpec, where: string): Found {
  const field = spec.field as string;
  const scaled = spec.unit === undefined ? undefined : scaledUnit(spec.unit);
  if (spec.unit !== undefined && scaled === undefined) fail(`volumeUnit '${spec.unit.slice(0, 20)}' is not m3 or L (optionally with a count per step: '10L', '0.1 m3')`);
  const at = locate(root, field);
  if (!at) return fail(`${where} has no field '${field.slice(0, 80)}' (volumeField)`);
  const [raw, u] = valueAndUnit(at.holder, at.key, scaled?.unit, true);
  if (u === undefined) fail(`${where}.${field.slice(0, 80)} has no unit: set volumeUnit (m3 or L)`);
  return { path: `${where}.${field}`, litres: litres(raw, u as VolumeUnit, `${where}.${field}`, scaled?.factor), holder: at.holder };
}

function foundVolume(root: Json, where: string): Found {
  const { found: named, unitless } = candidates(root, where);
  if (named.length === 0) {
    const hint = unitless.length > 0 ? `${unitless.slice(0, 3).join(', ')} without a unit` : 'no volume field';
    return fail(`${where} has ${hint}: name it with volumeField and volumeUnit (m3 or L)`);
  }
  const found = named.map((c): Found => ({ path: c.path, litres: litres(c.raw, c.unit, c.path), holder: c.holder }));
  if (found.some((f) => f.litres !== found[0].litres)) fail(`${where} has disagreeing volume fields (${found.slice(0, 3).map((f) => f.path).join(', ')}): choose one with volumeField`);
  return found[0];
}

/** What a payload says of its flags: raised, cleared, and whether it holds a whole alarm report. */
interface FlagReport {
  raised: Set<keyof MeterFlags>;
  cleared: Set<keyof MeterFlags>;
  /** An `alarms`/`flags`/`events` list or object: the flags it does not name are clear. */
  whole: boolean;
}

const newReport = (): FlagReport => ({ raised: new Set(), cleared: new Set(), whole: false });

/** The flags a report gives: raised ones true; cleared ones, or all others of a whole report, false; the rest left out. */
function reportedFlags(r: FlagReport): ReportedFlags {
  const flags: ReportedFlags = {};
  for (const k of PAYLOAD_FLAGS) {
    if (r.raised.has(k)) flags[k] = true;
    else if (r.whole || r.cleared.has(k)) flags[k] = false;
  }
  return flags;
}

/** Flags named in `o` and in its `alarms`/`flags` lists or objects. */
function flagsIn(o: Json, r: FlagReport, nested = false): void {
  for (const [key, v] of Object.entries(o)) {
    const n = normName(key);
    const flag = FLAG_NAMES.get(n);
    if (flag && (v === true || v === 1)) r.raised.add(flag);
    else if (flag && (v === false || v === 0)) r.cleared.add(flag);
    else if (FLAG_LISTS.has(n) && Array.isArray(v)) {
      r.whole = true;
      for (const x of v) if (typeof x === 'string' && FLAG_NAMES.has(normName(x))) r.raised.add(FLAG_NAMES.get(normName(x)) as keyof MeterFlags);
    } else if (FLAG_LISTS.has(n) && isObject(v) && !nested) {
      r.whole = true;
      flagsIn(v, r, true);
    } else if (n === 'water' && isObject(v) && v.leak !== undefined && v.leak !== null) (leakOf(v.leak) ? r.raised : r.cleared).add('leak');
  }
}

function timeIn(o: Json, zone: string | undefined): string | undefined {
  for (const key of Object.keys(o)) {
    if (!TIME_NAMES.has(normName(key))) continue;
    const t = deviceTime(o[key], zone);
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * Reads a decoded object (`where` names it in errors: 'object' or 'decoded_payload'); no usable volume → FeedError 422.
 * @example
 * readDecodedObject({ current_volume_m3: 6.054, timestamp_utc: '2026-09-02T23:09:34.000Z', leakage: true }, {}, 'object', receivedAt)
 * // { volumeLitres: 6054, time: '2026-09-02T23:09:34.000Z', flags: { leak: true }, source: 'object.current_volume_m3', timeSource: 'meter' }
 */
export function readDecodedObject(decoded: unknown, spec: DecodedSpec, where: string, receivedAt: string, zone?: string): NetworkReading {
  if (!isObject(decoded)) return fail(`${where} must be a JSON object to read a volume from`);
  const volume = spec.field !== undefined ? explicitVolume(decoded, spec, where) : foundVolume(decoded, where);
  const report = newReport();
  flagsIn(decoded, report);
  for (const child of ['data', 'decoded']) if (isObject(decoded[child])) flagsIn(decoded[child] as Json, report);
  if (volume.holder !== decoded) flagsIn(volume.holder, report);
  const time = timeIn(volume.holder, zone) ?? timeIn(decoded, zone);
  return { time: time ?? receivedAt, volumeLitres: volume.litres, flags: reportedFlags(report), source: volume.path, timeSource: time === undefined ? 'network' : 'meter' };
}
