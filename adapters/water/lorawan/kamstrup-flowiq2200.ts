/**
 * Decoder of the Kamstrup flowIQ 2200 "OMS over LoRaWAN" uplink (configuration 02K73A…): the
 * LoRaWAN payload is an OMS / wireless M-Bus application layer (EN 13757-7 transport header, then
 * EN 13757-3 data records), unencrypted. Own implementation of the public layout; the example frames
 * of TheThingsNetwork/lorawan-devices `vendor/kamstrup/mbusparser.yaml` are the test vectors.
 *
 * | part            | content                                                                        |
 * |-----------------|--------------------------------------------------------------------------------|
 * | CI (1 byte)     | 0x78 no header; 0x7A short header (ACC, STS, 2-byte config); 0x72 long header  |
 * |                 | (id 4, manufacturer 2, version, device type, ACC, STS, config 2)               |
 * | records (1..n)  | DIF [DIFE…] VIF [VIFE…] data; DIF 0x2F is a filler, 0x0F/0x1F start           |
 * |                 | manufacturer data (end of the records)                                         |
 *
 * A config field with a security mode ≠ 0 (encrypted frame) is refused. What the reading uses:
 *
 * - index: the instantaneous volume record (VIF 0x10–0x17, 10^(n−6) m³, no VIFE) with the lowest
 *   storage number (the meter logs it at storage 1, on the hour or at midnight), in litres;
 * - time: the date/time record of the same storage number (VIF 0x6D type F, 4 bytes, or type I,
 *   6 bytes; VIF 0x6C type G date). Taken as UTC, as the vendor's published codec does, unless the
 *   device is registered with `meterClock: 'local'` (then a time of the territory's zone). A frame
 *   without a valid time falls back to the network reception time when the caller gives it;
 * - flags: the Kamstrup info code (VIF 0xFF, VIFE 0x25) bits 0 dry → pipeEmpty, 1 reverse →
 *   backflow, 2 leak, 3 burst, 5 low battery, 6 low ambient temperature → lowTemperature; bit 4
 *   tamper and bit 7 high ambient temperature have no flag (kept in `infoCode`). A frame without the
 *   info code record reports no flag (the stored alarm state is kept, not cleared);
 * - the hourly profile (LVAR record with VIFE 0x13, EN 13757-3 inverse compact profile) is decoded
 *   into `profile`, newest first, from the index of the same storage number.
 *
 * Frames with no volume record are refused with a 422 by the decoder; the installation frame (a
 * well-formed frame with neither a volume nor an info code: the configuration number) is told apart
 * by `kamstrupFlowIqNoReading`, so that it is acknowledged and ignored rather than refused.
 */
import { FeedError } from '../../../src/ingest/types';
import { zonedToUtc } from '../../../src/ingest/zoned-time';
import type { MeterFlags, MeterReading } from './types';

export const KAMSTRUP_FLOWIQ_PORT = 1;
/** LoRaWAN application payloads are at most 242 bytes (EU868 DR5). */
export const KAMSTRUP_FLOWIQ_MAX_LENGTH = 242;

/** One EN 13757-3 data record, as far as this decoder needs it. */
export interface MbusRecord {
  /** DIF data field code (low nibble). */
  dataField: number;
  /** 0 instantaneous, 1 maximum, 2 minimum, 3 value during error state. */
  functionField: number;
  storage: number;
  tariff: number;
  subUnit: number;
  /** VIF then VIFEs, extension bits included. */
  vib: number[];
  /** The data bytes (for LVAR: without the length byte). */
  data: Uint8Array;
}

/** One value of the hourly (or other spacing) profile, litres. */
export interface ProfilePoint {
  time: string;
  volumeLitres: number;
}

/** A decoded flowIQ 2200 frame. */
export interface KamstrupFlowIqFrame extends MeterReading {
  /** Current index in litres (always present in this frame). */
  volumeLitres: number;
  ci: number;
  /** Where `time` came from. */
  timeSource: 'meter' | 'network';
  storage: number;
  /** Kamstrup info code bits (undefined when the frame has none: no flag reported). */
  infoCode?: number;
  /** Older values from the inverse compact profile, newest first (excludes the index itself). */
  profile: ProfilePoint[];
  records: MbusRecord[];
}

const fail = (reason: string): never => {
  throw new FeedError('decode', `Kamstrup flowIQ 2200: ${reason}`, 422);
};

/** Bytes of the data of a DIF data field code (LVAR: undefined, read from the data). */
const SIZE: Record<number, number | undefined> = { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 6, 7: 8, 8: 0, 9: 1, 10: 2, 11: 3, 12: 4, 13: undefined, 14: 6 };
const isBcd = (dataField: number): boolean => dataField >= 9 && dataField <= 14 && dataField !== 13;

/** Transport header → index of the first record. */
function skipHeader(b: Uint8Array): number {
  const ci = b[0];
  let config: number;
  if (ci === 0x78) return 1;
  if (ci === 0x7a) {
    if (b.length < 5) fail(`short header truncated (${b.length} bytes)`);
    config = b[3] | (b[4] << 8);
  } else if (ci === 0x72) {
    if (b.length < 13) fail(`long header truncated (${b.length} bytes)`);
    config = b[11] | (b[12] << 8);
  } else {
    return fail(`unsupported CI field 0x${ci.toString(16).padStart(2, '0')} (expected 0x78, 0x7a or 0x72)`);
  }
  if ((config & 0x1f00) !== 0) fail(`encrypted frame (security mode ${(config >> 8) & 0x1f}) is not supported`);
  return ci === 0x7a ? 5 : 13;
}

/** Byte count of a non-profile LVAR by its length byte (EN 13757-3), or undefined if reserved. */
function lvarBytes(l: number): number | undefined {
  if (l <= 0xbf) return l;
  if (l <= 0xcf) return l - 0xc0;
  if (l <= 0xdf) return l - 0xd0;
  if (l <= 0xef) return l - 0xe0;
  if (l <= 0xf4) return 4 * (l - 0xec);
  return undefined;
}

/** The records of the application layer; truncated or unsupported structures → FeedError. */
export function parseRecords(b: Uint8Array, from: number): MbusRecord[] {
  const records: MbusRecord[] = [];
  let i = from;
  while (i < b.length) {
    const dif = b[i++];
    if (dif === 0x2f) continue;
    if (dif === 0x0f || dif === 0x1f) break; // manufacturer-specific data up to the end
    if ((dif & 0x0f) === 0x0f) fail(`unsupported special DIF 0x${dif.toString(16)} at byte ${i - 1}`);
    let storage = (dif >> 6) & 1;
    let tariff = 0;
    let subUnit = 0;
    let ext = dif;
    for (let n = 0; ext & 0x80; n++) {
      if (n === 10) fail(`more than 10 DIFEs at byte ${i}`);
      if (i >= b.length) fail('record truncated in its DIFEs');
      ext = b[i++];
      storage += (ext & 0x0f) * 2 ** (1 + 4 * n);
      tariff += ((ext >> 4) & 0x03) * 2 ** (2 * n);
      subUnit += ((ext >> 6) & 0x01) * 2 ** n;
    }
    if (i >= b.length) fail('record truncated before its VIF');
    const vib = [b[i++]];
    if ((vib[0] & 0x7f) === 0x7c) fail(`plain-text VIF at byte ${i - 1} is not supported`);
    while (vib[vib.length - 1] & 0x80) {
      if (vib.length === 11) fail(`more than 10 VIFEs at byte ${i}`);
      if (i >= b.length) fail('record truncated in its VIFEs');
      vib.push(b[i++]);
    }
    const dataField = dif & 0x0f;
    let size = SIZE[dataField];
    if (size === undefined) {
      if (i >= b.length) fail('record truncated before its LVAR');
      const l = b[i++];
      const isProfile = vib.length > 1 && (vib[1] & 0x7f) === 0x13;
      size = isProfile ? l : lvarBytes(l);
      if (size === undefined) fail(`reserved LVAR 0x${l.toString(16)} at byte ${i - 1}`);
    }
    if (i + (size as number) > b.length) fail(`record at byte ${i} needs ${size} data bytes, ${b.length - i} left`);
    records.push({ dataField, functionField: (dif >> 4) & 0x03, storage, tariff, subUnit, vib, data: b.subarray(i, i + (size as number)) });
    i += size as number;
  }
  return records;
}

const uint = (d: Uint8Array): number => d.reduce((v, x, k) => v + x * 2 ** (8 * k), 0);

/** An integer record value (type B signed, or BCD type A); undefined when marked invalid. */
function integer(r: MbusRecord): number | undefined {
  const d = r.data;
  if (isBcd(r.dataField)) {
    let v = 0;
    for (let k = d.length - 1; k >= 0; k--) {
      const hi = d[k] >> 4;
      const lo = d[k] & 0x0f;
      if (hi > 9 || lo > 9) return undefined;
      v = v * 100 + hi * 10 + lo;
    }
    return v;
  }
  if (r.dataField === 5 || d.length === 0 || d.length > 6) return undefined;
  const u = uint(d);
  const half = 2 ** (8 * d.length - 1);
  if (u === half) return undefined; // the "invalid" pattern of type B
  return u >= half ? u - 2 * half : u;
}

/**
 * Type F (4 bytes), type I (6 bytes) or type G (2 bytes) date → ISO UTC, undefined when invalid. The
 * date is read as UTC, or as a wall-clock time of `zone` (a meter set to local time; the type F/I
 * summer-time bit is not relied on, the zone's rules decide).
 */
export function mbusDate(d: Uint8Array, zone?: string): string | undefined {
  let sec = 0;
  let at = 0;
  if (d.length === 6) {
    sec = d[0] & 0x3f;
    at = 1;
  } else if (d.length !== 4 && d.length !== 2) return undefined;
  let min = 0;
  let hour = 0;
  let century = 0;
  if (d.length !== 2) {
    if (d[at] & 0x80) return undefined; // IV: time invalid
    min = d[at] & 0x3f;
    hour = d[at + 1] & 0x1f;
    century = (d[at + 1] >> 5) & 0x03;
    at += 2;
  }
  const day = d[at] & 0x1f;
  const month = d[at + 1] & 0x0f;
  const yy = ((d[at] >> 5) & 0x07) | ((d[at + 1] >> 4) << 3);
  // hundred-year field set: 1900 + 100·h + yy; otherwise the old convention (0–80 → 20yy)
  const year = century > 0 ? 1900 + 100 * century + yy : yy <= 80 ? 2000 + yy : 1900 + yy;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || min > 59 || sec > 59) return undefined;
  const t = Date.UTC(year, month - 1, day, hour, min, sec);
  if (new Date(t).getUTCDate() !== day) return undefined; // 31 February …
  return new Date(zone === undefined ? t : zonedToUtc(t, zone)).toISOString();
}

const isVolume = (r: MbusRecord): boolean => r.vib.length === 1 && r.vib[0] >= 0x10 && r.vib[0] <= 0x17;
const isInfoCode = (r: MbusRecord): boolean => r.vib.length === 2 && r.vib[0] === 0xff && r.vib[1] === 0x25;
const isProfileOf = (volume: MbusRecord) => (r: MbusRecord): boolean =>
  r.dataField === 13 && r.vib.length === 2 && r.vib[0] === (volume.vib[0] | 0x80) && r.vib[1] === 0x13 && r.storage === volume.storage;

/** Volume record value → litres (10^(n−3) L), rounded to whole litres. */
function litres(r: MbusRecord, raw: number): number {
  const v = Math.round(raw * 10 ** ((r.vib[0] & 0x07) - 3));
  if (!Number.isSafeInteger(v) || v < 0) fail(`volume ${raw} (VIF 0x${r.vib[0].toString(16)}) is out of range`);
  return v;
}

/** Kamstrup info code → our flags (bits 4 tamper, 7 high ambient temperature: no flag). */
export function kamstrupFlowIqFlags(info: number): MeterFlags {
  const bit = (n: number) => ((info >> n) & 1) === 1;
  return {
    pipeEmpty: bit(0),
    backflow: bit(1),
    leak: bit(2),
    burst: bit(3),
    lowBattery: bit(5),
    lowTemperature: bit(6),
    permanentError: false,
    temporaryError: false,
  };
}

const STEP_MS = [1000, 60_000, 3_600_000, 86_400_000];

/** The inverse compact profile (EN 13757-3 annex F) back from the index; stops at an invalid value. */
function profile(r: MbusRecord, baseRaw: number, volume: MbusRecord, baseTime: string): ProfilePoint[] {
  const d = r.data;
  if (d.length < 2) fail('profile record shorter than its 2-byte header');
  const size = d[0] & 0x0f;
  const unit = (d[0] >> 4) & 0x03;
  const mode = d[0] >> 6;
  const spacing = d[1];
  if (size < 1 || size > 4) fail(`profile element size ${size} is not 1–4`);
  if ((d.length - 2) % size !== 0) fail(`profile of ${d.length - 2} bytes is not a multiple of ${size}`);
  const points: ProfilePoint[] = [];
  if (spacing < 1 || spacing > 250) return points; // monthly/quarterly spacings: not decoded
  let raw = baseRaw;
  let t = Date.parse(baseTime);
  for (let at = 2; at < d.length; at += size) {
    const u = uint(d.subarray(at, at + size));
    const half = 2 ** (8 * size - 1);
    const invalid = mode === 3 ? u === half : u === 2 * half - 1;
    if (invalid) break;
    if (mode === 0) raw = u;
    else if (mode === 1) raw -= u; // increments: the older value is smaller
    else if (mode === 2) raw += u; // decrements
    else raw -= u >= half ? u - 2 * half : u; // signed differences
    t -= spacing * STEP_MS[unit];
    if (raw < 0) break;
    points.push({ time: new Date(t).toISOString(), volumeLitres: litres(volume, raw) });
  }
  return points;
}

/**
 * Decodes one frame; wrong fPort, length, header or no volume → FeedError('decode', reason, 422).
 * `receivedAt` (network time) is used only when the frame has no valid date for the index;
 * `clockZone`: the meter's clock is in that zone's local time (else UTC).
 * @example
 * const f = decodeKamstrupFlowIq(Buffer.from('78446d0020f32a4413ec00000052ff251000', 'hex'), 1);
 * f.volumeLitres; // 236
 * f.time;         // '2023-10-19T00:00:00.000Z'
 * f.infoCode;     // 0x10 (tamper: no flag)
 */
export function decodeKamstrupFlowIq(bytes: Uint8Array, fPort: number, receivedAt?: string, clockZone?: string): KamstrupFlowIqFrame {
  if (fPort !== KAMSTRUP_FLOWIQ_PORT) fail(`unsupported fPort ${fPort} (expected ${KAMSTRUP_FLOWIQ_PORT})`);
  if (bytes.length < 2 || bytes.length > KAMSTRUP_FLOWIQ_MAX_LENGTH) fail(`payload is ${bytes.length} bytes (expected 2–${KAMSTRUP_FLOWIQ_MAX_LENGTH})`);
  const records = parseRecords(bytes, skipHeader(bytes));
  const volumes = records.filter((r) => isVolume(r) && r.functionField === 0 && r.tariff === 0 && r.subUnit === 0);
  if (volumes.length === 0) fail('no volume record (installation or status frame without a reading)');
  const volume = volumes.reduce((a, r) => (r.storage < a.storage ? r : a));
  const raw = integer(volume);
  if (raw === undefined) fail('the volume record is marked invalid');
  const volumeLitres = litres(volume, raw as number);

  const dateRecord = records.find((r) => r.vib.length === 1 && (r.vib[0] === 0x6d || r.vib[0] === 0x6c) && r.storage === volume.storage && r.functionField === 0);
  const meterTime = dateRecord && mbusDate(dateRecord.data, clockZone);
  const network = receivedAt === undefined ? NaN : Date.parse(receivedAt);
  if (meterTime === undefined && Number.isNaN(network)) fail(`no valid date/time for the volume of storage ${volume.storage}`);
  const time = meterTime ?? new Date(network).toISOString();

  const info = records.find((r) => isInfoCode(r) && r.storage === volume.storage) ?? records.find(isInfoCode);
  const infoCode = info ? uint(info.data.subarray(0, 4)) : undefined;
  const profileRecord = records.find(isProfileOf(volume));
  return {
    time,
    volumeLitres,
    flags: infoCode === undefined ? {} : kamstrupFlowIqFlags(infoCode),
    ci: bytes[0],
    timeSource: meterTime === undefined ? 'network' : 'meter',
    storage: volume.storage,
    infoCode,
    profile: profileRecord && meterTime !== undefined ? profile(profileRecord, raw as number, volume, meterTime) : [],
    records,
  };
}

/**
 * Why a frame holds no reading while being well formed (the installation frame: the configuration
 * number, no volume, no info code), or undefined (a reading, or a frame the decoder refuses).
 * @example kamstrupFlowIqNoReading(Buffer.from('7258578853372c3c16d610080004ff16bf587000', 'hex'), 1) // 'Kamstrup flowIQ 2200: …'
 */
export function kamstrupFlowIqNoReading(bytes: Uint8Array, fPort: number): string | undefined {
  if (fPort !== KAMSTRUP_FLOWIQ_PORT || bytes.length < 2 || bytes.length > KAMSTRUP_FLOWIQ_MAX_LENGTH) return undefined;
  let records: MbusRecord[];
  try {
    records = parseRecords(bytes, skipHeader(bytes));
  } catch {
    return undefined; // the decoder says why
  }
  // any volume record (a profile without its base too: an error) or info code is something to read
  if (records.length === 0 || records.some((r) => (r.vib[0] & 0x78) === 0x10 || isInfoCode(r))) return undefined;
  const config = records.some((r) => r.vib.length === 2 && r.vib[0] === 0xff && r.vib[1] === 0x16);
  return `Kamstrup flowIQ 2200: ${config ? 'installation frame (configuration number)' : 'frame'} without a volume or info code: no reading`;
}
