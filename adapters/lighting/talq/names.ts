/**
 * TALQ attribute and event names: which entity type a name is evidence for, and the canonical
 * spelling of a name as gateways write it. Log data carry no function type (only
 * `{deviceAddress}/{functionId}`, with vendor-chosen function ids), so the name decides:
 * LampActuator / LampMonitor / DALI luminaire names → `Streetlight`; ElectricalMeter /
 * CabinetMonitor / SegmentMonitor names → `StreetlightControlCabinet`; shared names follow the other
 * data of the same device in the report.
 *
 * Names of earlier 2.x versions are listed too (deprecated, still sent by 2.2 – 2.6 gateways):
 * `absolutLampPowerTooHigh/Low` (2.3), `controlGearComFailure`, BasicFunction `location`,
 * `cabinetDoorOpen` (Basic 2.4, SegmentMonitor 2.6), LampMonitor `temperature` / `highTemperature` (2.4).
 */

export type TargetType = 'Streetlight' | 'StreetlightControlCabinet';

/** Names luminaire and cabinet controllers share: they follow the device's other data. */
export const SHARED_NAMES = new Set([
  'supplyVoltage', 'location', 'installationDate', 'displayName', 'serial', 'impactDetected', 'notInProperPosition', 'orientationChanged',
  'locationChanged', 'leakageDetected', 'supplyLoss', 'supplyLossCount', 'supplyVoltageTooHigh', 'supplyVoltageTooLow', 'powerFactorTooLow',
  'contactorError', 'applicationType', 'temperature',
]);

/** Names only luminaire controllers report (LampActuator, LampMonitor, DALI control gear / light source). */
const LAMP_NAMES = new Set([
  'actualLightState', 'feedbackLightCommand', 'targetLightCommand', 'defaultLightState', 'lightStateChange', 'targetLightCommandChange',
  'lampTypeId', 'numberOfLamps', 'switchOnCounter', 'operatingHours', 'activePower', 'activeEnergy', 'reactivePower', 'apparentPower',
  'supplyCurrent', 'powerFactor', 'powerFactorSense', 'lampFailure', 'dimmingFailure', 'relayFailure', 'controlGearCommFailure',
  'controlGearComFailure', 'lampPowerTooHigh', 'lampPowerTooLow', 'lampVoltageTooHigh', 'lampVoltageTooLow', 'lampUnexpectedOn',
  'cyclingFailure', 'absoluteLampPowerTooHigh', 'absoluteLampPowerTooLow', 'absolutLampPowerTooHigh', 'absolutLampPowerTooLow',
  'currentTooHigh', 'currentTooLow', 'highTemperature', 'invalidLampType', 'invalidCalendar', 'invalidProgram', 'programChange',
  'calendarChange', 'cloEnabled', 'standbyMode', 'maintenanceFactor', 'lampOn', 'actualLevel', 'controlGearFailure',
]);
const LAMP_NAME = /^(controlGear|lightSource|luminaire)/;
const CABINET_NAME = /^(total|phase[123]|neutral|voltagePhase|maxDemand|worst|average|powerfactor|frequency$|cabinetDoorOpen$|localOverride$|switchingError|circuitBreakerTripped$|segmentReference$|numberOfLoads$)/;

/** Which entity type a TALQ name is evidence for, if it is not shared. */
export function evidenceOf(name: string): TargetType | undefined {
  if (SHARED_NAMES.has(name)) return undefined;
  if (LAMP_NAMES.has(name) || LAMP_NAME.test(name)) return 'Streetlight';
  if (CABINET_NAME.test(name)) return 'StreetlightControlCabinet';
  return undefined;
}

/**
 * The canonical spelling of names: a qualified name (`LampMonitorFunction.activePower`,
 * `lampMonitor1/activePower`) loses its qualifier; a name known in another case (`ActivePower`)
 * takes the TALQ case. Exact names win (`powerfactorTooLow` and `powerFactorTooLow` both exist).
 *
 * @param known the names the mapping knows, besides the evidence lists.
 * @example
 * canonicalNames(['activePower'])('LampMonitorFunction.ActivePower'); // 'activePower'
 */
export function canonicalNames(known: Iterable<string>): (raw: string) => string {
  const exact = new Set([...SHARED_NAMES, ...LAMP_NAMES, ...known]);
  const byLower = new Map<string, string>();
  for (const n of exact) if (!byLower.has(n.toLowerCase())) byLower.set(n.toLowerCase(), n);
  return (raw) => {
    const name = raw.trim().replace(/^.*[./]/, '') || raw.trim();
    return exact.has(name) ? name : (byLower.get(name.toLowerCase()) ?? name);
  };
}
