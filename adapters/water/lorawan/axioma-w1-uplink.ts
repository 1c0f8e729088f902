/**
 * Which Axioma Qalcosonic W1 frame an uplink is (the `axioma-qalcosonic-w1` codec): the alarm frame on
 * fPort 103; on fPort 100 a log frame when one of its layouts fits (axioma-w1-log.ts), else the 51-byte
 * 24 h frame (axioma-w1.ts). A 51-byte frame of version 1 could also be a log frame with 17 increments:
 * the log layouts are checked first, as a 24 h frame fits them only by a one-in-ten-million chance.
 */
import { FeedError } from '../../../src/ingest/types';
import { AXIOMA_W1_LENGTH, AXIOMA_W1_PORT, decodeAxiomaW1, type AxiomaW1Frame } from './axioma-w1';
import { AXIOMA_W1_ALARM_PORT, decodeAxiomaW1Alarm, readAxiomaW1Log, type AxiomaW1AlarmFrame, type AxiomaW1LogFrame } from './axioma-w1-log';

export type AxiomaW1Uplink = (AxiomaW1Frame & { layout: '24h' }) | AxiomaW1LogFrame | AxiomaW1AlarmFrame;

/**
 * Decodes any W1 uplink; a frame of no known layout → FeedError('decode', reason, 422).
 * @example decodeAxiomaW1Uplink(bytes, 100).volumeLitres // the index, litres (undefined for an alarm frame)
 */
export function decodeAxiomaW1Uplink(bytes: Uint8Array, fPort: number): AxiomaW1Uplink {
  if (fPort === AXIOMA_W1_ALARM_PORT) return decodeAxiomaW1Alarm(bytes);
  if (fPort !== AXIOMA_W1_PORT) {
    throw new FeedError('decode', `Axioma W1: unsupported fPort ${fPort} (data frames use ${AXIOMA_W1_PORT}, alarm frames ${AXIOMA_W1_ALARM_PORT})`, 422);
  }
  const log = readAxiomaW1Log(bytes);
  if ('frame' in log) return log.frame;
  const refuse = (what: string): never => {
    throw new FeedError('decode', `Axioma W1: ${what}`, 422);
  };
  if (log.ambiguous) refuse(`a ${bytes.length}-byte log frame refused rather than guessed: ${log.why}`);
  if (bytes.length !== AXIOMA_W1_LENGTH) refuse(`payload is ${bytes.length} bytes: not the ${AXIOMA_W1_LENGTH}-byte 24 h frame, nor a log frame (${log.why})`);
  try {
    return Object.assign(decodeAxiomaW1(bytes, fPort), { layout: '24h' as const });
  } catch (err) {
    if (err instanceof FeedError) refuse(`${err.message.replace(/^Axioma W1: /, '')}, nor a log frame (${log.why})`);
    throw err;
  }
}
