/**
 * The other Axioma Qalcosonic W1 uplinks, besides the 51-byte 24 h frame of axioma-w1.ts: the log
 * frames a meter sends when configured for them, and the alarm frame. Own implementation of the
 * layouts as public decoders read them (TheThingsNetwork/lorawan-devices `vendor/axioma`, diwise
 * iot-agent), checked on frames of meters in service. All integers little-endian, volumes in litres.
 *
 * Log frame, fPort 100, 17 + 2n bytes:
 *
 * | bytes  | field                                                                      |
 * |--------|----------------------------------------------------------------------------|
 * | 0–3    | meter time, unix seconds                                                   |
 * | 4      | status byte (the flags of axioma-w1.ts)                                    |
 * | 5–8    | current volume (the index at the meter time)                               |
 * | 9–12   | log time, unix seconds (start of the logged history)                       |
 * | 13–16  | log volume (the index at the log time)                                     |
 * | 17…    | n volume increments, uint16, one per log interval after the log time       |
 *
 * The same with the water temperature, 19 + 2n bytes: bytes 9–10 are the temperature in hundredths
 * of a degree Celsius (int16), and the log time, log volume and increments follow, two bytes later.
 * The log interval is a meter setting (an hour on the meters seen, 20 minutes in one vendor codec),
 * so the increments are kept as they are, without times. A last odd byte is padding and is ignored.
 *
 * The frame does not say which of the two layouts it has. The one used is the one whose log time lies
 * within LOG_WINDOW_S before the meter time and whose log volume is not above the current volume: read
 * with the wrong layout, those four bytes are a random time (for a frame of the other layout, the
 * chance of fitting both is about one in ten million). A frame that fits neither, or both, is refused.
 *
 * Alarm frame, fPort 103, 5 bytes: meter time (bytes 0–3) and the status byte (byte 4), sent when an
 * alarm occurs, between the data frames. It carries no volume. Bits 0x01 and 0x02 have no meaning in the status byte;
 * one public decoder reads the alarm byte with another table that uses them, so a frame with either bit
 * is refused rather than read as "no alarm".
 */
import { FeedError } from '../../../src/ingest/types';
import { axiomaW1Flags, u32 } from './axioma-w1';
import type { MeterReading } from './types';

export const AXIOMA_W1_ALARM_PORT = 103;
export const AXIOMA_W1_ALARM_LENGTH = 5;
/** Header bytes of the log frame without and with the temperature. */
export const AXIOMA_W1_LOG_HEADER = 17;
export const AXIOMA_W1_LOG_T_HEADER = 19;
/** How long before the meter time a log time may lie: 31 days (15 daily increments fit). */
export const LOG_WINDOW_S = 31 * 86_400;

/** A decoded log frame. */
export interface AxiomaW1LogFrame extends MeterReading {
  layout: 'log' | 'log-temperature';
  /** Current volume, litres. */
  volumeLitres: number;
  /** Meter time, unix seconds. */
  timestamp: number;
  status: number;
  /** Water temperature, °C (the layout with the temperature only). */
  temperatureC?: number;
  /** Log time, unix seconds, and as ISO 8601 UTC. */
  logTimestamp: number;
  logTime: string;
  logVolumeLitres: number;
  /** Volume increments after the log time, one per log interval, oldest first, litres. */
  incrementsLitres: number[];
}

/** A decoded alarm frame: flags at the meter time, no volume. */
export interface AxiomaW1AlarmFrame extends MeterReading {
  layout: 'alarm';
  timestamp: number;
  status: number;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const fail = (reason: string): never => {
  throw new FeedError('decode', `Axioma W1: ${reason}`, 422);
};

/** The frame read with the header of `header` bytes, or undefined when its log time or volume do not fit. */
function readLog(b: Uint8Array, header: number): AxiomaW1LogFrame | undefined {
  if (b.length < header) return undefined;
  const timestamp = u32(b, 0);
  const volumeLitres = u32(b, 5);
  const logTimestamp = u32(b, header - 8);
  const logVolumeLitres = u32(b, header - 4);
  if (logTimestamp > timestamp || timestamp - logTimestamp > LOG_WINDOW_S || logVolumeLitres > volumeLitres) return undefined;
  const incrementsLitres: number[] = [];
  for (let at = header; at + 1 < b.length; at += 2) incrementsLitres.push(b[at] | (b[at + 1] << 8));
  const frame: AxiomaW1LogFrame = {
    layout: header === AXIOMA_W1_LOG_HEADER ? 'log' : 'log-temperature',
    time: iso(timestamp),
    volumeLitres,
    flags: axiomaW1Flags(b[4]),
    timestamp,
    status: b[4],
    logTimestamp,
    logTime: iso(logTimestamp),
    logVolumeLitres,
    incrementsLitres,
  };
  if (header === AXIOMA_W1_LOG_T_HEADER) frame.temperatureC = (((b[9] | (b[10] << 8)) << 16) >> 16) / 100;
  return frame;
}

/**
 * A log frame (fPort 100) if exactly one layout fits; else why not (`ambiguous`: both fit).
 * @example
 * const r = readAxiomaW1Log(bytes);
 * if ('frame' in r) r.frame.volumeLitres; // the index at r.frame.time
 */
export function readAxiomaW1Log(bytes: Uint8Array): { frame: AxiomaW1LogFrame } | { why: string; ambiguous?: true } {
  if (bytes.length < AXIOMA_W1_LOG_HEADER) return { why: `a log frame has at least ${AXIOMA_W1_LOG_HEADER} bytes` };
  const plain = readLog(bytes, AXIOMA_W1_LOG_HEADER);
  const withT = readLog(bytes, AXIOMA_W1_LOG_T_HEADER);
  if (plain && withT) return { why: 'it fits both log layouts, with and without the temperature', ambiguous: true };
  if (plain || withT) return { frame: (plain ?? withT)! };
  return { why: `in either layout, its log time is not within ${LOG_WINDOW_S / 86_400} days before its meter time, or its log volume is above its current volume` };
}

/**
 * Decodes an alarm frame (fPort 103, 5 bytes); anything else → FeedError('decode', reason, 422).
 * @example decodeAxiomaW1Alarm(Uint8Array.of(0x00, 0x2f, 0x9a, 0x6a, 0x20)).flags.leak // true
 */
export function decodeAxiomaW1Alarm(bytes: Uint8Array): AxiomaW1AlarmFrame {
  if (bytes.length !== AXIOMA_W1_ALARM_LENGTH) fail(`alarm frame (fPort ${AXIOMA_W1_ALARM_PORT}) is ${bytes.length} bytes (expected ${AXIOMA_W1_ALARM_LENGTH})`);
  const status = bytes[4];
  if (status & 0x03) fail(`alarm frame with status 0x${status.toString(16).padStart(2, '0')}: bits 0x01 and 0x02 are not in the status layout`);
  const timestamp = u32(bytes, 0);
  return { layout: 'alarm', time: iso(timestamp), flags: axiomaW1Flags(status), timestamp, status };
}
