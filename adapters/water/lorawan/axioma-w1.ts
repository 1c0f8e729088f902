/**
 * Decoder of the Axioma Qalcosonic W1 "enhanced 24 h" uplink: fPort 100, 51 bytes, frame version 1.
 * Own implementation of the public layout (TheThingsNetwork/lorawan-devices vendor/axioma):
 *
 * | bytes  | field                                                                        |
 * |--------|------------------------------------------------------------------------------|
 * | 0      | frame version, 0x01                                                          |
 * | 1–4    | meter time, unix seconds, uint32 little-endian                               |
 * | 5      | status byte (flags below)                                                    |
 * | 6–9    | log volume, litres, uint32 LE (the index at the start of the history window) |
 * | 10–50  | 23 hourly deltas of 14 bits (litres), LSB-first bit stream, then 6 bits of   |
 * |        | history multiplier (0 on the meters seen; kept raw, not applied)             |
 *
 * Current volume = log volume + Σ deltas. Status flags: 0x04 low battery, 0x08 permanent error,
 * 0x10 temporary error (exactly 0x10: pipe empty), 0x60 both set: backflow, 0xA0 both set: burst,
 * 0x20 otherwise: leak, 0x80 otherwise: low temperature. The frame has no separate log time.
 */
import { FeedError } from '../../../src/ingest/types';
import type { MeterFlags, MeterReading } from './types';

export const AXIOMA_W1_PORT = 100;
export const AXIOMA_W1_LENGTH = 51;
export const AXIOMA_W1_DELTAS = 23;

/** A decoded enhanced 24 h frame (volumes in litres, the meter's native resolution, and in m³). */
export interface AxiomaW1Frame extends MeterReading {
  /** Current index in litres (always present in this frame). */
  volumeLitres: number;
  frameVersion: number;
  /** Meter time, unix seconds. */
  timestamp: number;
  status: number;
  logVolumeLitres: number;
  /** The 23 hourly consumptions after the log, oldest first, litres. */
  hourlyDeltasLitres: number[];
  historyMultiplier: number;
  currentVolumeM3: number;
  logVolumeM3: number;
  historyTotalM3: number;
}

/** Status byte → flags, per the Axioma layout (backflow and burst are two-bit patterns). */
export function axiomaW1Flags(status: number): MeterFlags {
  const backflow = (status & 0x60) === 0x60;
  const burst = (status & 0xa0) === 0xa0;
  return {
    leak: (status & 0x20) !== 0 && !backflow && !burst,
    burst,
    backflow,
    lowBattery: (status & 0x04) !== 0,
    permanentError: (status & 0x08) !== 0,
    temporaryError: (status & 0x10) !== 0,
    lowTemperature: (status & 0x80) !== 0 && !burst,
    pipeEmpty: status === 0x10,
  };
}

/** Unsigned 32-bit little-endian integer at `at`. */
export const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** `length` bits (≤ 31) starting at bit `bit` of the LSB-first stream beginning at byte `from`. */
function bits(b: Uint8Array, from: number, bit: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) {
    const p = bit + i;
    if ((b[from + (p >> 3)] >> (p & 7)) & 1) v |= 1 << i;
  }
  return v;
}

/**
 * Decodes one frame; wrong fPort, length or version → FeedError('decode', reason, 422).
 * @example
 * const f = decodeAxiomaW1(Buffer.from('01aeac986a0032170000…', 'hex'), 100);
 * f.currentVolumeM3; // 6.054
 * f.time;            // '2026-09-02T23:09:34.000Z'
 */
export function decodeAxiomaW1(bytes: Uint8Array, fPort: number): AxiomaW1Frame {
  if (fPort !== AXIOMA_W1_PORT) throw new FeedError('decode', `Axioma W1: unsupported fPort ${fPort} (expected ${AXIOMA_W1_PORT})`, 422);
  if (bytes.length !== AXIOMA_W1_LENGTH) {
    throw new FeedError('decode', `Axioma W1: payload is ${bytes.length} bytes (the enhanced 24 h frame has ${AXIOMA_W1_LENGTH})`, 422);
  }
  if (bytes[0] !== 0x01) throw new FeedError('decode', `Axioma W1: unsupported frame version 0x${bytes[0].toString(16).padStart(2, '0')}`, 422);
  const timestamp = u32(bytes, 1);
  const status = bytes[5];
  const logVolumeLitres = u32(bytes, 6);
  const hourlyDeltasLitres = Array.from({ length: AXIOMA_W1_DELTAS }, (_, i) => bits(bytes, 10, i * 14, 14));
  const historyLitres = hourlyDeltasLitres.reduce((a, d) => a + d, 0);
  const volumeLitres = logVolumeLitres + historyLitres;
  return {
    time: new Date(timestamp * 1000).toISOString(),
    volumeLitres,
    flags: axiomaW1Flags(status),
    frameVersion: bytes[0],
    timestamp,
    status,
    logVolumeLitres,
    hourlyDeltasLitres,
    historyMultiplier: bits(bytes, 10, AXIOMA_W1_DELTAS * 14, 6),
    currentVolumeM3: volumeLitres / 1000,
    logVolumeM3: logVolumeLitres / 1000,
    historyTotalM3: historyLitres / 1000,
  };
}
