/**
 * The LoRaWAN translator's alarm state: only the flags a frame reports are written (alarm attributes,
 * device state, episode marks); a frame that says nothing of alarms keeps what the broker holds.
 */
import type { DeviceInfo } from '../../../src/ingest/types';
import { alarmInProgress, deviceState, translateUplink } from './translate';
import type { ReportedFlags, Uplink } from './types';

const device: DeviceInfo = { devEui: '0101010101010101', meterId: 'W1-0001' };
const uplink: Uplink = { devEui: device.devEui, fPort: 1, bytes: new Uint8Array(), receivedAt: '2026-09-03T00:00:05.000Z', receptions: [] };
const at = '2026-09-03T00:00:00.000Z';
const translate = (flags: ReportedFlags, reading: { volumeLitres?: number } = { volumeLitres: 1000 }) => translateUplink({ time: at, ...reading, flags }, uplink, device, 'demo');
const none = { leak: false, burst: false, backflow: false, lowBattery: false, permanentError: false, temporaryError: false, lowTemperature: false, pipeEmpty: false };

test('a frame that reports no flag writes the index only: no alarm attribute, no device state, no episode mark', () => {
  const t = translate({});
  expect(Object.keys(t.entities[0])).toEqual(['id', 'type', 'waterConsumption', 'refDevice']);
  expect(t.entities[1].deviceState).toBeUndefined();
  expect(t.episodes).toBeUndefined();
});

test('a frame that reports every flag clear clears them all', () => {
  const t = translate(none);
  expect(t.entities[0]).toMatchObject({ alarmInProgress: { value: 0 }, alarmFlowPersistence: { value: 'Nothing to report' }, alarmWaterQuality: { value: 0 } });
  expect(t.entities[1].deviceState).toMatchObject({ value: 'ok', observedAt: at });
  expect(t.episodes?.map((m) => [m.entity.id, m.active])).toEqual([
    ['urn:ngsi-ld:Alert:demo:W1-0001:leak', false],
    ['urn:ngsi-ld:Alert:demo:W1-0001:burst', false],
    ['urn:ngsi-ld:Alert:demo:W1-0001:backflow', false],
  ]);
});

test('one flag reported: its attribute and mark only', () => {
  const t = translate({ leak: false });
  expect(t.entities[0].alarmFlowPersistence).toMatchObject({ value: 'Nothing to report' });
  expect(t.entities[0].alarmInProgress).toMatchObject({ value: 0 }); // a meter that can only say leak is not left in alarm
  expect(t.entities[0].alarmWaterQuality).toBeUndefined();
  expect(t.episodes?.map((m) => m.entity.id)).toEqual(['urn:ngsi-ld:Alert:demo:W1-0001:leak']);
  expect(translate({ burst: true }).entities[0].alarmInProgress).toMatchObject({ value: 1 });
});

test('an alarm of unsaid kind (OMS status 11): alarmInProgress 1, device state alarm, no Alert opened or closed', () => {
  const t = translate({ alarm: true, busy: false, applicationError: false, lowBattery: false, permanentError: false, temporaryError: false });
  expect(t.entities[0].alarmInProgress).toMatchObject({ value: 1 });
  expect(t.entities[1].deviceState).toMatchObject({ value: 'alarm' });
  expect(t.episodes).toBeUndefined();
});

test.each([
  [{}, undefined],
  [{ leak: true }, 1],
  [{ alarm: true }, 1],
  [{ alarm: false }, 0],
  [{ leak: false, burst: false, backflow: false }, 0],
  [{ leak: false, burst: false }, 0],
  [{ leak: false, burst: true }, 1],
  [{ busy: true }, undefined],
])('alarmInProgress of %j → %s', (flags, value) => {
  expect(alarmInProgress(flags)).toBe(value);
});

test.each([
  [{}, undefined],
  [{ leak: true }, undefined], // an alarm kind says nothing of the device
  [{ lowBattery: false }, 'ok'],
  [none, 'ok'],
  [{ ...none, lowBattery: true, temporaryError: true }, 'temporaryError'],
  [{ ...none, lowBattery: true, alarm: true }, 'alarm'],
  [{ lowBattery: true, busy: true }, 'lowBattery'],
  [{ busy: true }, 'busy'],
  [{ applicationError: true, temporaryError: true }, 'applicationError'],
  [{ pipeEmpty: true, permanentError: true }, 'permanentError'],
])('deviceState of %j → %s', (flags, state) => {
  expect(deviceState(flags)).toBe(state);
});

test('an alarm-only frame (no index) keeps the stored index and writes its flags', () => {
  const t = translate({ ...none, burst: true }, {});
  expect(t.entities[0].waterConsumption).toBeUndefined();
  expect(t.entities[0].alarmInProgress).toMatchObject({ value: 1 });
});
