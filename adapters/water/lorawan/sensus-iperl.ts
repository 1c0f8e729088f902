/**
 * Decoder of the Sensus iPERL LoRaWAN uplink (OMS application layer over LoRaWAN, as the LoRaWAN
 * Device Repository's `vendor/sensus/iperl-codec.yaml` documents it). Own implementation; the
 * EN 13757-3 records are read by the parser of the Kamstrup flowIQ module (same standard).
 *
 * | part            | content                                                                        |
 * |-----------------|--------------------------------------------------------------------------------|
 * | CI (1 byte)     | 0x7A short header: access number, status (STS), 2-byte configuration;          |
 * |                 | 0x72 long header: id 4, manufacturer 2, version, device type, ACC, STS, config |
 * |                 | 0x78 no header (no status byte)                                                |
 * | records (1..n)  | DIF [DIFE…] VIF [VIFE…] data, e.g. `84 04 13 <4 bytes>` the volume (storage 8, |
 * |                 | 10⁻³ m³ = litres), `84 04 6D <type F>` its date/time, `8D 04 93 13 <LVAR>` the |
 * |                 | hourly inverse compact profile (not used here)                                 |
 *
 * What the reading uses:
 * - index: the volume record (VIF 0x10–0x17, no VIFE, instantaneous, tariff 0) of the lowest storage
 *   number, in litres;
 * - time: the date/time record (type F or I; type G date) of that storage, taken as UTC as the
 *   vendor's published codec does (2024-06-19 13:42 → 1718804520), or as a time of the territory's
 *   zone for a device registered with `meterClock: 'local'`; without one, the network time;
 * - flags: the OMS status byte (EN 13757-7): bits 1–0 the application status, 00 no error (no
 *   alarm: leak, burst and backflow clear), 01 busy → `busy`, 10 application error →
 *   `applicationError`, 11 abnormal condition / alarm → `alarm` (an alarm whose kind the byte does
 *   not say: no leak/burst/backflow flag is raised, nor cleared); bit 2 power low → lowBattery,
 *   bit 3 permanent error, bit 4 temporary error; the manufacturer bits 5–7 are kept in `status`
 *   only. A frame without the byte (CI 0x78) reports no flag.
 *
 * The fPort is not fixed by the public documentation (its example uses 20): any application port
 * 1–223 is read, the frame being self-describing. Encrypted frames (security mode ≠ 0), frames
 * without a volume record and truncated records are refused with a 422.
 */
import { FeedError } from '../../../src/ingest/types';
import { mbusDate, parseRecords, type MbusRecord } from './kamstrup-flowiq2200';
import type { MeterReading, ReportedFlags } from './types';

/** LoRaWAN application payloads are at most 242 bytes (EU868 DR5). */
export const SENSUS_IPERL_MAX_LENGTH = 242;

/** A decoded iPERL frame. */
export interface SensusIperlFrame extends MeterReading {
  /** Current index in litres (always present in this frame). */
  volumeLitres: number;
  ci: number;
  /** OMS status byte (undefined without a header: CI 0x78). */
  status?: number;
  storage: number;
  timeSource: 'meter' | 'network';
  records: MbusRecord[];
}

const fail = (reason: string): never => {
  throw new FeedError('decode', `Sensus iPERL: ${reason}`, 422);
};

/** Transport header → { first record index, status byte (none without a header) }. */
function header(b: Uint8Array): { from: number; status?: number } {
  const ci = b[0];
  if (ci === 0x78) return { from: 1 };
  const long = ci === 0x72;
  if (ci !== 0x7a && !long) fail(`unsupported CI field 0x${ci.toString(16).padStart(2, '0')} (expected 0x7a, 0x72 or 0x78)`);
  const size = long ? 13 : 5;
  if (b.length < size) fail(`${long ? 'long' : 'short'} header truncated (${b.length} bytes)`);
  const config = b[size - 2] | (b[size - 1] << 8);
  if ((config & 0x1f00) !== 0) fail(`encrypted frame (security mode ${(config >> 8) & 0x1f}) is not supported`);
  return { from: size, status: b[size - 3] };
}

/**
 * OMS status byte → our flags. Bits 1–0: 00 no error (no alarm: leak, burst, backflow clear), 01
 * busy, 10 application error (busy or in error, the meter says nothing of its alarms), 11 an alarm
 * of unsaid kind (leak, burst and backflow left unknown); bits 2–4 power low, permanent error,
 * temporary error; manufacturer bits 5–7: no flag.
 * @example omsStatusFlags(0x03).alarm // true
 */
export function omsStatusFlags(status: number): ReportedFlags {
  const bit = (n: number) => ((status >> n) & 1) === 1;
  const app = status & 0x03;
  const flags: ReportedFlags = { busy: app === 1, applicationError: app === 2, lowBattery: bit(2), permanentError: bit(3), temporaryError: bit(4), lowTemperature: false, pipeEmpty: false };
  if (app === 0) return { ...flags, alarm: false, leak: false, burst: false, backflow: false };
  return app === 3 ? { ...flags, alarm: true } : flags;
}

/** The EN 13757-3 records (shared parser), its errors named for this codec. */
function recordsOf(b: Uint8Array, from: number): MbusRecord[] {
  try {
    return parseRecords(b, from);
  } catch (err) {
    if (err instanceof FeedError) fail(err.message.replace(/^Kamstrup flowIQ 2200: /, ''));
    throw err;
  }
}

const isVolume = (r: MbusRecord): boolean =>
  r.vib.length === 1 && r.vib[0] >= 0x10 && r.vib[0] <= 0x17 && r.functionField === 0 && r.tariff === 0 && r.subUnit === 0;

/** Unsigned integer or BCD value; undefined when marked invalid or not an integer type. */
function value(r: MbusRecord): number | undefined {
  const d = r.data;
  if (r.dataField >= 9 && r.dataField <= 14 && r.dataField !== 13) {
    let v = 0;
    for (let k = d.length - 1; k >= 0; k--) {
      if (d[k] >> 4 > 9 || (d[k] & 0x0f) > 9) return undefined;
      v = v * 100 + (d[k] >> 4) * 10 + (d[k] & 0x0f);
    }
    return v;
  }
  if (r.dataField < 1 || r.dataField > 7 || r.dataField === 5 || d.length > 6) return undefined;
  const u = d.reduce((acc, x, k) => acc + x * 2 ** (8 * k), 0);
  const half = 2 ** (8 * d.length - 1);
  if (u === half) return undefined; // type B "invalid"
  return u >= half ? u - 2 * half : u;
}

/**
 * Decodes one frame; anything it cannot read → FeedError('decode', reason, 422). `clockZone`: the
 * meter's clock is in that zone's local time (else UTC).
 * @example
 * const f = decodeSensusIperl(Buffer.from('7a06040000' + '8404133a1c7e01' + '84046d2a2d1336', 'hex'), 20);
 * f.volumeLitres; // 25041978
 * f.time;         // '2024-06-19T13:42:00.000Z'
 */
export function decodeSensusIperl(bytes: Uint8Array, fPort: number, receivedAt?: string, clockZone?: string): SensusIperlFrame {
  if (fPort < 1 || fPort > 223) fail(`unsupported fPort ${fPort} (expected an application port 1–223)`);
  if (bytes.length < 2 || bytes.length > SENSUS_IPERL_MAX_LENGTH) fail(`payload is ${bytes.length} bytes (expected 2–${SENSUS_IPERL_MAX_LENGTH})`);
  const { from, status } = header(bytes);
  const records = recordsOf(bytes, from);
  const volumes = records.filter(isVolume);
  if (volumes.length === 0) fail('no volume record');
  const volume = volumes.reduce((a, r) => (r.storage < a.storage ? r : a));
  const raw = value(volume);
  if (raw === undefined) fail('the volume record is marked invalid or not an integer');
  const volumeLitres = Math.round((raw as number) * 10 ** ((volume.vib[0] & 0x07) - 3));
  if (!Number.isSafeInteger(volumeLitres) || volumeLitres < 0) fail(`volume ${raw} (VIF 0x${volume.vib[0].toString(16)}) is out of range`);

  const dateRecord = records.find((r) => r.vib.length === 1 && (r.vib[0] === 0x6d || r.vib[0] === 0x6c) && r.storage === volume.storage && r.functionField === 0);
  const meterTime = dateRecord && mbusDate(dateRecord.data, clockZone);
  const network = receivedAt === undefined ? NaN : Date.parse(receivedAt);
  if (meterTime === undefined && Number.isNaN(network)) fail(`no valid date/time for the volume of storage ${volume.storage}`);
  return {
    time: meterTime ?? new Date(network).toISOString(),
    volumeLitres,
    flags: status === undefined ? {} : omsStatusFlags(status),
    ci: bytes[0],
    status,
    storage: volume.storage,
    timeSource: meterTime === undefined ? 'network' : 'meter',
    records,
  };
}
