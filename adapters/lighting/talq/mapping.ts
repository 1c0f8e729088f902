/**
 * The TALQ → Smart Data Models mapping tables: one row per TALQ attribute or event name, giving the
 * SDM attribute(s), the UN/CEFACT unit and the accepted range. Log data carry no function type (only
 * `{deviceAddress}/{functionId}`, with vendor-chosen function ids), so the TALQ attribute name decides
 * the target: LampActuator/LampMonitor names → `Streetlight`, ElectricalMeter/CabinetMonitor names →
 * `StreetlightControlCabinet`; names both share (supplyVoltage, location …) follow the other data of
 * the same device in the report (cabinet only if it reports cabinet names and no lamp names).
 *
 * Out-of-range values throw `FeedError('translate', reason, 422)`.
 */
import { FeedError } from '../../../src/ingest/types';
import type { Geometry, JsonValue } from '../../../src/ngsi-ld/types';
import { isRfc3339 } from './decode';
import type { TalqState } from './types';

export type TargetType = 'Streetlight' | 'StreetlightControlCabinet';

/** One SDM attribute value produced from one TALQ value. */
export interface Reading {
  attribute: string;
  value: JsonValue;
  unitCode?: string;
  /** A GeoProperty (location) rather than a Property. */
  geo?: boolean;
}

type Mapper = (value: unknown, name: string) => Reading[];

function outOfRange(name: string, problem: string): FeedError {
  return new FeedError('translate', `${name}: ${problem}`, 422);
}

function number(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw outOfRange(name, `expected a number, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return value;
}

/** A numeric measurement, checked against [min, max], optionally divided (percent → fraction). */
function measure(attribute: string, unitCode: string, min: number, max = Infinity, divisor = 1): Mapper {
  return (value, name) => {
    const v = number(value, name);
    if (v < min || v > max) throw outOfRange(name, `${v} is out of range ${min}..${max === Infinity ? '∞' : max}${divisor === 100 ? ' %' : ''}`);
    return [{ attribute, value: v / divisor, unitCode }];
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
export function stateReadings(state: TalqState | undefined, name: string): Reading[] {
  if (typeof state !== 'object' || state === null || typeof state.name !== 'string') return [];
  if (state.name === 'LevelState' && state.value !== undefined) return levelReadings(state.value, name);
  if (state.name.startsWith('LevelAnd') && state.level !== undefined) return levelReadings(state.level, name);
  if (state.name === 'BooleanState' && typeof state.value === 'boolean') return [{ attribute: 'powerState', value: state.value ? 'on' : 'off' }];
  return [];
}

/** A condition (boolean attribute or start/end event) → status `problem` while true, 'ok' when it ends. */
function condition(problem: string): Mapper {
  return (value, name) => {
    if (typeof value !== 'boolean') throw outOfRange(name, `expected a boolean, got ${JSON.stringify(value)?.slice(0, 40)}`);
    return [{ attribute: 'status', value: value ? problem : 'ok' }];
  };
}

function location(value: unknown, name: string): Reading[] {
  if (typeof value !== 'object' || value === null) throw outOfRange(name, 'expected a Location {latitude, longitude}');
  const v = value as { latitude: number; longitude: number; altitude?: number };
  if (v.altitude !== undefined && typeof v.altitude !== 'number') throw outOfRange(name, 'altitude must be a number');
  if (typeof v.latitude !== 'number' || typeof v.longitude !== 'number' || !(v.latitude >= -90 && v.latitude <= 90) || !(v.longitude >= -180 && v.longitude <= 180)) {
    throw outOfRange(name, `latitude ${v.latitude} / longitude ${v.longitude} out of range`);
  }
  const coordinates = v.altitude === undefined ? [v.longitude, v.latitude] : [v.longitude, v.latitude, v.altitude];
  const point: Geometry = { type: 'Point', coordinates };
  return [{ attribute: 'location', value: point as unknown as JsonValue, geo: true }];
}

function dateTime(attribute: string): Mapper {
  return (value, name) => {
    if (!isRfc3339(value)) throw outOfRange(name, 'expected an RFC 3339 date-time');
    return [{ attribute, value: new Date(value.toUpperCase()).toISOString() }];
  };
}

/** Streetlight status per TALQ condition name (event type or boolean attribute). */
export const STATUS_CONDITIONS: Record<string, string> = {
  lampFailure: 'defectiveLamp',
  lightSourceOpenCircuit: 'defectiveLamp',
  lightSourceShortCircuit: 'defectiveLamp',
  lightSourceOverallFailureCondition: 'defectiveLamp',
  impactDetected: 'columnIssue',
  notInProperPosition: 'columnIssue',
};

/** Names shared by luminaire and cabinet controllers: they follow the device's other data. */
export const SHARED_NAMES = new Set(['supplyVoltage', 'location', 'installationDate', 'impactDetected', 'notInProperPosition', 'leakageDetected', 'supplyLoss', 'supplyLossCount']);

/** LampActuator / LampMonitor (and device-level) attribute name → Streetlight mapping. */
export const STREETLIGHT_ATTRIBUTES: Record<string, Mapper> = {
  actualLightState: (value, name) => (typeof value === 'number' ? levelReadings(value, name) : stateReadings(value as TalqState, name)),
  activePower: measure('powerConsumption', 'WTT', 0),
  activeEnergy: measure('lifetimePowerConsumption', 'KWH', 0),
  supplyVoltage: measure('voltage', 'VLT', 0),
  supplyCurrent: measure('current', 'AMP', 0),
  powerFactor: measure('powerFactor', 'C62', 0, 1),
  installationDate: dateTime('dateServiceStarted'),
  location,
  ...Object.fromEntries(Object.entries(STATUS_CONDITIONS).map(([n, problem]) => [n, condition(problem)])),
};

const PHASES: Array<[string, string]> = [['1', 'R'], ['2', 'S'], ['3', 'T']];

/** ElectricalMeter (and device-level) attribute name → StreetlightControlCabinet mapping. */
export const CABINET_ATTRIBUTES: Record<string, Mapper> = {
  totalPower: measure('totalActivePower', 'KWT', 0),
  totalActiveEnergy: measure('energyConsumed', 'KWH', 0),
  totalReactiveEnergy: measure('reactiveEnergyConsumed', 'K3', 0),
  frequency: measure('frequency', 'HTZ', 0),
  installationDate: dateTime('dateServiceStarted'),
  location,
  ...Object.fromEntries(PHASES.flatMap(([n, p]) => [
    [`phase${n}Voltage`, measure(`voltage${p}`, 'VLT', 0)],
    [`phase${n}Current`, measure(`intensity${p}`, 'AMP', 0)],
    [`phase${n}ActivePower`, measure(`activePower${p}`, 'KWT', 0)],
    [`phase${n}PowerFactor`, measure(`powerFactor${p}`, 'C62', -1, 1)],
    [`phase${n}VoltageTHD`, measure(`thdrVoltage${p}`, 'C62', 0, 100, 100)],
    [`phase${n}CurrentTHD`, measure(`thdrIntensity${p}`, 'C62', 0, 100, 100)],
  ])),
};

/** TALQ names that only luminaire controllers (LampActuator / LampMonitor functions) report. */
const LAMP_NAMES = new Set([
  ...Object.keys(STREETLIGHT_ATTRIBUTES),
  'feedbackLightCommand', 'targetLightCommand', 'defaultLightState', 'lampTypeId', 'numberOfLamps', 'switchOnCounter', 'operatingHours',
  'lightStateChange', 'targetLightCommandChange', 'dimmingFailure', 'relayFailure', 'controlGearCommFailure', 'lampPowerTooHigh', 'lampPowerTooLow',
  'lampVoltageTooHigh', 'lampVoltageTooLow', 'lampUnexpectedOn', 'cyclingFailure', 'absoluteLampPowerTooHigh', 'absoluteLampPowerTooLow',
]);
const CABINET_NAME = /^(total|phase[123]|neutral|voltagePhase|maxDemand|worst|average|frequency$|cabinetDoorOpen$)/;

/** Which entity type a TALQ name is evidence for, if it is not shared. */
export function evidenceOf(name: string): TargetType | undefined {
  if (SHARED_NAMES.has(name)) return undefined;
  if (LAMP_NAMES.has(name)) return 'Streetlight';
  if (CABINET_NAME.test(name)) return 'StreetlightControlCabinet';
  return undefined;
}

/** The mapping table of a target type. */
export function tableOf(type: TargetType): Record<string, Mapper> {
  return type === 'Streetlight' ? STREETLIGHT_ATTRIBUTES : CABINET_ATTRIBUTES;
}
