/**
 * The TALQ → Smart Data Models mapping tables: one row per TALQ attribute or event name, giving the
 * SDM attribute(s), the UN/CEFACT unit and the accepted range. Which table applies (Streetlight or
 * StreetlightControlCabinet) is decided per device from the names it reports (names.ts).
 *
 * Values are read leniently (coerce.ts: numbers as strings, ON/OFF, 0/1 …). A value TALQ itself
 * rules out (a level above 100 %, a negative power, a latitude of 120) throws
 * `FeedError('translate', reason, 422)`; a legitimate value the SDM cannot hold (a negative reactive
 * power, a 0/0 position meaning "no fix") is skipped with the reason, never the whole report.
 */
import { FeedError } from '../../../src/ingest/types';
import type { Geometry, JsonValue } from '../../../src/ngsi-ld/types';
import { readBinary, readBoolean, readNumber, readState } from './coerce';
import { canonicalNames, type TargetType } from './names';
import { toUtc } from './time';
import type { TalqState } from './types';

export { evidenceOf, SHARED_NAMES, type TargetType } from './names';

/** One SDM attribute value produced from one TALQ value. */
export interface Reading {
  attribute: string;
  value: JsonValue;
  unitCode?: string;
  /** A GeoProperty (location) rather than a Property. */
  geo?: boolean;
}

/** Readings, or the reason the value is acknowledged without effect. */
export type Mapper = (value: unknown, name: string) => Reading[] | string;

function outOfRange(name: string, problem: string): FeedError {
  return new FeedError('translate', `${name}: ${problem}`, 422);
}

function number(value: unknown, name: string): number {
  const n = readNumber(value);
  if (typeof n !== 'number') throw outOfRange(name, `expected a number, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return n;
}

/** A numeric measurement, checked against [min, max], optionally divided (percent → fraction). */
function measure(attribute: string, unitCode: string, min: number, max = Infinity, divisor = 1): Mapper {
  return (value, name) => {
    const v = number(value, name);
    if (v < min || v > max) throw outOfRange(name, `${v} is out of range ${min}..${max === Infinity ? '∞' : max}${divisor === 100 ? ' %' : ''}`);
    return [{ attribute, value: v / divisor, unitCode }];
  };
}

/** A signed TALQ measurement whose SDM attribute has minimum 0: negative values are skipped. */
function nonNegative(attribute: string, unitCode: string): Mapper {
  return (value, name) => {
    const v = number(value, name);
    return v < 0 ? `${name} ${v} has no ${attribute} (the SDM attribute is ≥ 0)` : [{ attribute, value: v, unitCode }];
  };
}

/**
 * A total harmonic distortion in percent → a fraction. TALQ's percent has no upper bound and a
 * current THD above 100 % is real (LED drivers), but the SDM attribute stops at 1: such a value is
 * skipped with the reason; a negative one is refused.
 */
function distortion(attribute: string): Mapper {
  return (value, name) => {
    const v = number(value, name);
    if (v < 0) throw outOfRange(name, `${v} % is out of range 0..∞ %`);
    return v > 100 ? `${name} ${v} % has no ${attribute} (the SDM attribute is at most 1)` : [{ attribute, value: v / 100, unitCode: 'C62' }];
  };
}

/** A dimming level in percent → illuminanceLevel (fraction) and powerState (0 off, 1..99 low, 100 on). */
export function levelReadings(level: unknown, name: string): Reading[] {
  const v = number(level, name);
  if (v < 0 || v > 100) throw outOfRange(name, `level ${v} % is out of range 0..100 %`);
  return [
    { attribute: 'illuminanceLevel', value: v / 100, unitCode: 'C62' },
    { attribute: 'powerState', value: v === 0 ? 'off' : v === 100 ? 'on' : 'low' },
  ];
}

/** A TALQ State (LevelState, Level*ColorState, BooleanState) → Streetlight readings; other states → none. */
export function stateReadings(state: TalqState | undefined | null, name: string): Reading[] {
  if (typeof state !== 'object' || state === null || typeof state.name !== 'string') return [];
  if (state.name === 'LevelState' && state.value !== undefined && state.value !== null) return levelReadings(state.value, name);
  if (state.name.startsWith('LevelAnd') && state.level !== undefined && state.level !== null) return levelReadings(state.level, name);
  const on = state.name === 'BooleanState' ? readBoolean(state.value) : undefined;
  return typeof on === 'boolean' ? [{ attribute: 'powerState', value: on ? 'on' : 'off' }] : [];
}

/** actualLightState as LevelState, a bare level (AttributePercent / Integer / Float), or ON/OFF. */
function lightState(value: unknown, name: string): Reading[] | string {
  if (typeof value === 'object' && value !== null) {
    const state = readState(value, undefined);
    if (!state) throw outOfRange(name, `expected a State, got ${JSON.stringify(value).slice(0, 60)}`);
    return stateReadings(state, name);
  }
  if (readNumber(value) !== undefined) return levelReadings(value, name);
  const binary = readBinary(value);
  if (binary) return [{ attribute: 'powerState', value: binary === 'ON' ? 'on' : 'off' }];
  throw outOfRange(name, `expected a level, got ${JSON.stringify(value)?.slice(0, 40)}`);
}

function bool(value: unknown, name: string): boolean {
  const b = readBoolean(value);
  if (typeof b !== 'boolean') throw outOfRange(name, `expected a boolean, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return b;
}

/** A condition (boolean attribute or start/end event) → status `problem` while true, 'ok' when it ends. */
function condition(problem: string): Mapper {
  return (value, name) => [{ attribute: 'status', value: bool(value, name) ? problem : 'ok' }];
}

function location(value: unknown, name: string): Reading[] | string {
  if (typeof value !== 'object' || value === null) throw outOfRange(name, 'expected a Location {latitude, longitude}');
  const v = value as Record<string, unknown>;
  const [lat, lon] = [readNumber(v.latitude), readNumber(v.longitude)];
  const alt = v.altitude === undefined ? null : readNumber(v.altitude);
  if (alt === undefined) throw outOfRange(name, 'altitude must be a number');
  if (typeof lat !== 'number' || typeof lon !== 'number' || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
    throw outOfRange(name, `latitude ${String(v.latitude)} / longitude ${String(v.longitude)} out of range`);
  }
  if (lat === 0 && lon === 0) return `${name} 0/0 is a position without fix`;
  const point: Geometry = { type: 'Point', coordinates: typeof alt === 'number' ? [lon, lat, alt] : [lon, lat] };
  return [{ attribute: 'location', value: point as unknown as JsonValue, geo: true }];
}

function dateTime(attribute: string): Mapper {
  return (value, name) => {
    const utc = toUtc(value);
    if (!utc) throw outOfRange(name, 'expected an RFC 3339 date-time');
    return [{ attribute, value: utc }];
  };
}

function text(attribute: string): Mapper {
  return (value) => (typeof value === 'string' || typeof value === 'number' ? (String(value).trim() === '' ? 'empty text' : [{ attribute, value: String(value).trim() }]) : `not a text: ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** Streetlight status per TALQ condition name (event type or boolean status attribute). */
export const STATUS_CONDITIONS: Record<string, string> = {
  lampFailure: 'defectiveLamp',
  lightSourceOpenCircuit: 'defectiveLamp',
  lightSourceShortCircuit: 'defectiveLamp',
  lightSourceOverallFailureCondition: 'defectiveLamp',
  controlGearFailure: 'brokenLantern',
  controlGearOverallFailureCondition: 'brokenLantern',
  impactDetected: 'columnIssue',
  notInProperPosition: 'columnIssue',
  orientationChanged: 'columnIssue',
  locationChanged: 'columnIssue',
};

/**
 * Conditions of the cabinet: SegmentMonitor `localOverride` (a hand switch) → workingMode. TALQ's
 * AttributeLocalOverride is ON or OFF (the switch forces the lights on or off: manual) or NONE
 * (automatic); the event form starts (manual) and ends (automatic).
 */
const CABINET_CONDITIONS: Record<string, Mapper> = {
  localOverride: (value, name) => {
    const word = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
    const manual = word === 'ON' || word === 'OFF' ? true : word === 'NONE' ? false : bool(value, name);
    return [{ attribute: 'workingMode', value: manual ? 'manual' : 'automatic' }];
  },
};

/** Names whose value NONE is a value, not a missing reading (AttributeLocalOverride). */
export const NONE_IS_A_VALUE = new Set(['localOverride']);

/** Event types (and same-named boolean attributes) that carry state: start = true, end = false. */
export const CONDITION_NAMES = new Set([...Object.keys(STATUS_CONDITIONS), ...Object.keys(CABINET_CONDITIONS)]);

const COMMON: Record<string, Mapper> = {
  installationDate: dateTime('dateServiceStarted'),
  location,
  displayName: text('name'),
};

/** LampActuator / LampMonitor / DALI energy (and device-level) attribute name → Streetlight mapping. */
export const STREETLIGHT_ATTRIBUTES: Record<string, Mapper> = {
  actualLightState: lightState,
  activePower: measure('powerConsumption', 'WTT', 0),
  activeEnergy: measure('lifetimePowerConsumption', 'KWH', 0),
  supplyVoltage: measure('voltage', 'VLT', 0),
  supplyCurrent: measure('current', 'AMP', 0),
  // TALQ says 0..1 with the lead/lag sense apart (powerFactorSense); some meters sign it instead: the
  // magnitude is the power factor
  powerFactor: (value, name) => {
    const v = number(value, name);
    if (v < -1 || v > 1) throw outOfRange(name, `${v} is out of range -1..1`);
    return [{ attribute: 'powerFactor', value: Math.abs(v), unitCode: 'C62' }];
  },
  ...COMMON,
  ...Object.fromEntries(Object.entries(STATUS_CONDITIONS).map(([n, problem]) => [n, condition(problem)])),
};

const PHASES: Array<[string, string]> = [['1', 'R'], ['2', 'S'], ['3', 'T']];

/** ElectricalMeter / SegmentMonitor (and device-level) attribute name → StreetlightControlCabinet mapping. */
export const CABINET_ATTRIBUTES: Record<string, Mapper> = {
  totalPower: measure('totalActivePower', 'KWT', 0),
  totalVAR: nonNegative('totalReactivePower', 'KVR'),
  totalActiveEnergy: measure('energyConsumed', 'KWH', 0),
  totalReactiveEnergy: measure('reactiveEnergyConsumed', 'K3', 0),
  totalPowerFactor: measure('cosPhi', 'C62', -1, 1),
  frequency: measure('frequency', 'HTZ', 0),
  serial: text('serialNumber'),
  ...COMMON,
  ...CABINET_CONDITIONS,
  ...Object.fromEntries(PHASES.flatMap(([n, p]) => [
    [`phase${n}Voltage`, measure(`voltage${p}`, 'VLT', 0)],
    [`phase${n}Current`, measure(`intensity${p}`, 'AMP', 0)],
    [`phase${n}ActivePower`, measure(`activePower${p}`, 'KWT', 0)],
    [`phase${n}ReactivePower`, nonNegative(`reactivePower${p}`, 'KVR')],
    [`phase${n}PowerFactor`, measure(`powerFactor${p}`, 'C62', -1, 1)],
    [`phase${n}VoltageTHD`, distortion(`thdrVoltage${p}`)],
    [`phase${n}CurrentTHD`, distortion(`thdrIntensity${p}`)],
  ])),
};

/** The mapping table of a target type. */
export function tableOf(type: TargetType): Record<string, Mapper> {
  return type === 'Streetlight' ? STREETLIGHT_ATTRIBUTES : CABINET_ATTRIBUTES;
}

/** Names some table maps (their values are checked by decode); lightStateChange maps through its state. */
export const MAPPED_NAMES = new Set([...Object.keys(STREETLIGHT_ATTRIBUTES), ...Object.keys(CABINET_ATTRIBUTES), 'lightStateChange']);

/** The canonical spelling of a TALQ name (names.ts), knowing the mapped names. */
export const canonicalName = canonicalNames(MAPPED_NAMES);
