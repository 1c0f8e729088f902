/**
 * LoRaWAN water meters → NGSI-LD (pure). One uplink gives the meter's WaterConsumptionObserved, its
 * Device and one episode mark per alarm kind the frame reports (leak, burst, backflow: raised or clear
 * at the frame's time), which the runtime turns into one SDM Alert per episode
 * (src/ingest/episodes.ts); a status event gives the Device. Everything is written in merge mode, so
 * attributes from other events (battery level) and the flags a frame does not report are kept by the
 * broker. See README.md "Alerts" and "Alarm flags a frame does not report".
 */
import type { DeviceInfo, Translation } from '../../../src/ingest/types';
import type { EpisodeMark } from '../../../src/ingest/episodes';
import type { Entity } from '../../../src/ngsi-ld/types';
import { CONTEXT, dateTime, point, property, relationship, urn } from '../ngsi';
import type { DeviceStatus, MeterReading, Reception, ReportedFlags, Uplink } from './types';

export type AlertKind = 'leak' | 'burst' | 'backflow';
export const ALERT_KINDS: readonly AlertKind[] = ['leak', 'burst', 'backflow'];

const SEVERITY: Record<AlertKind, string> = { leak: 'medium', burst: 'critical', backflow: 'high' };
const DESCRIPTION: Record<AlertKind, string> = {
  leak: 'Continuous flow (leak) reported by the water meter',
  burst: 'Burst (very high flow) reported by the water meter',
  backflow: 'Backflow reported by the water meter',
};

export const meterEntityId = (territory: string, meterId: string): string => urn('WaterConsumptionObserved', territory, meterId);
export const deviceEntityId = (territory: string, devEui: string): string => urn('Device', territory, devEui);
export const alertEntityId = (territory: string, meterId: string, kind: AlertKind): string => urn('Alert', territory, meterId, kind);

/** The gateway with the strongest signal (rssi, then snr). */
export function bestReception(rx: Reception[]): Reception | undefined {
  const score = (r: Reception) => [r.rssi ?? -Infinity, r.snr ?? -Infinity];
  return rx.reduce<Reception | undefined>((best, r) => {
    if (!best) return r;
    const [a, b] = [score(r), score(best)];
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) ? r : best;
  }, undefined);
}

/** Device states, the most serious first (the state written is the first raised). */
const STATES = ['permanentError', 'pipeEmpty', 'applicationError', 'temporaryError', 'alarm', 'lowBattery', 'busy'] as const;

/**
 * The device state the flags say: the most serious raised, else 'ok' when the frame reports one of
 * them clear (so that a cleared state does not stay), else undefined (the frame says nothing of it).
 */
export function deviceState(f: ReportedFlags): string | undefined {
  const raised = STATES.find((k) => f[k] === true);
  if (raised) return raised;
  return STATES.some((k) => f[k] === false) ? 'ok' : undefined;
}

/**
 * `alarmInProgress` (SDM: "one or more alarms are in progress"): 1 when a leak, burst, backflow or
 * an alarm of unsaid kind is raised; 0 when none is raised and the frame reports at least one of them
 * clear (a meter whose payload can only say leak is back to 0 when its leak clears: the kinds a frame
 * leaves out are ones its meter does not report); undefined when it says nothing of alarms.
 */
export function alarmInProgress(f: ReportedFlags): 0 | 1 | undefined {
  if (f.alarm === true || ALERT_KINDS.some((k) => f[k] === true)) return 1;
  return f.alarm === false || ALERT_KINDS.some((k) => f[k] === false) ? 0 : undefined;
}

/** The Device attributes every event carries (SDM Device; `deviceCategory`, since Alert owns the term `category`). */
function deviceBase(device: DeviceInfo, territory: string): Entity {
  const e: Entity = {
    id: deviceEntityId(territory, device.devEui),
    type: 'Device',
    deviceCategory: property(['meter']),
    controlledProperty: property(['waterConsumption']),
    supportedProtocol: property(['lora']),
    serialNumber: property(device.meterId),
  };
  if (device.location) e.location = point(device.location);
  return e;
}

/** The mark of one alarm kind at the frame's time: the Alert without its episode times (set by the runtime). */
function alertMark(kind: AlertKind, active: boolean, time: string, device: DeviceInfo, territory: string): EpisodeMark {
  const e: Entity = {
    id: alertEntityId(territory, device.meterId, kind),
    type: 'Alert',
    category: property('environment'),
    severity: property(SEVERITY[kind]),
    description: property(DESCRIPTION[kind]),
    alertSource: relationship(meterEntityId(territory, device.meterId)),
    data: property({ kind, meterId: device.meterId, devEui: device.devEui }),
  };
  if (kind === 'backflow') e.subCategory = property('waterPollution');
  if (device.location) e.location = point(device.location);
  return { entity: e, active, time, context: CONTEXT.alert };
}

/**
 * One decoded uplink → WaterConsumptionObserved + Device (merge mode) + one episode mark per alarm
 * kind the frame reports. Alarm attributes and marks are written only for the flags the frame
 * carries: a frame that says nothing of alarms leaves the stored ones (merge mode), as a frame
 * without an index leaves the stored index.
 * @example
 * const t = translateUplink(decodeAxiomaW1(bytes, 100), uplink, { devEui, meterId: 'W1-0001' }, 'eclor');
 * t.entities.map((e) => e.type); // ['WaterConsumptionObserved', 'Device']
 * t.episodes?.map((m) => m.active); // [false, false, false] (leak, burst, backflow)
 */
export function translateUplink(reading: MeterReading, uplink: Uplink, device: DeviceInfo, territory: string): Translation {
  const at = { observedAt: reading.time };
  const f = reading.flags;
  const meter: Entity = { id: meterEntityId(territory, device.meterId), type: 'WaterConsumptionObserved' };
  // a frame that only reports alarms leaves the stored index as it is (merge mode)
  if (reading.volumeLitres !== undefined) meter.waterConsumption = property(reading.volumeLitres, { unitCode: 'LTR', ...at });
  const alarm = alarmInProgress(f);
  if (alarm !== undefined) meter.alarmInProgress = property(alarm, at);
  if (f.leak !== undefined) meter.alarmFlowPersistence = property(f.leak ? 'In progress persistence' : 'Nothing to report', at);
  if (f.backflow !== undefined) meter.alarmWaterQuality = property(f.backflow ? 1 : 0, at);
  meter.refDevice = relationship(deviceEntityId(territory, device.devEui));
  if (device.location) meter.location = point(device.location);

  const dev = deviceBase(device, territory);
  dev.dateLastValueReported = dateTime(uplink.receivedAt);
  const state = deviceState(f);
  if (state !== undefined) dev.deviceState = property(state, at);
  const best = bestReception(uplink.receptions);
  if (best?.rssi !== undefined) dev.rssi = property(best.rssi, { unitCode: 'DBM', observedAt: uplink.receivedAt });
  if (best?.snr !== undefined) dev.snr = property(best.snr, { unitCode: '2N', observedAt: uplink.receivedAt });
  if (uplink.battery) dev.batteryLevel = property(uplink.battery.level, { observedAt: uplink.battery.time });

  const episodes = ALERT_KINDS.filter((k) => f[k] !== undefined).map((k) => alertMark(k, f[k] === true, reading.time, device, territory));
  return { entities: [meter, dev], ...(episodes.length > 0 ? { episodes } : {}), context: [CONTEXT.waterConsumption, CONTEXT.device, CONTEXT.alert], mode: 'merge' };
}

/**
 * A network-server status report → the Device with batteryLevel (0..1) and linkMargin (dB), merge
 * mode. `device` undefined: a device the registry and the tags do not describe, whose Device (the id
 * every uplink gives it, from the DevEUI) gets the battery and margin only, nothing that says it is
 * a meter.
 * @example translateStatus({ devEui, time, batteryLevel: 0.883, margin: 10 }, device, 'eclor')
 */
export function translateStatus(status: DeviceStatus, device: DeviceInfo | undefined, territory: string): Translation {
  const dev: Entity = device ? deviceBase(device, territory) : { id: deviceEntityId(territory, status.devEui), type: 'Device' };
  const at = { observedAt: status.time };
  if (status.batteryLevel !== undefined) dev.batteryLevel = property(status.batteryLevel, at);
  if (status.margin !== undefined) dev.linkMargin = property(status.margin, { unitCode: '2N', ...at });
  // on external power, a battery level read before no longer holds
  const remove = status.externalPower ? [{ id: String(dev.id), attribute: 'batteryLevel', context: CONTEXT.device }] : undefined;
  return { entities: [dev], context: [CONTEXT.device], mode: 'merge', ...(remove ? { remove } : {}) };
}
