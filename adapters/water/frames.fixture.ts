/**
 * ChirpStack v4 `up` events of an Axioma W1 meter (test support), built from the fixtures: the
 * reference 24 h frame with another meter time, log volume, status byte and reception time, and the
 * alarm frame (fPort 103).
 */
import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(__dirname, 'fixtures');
const event = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { data: string; time: string };

/**
 * The reference 24 h frame (log volume + 116 L of hourly history) as the meter sends it at `meterTime`.
 * @example axiomaDataEvent('2026-09-02T10:00:00Z', { status: 0x20 }) // a leak flagged at 10:00
 */
export function axiomaDataEvent(meterTime: string, o: { logLitres?: number; status?: number; receivedAt?: string } = {}): string {
  const e = event('chirpstack-up-axioma.input.json');
  const frame = Buffer.from(e.data, 'base64');
  frame.writeUInt32LE(Date.parse(meterTime) / 1000, 1);
  if (o.logLitres !== undefined) frame.writeUInt32LE(o.logLitres, 6);
  if (o.status !== undefined) frame[5] = o.status;
  e.data = frame.toString('base64');
  e.time = o.receivedAt ?? meterTime;
  return JSON.stringify(e);
}

/**
 * An alarm frame (fPort 103) with the meter's clock at `meterTime` and status byte `status`.
 * @example axiomaAlarmEvent('2026-09-02T10:30:00Z', 0xa0) // a burst
 */
export function axiomaAlarmEvent(meterTime: string, status: number): string {
  const e = event('chirpstack-up-axioma-alarm.input.json');
  const frame = Buffer.alloc(5);
  frame.writeUInt32LE(Date.parse(meterTime) / 1000, 0);
  frame[4] = status;
  e.data = frame.toString('base64');
  e.time = meterTime;
  return JSON.stringify(e);
}
