/** Shared types of the LoRaWAN water-meter path: what codecs produce and what the network parsers hand over. */

/** Alarm and status flags a meter reports, normalized across codecs. */
export interface MeterFlags {
  leak: boolean;
  burst: boolean;
  backflow: boolean;
  lowBattery: boolean;
  permanentError: boolean;
  temporaryError: boolean;
  lowTemperature: boolean;
  pipeEmpty: boolean;
  /** An alarm whose kind the frame does not say (OMS status "abnormal condition / alarm"). */
  alarm?: boolean;
  /** OMS status "application error". */
  applicationError?: boolean;
  /** OMS status "application busy". */
  busy?: boolean;
}

/**
 * The flags one frame reports: a flag left out is one the frame says nothing about (a decoded
 * payload without alarm fields, a flowIQ frame without its info code), so what the broker holds of
 * it is kept; only a frame that carries a flag may clear it.
 */
export type ReportedFlags = Partial<MeterFlags>;

/** A decoded meter frame, the input of the translator, whatever the codec. */
export interface MeterReading {
  /**
   * The meter's own clock, ISO 8601 UTC. Only a codec whose frame carries no valid time may use the
   * network reception time it is given (the Kamstrup flowIQ codec; the Axioma W1 never does).
   */
  time: string;
  /** Current index in litres; absent from a frame that only reports alarms (the Axioma W1 alarm frame). */
  volumeLitres?: number;
  flags: ReportedFlags;
}

/**
 * A payload codec: bytes of one fPort → reading; throws FeedError('decode', …, 422) on frames it cannot read.
 * `receivedAt` (network time, ISO 8601) is the fallback time for frames without a meter clock;
 * `clockZone` (an IANA zone) is the zone of a calendar date/time the frame carries without one
 * (a meter set to local time), absent for UTC.
 */
export interface Codec {
  name: string;
  decode(bytes: Uint8Array, fPort: number, receivedAt?: string, clockZone?: string): MeterReading;
  /**
   * Why a well-formed frame holds no reading to translate (the flowIQ installation frame), or
   * undefined: such a frame is acknowledged and ignored rather than refused by `decode`.
   */
  noReading?(bytes: Uint8Array, fPort: number): string | undefined;
}

/** One gateway's reception of an uplink. */
export interface Reception {
  rssi?: number;
  snr?: number;
}

/** What the network-server parsers (ChirpStack, TTS) extract before translation. */
export interface Uplink {
  devEui: string;
  /** Undefined when the message does not give it (with a payload: a data frame of unknown port). */
  fPort: number | undefined;
  bytes: Uint8Array;
  /** Network reception time, ISO 8601 UTC. */
  receivedAt: string;
  receptions: Reception[];
  /**
   * What the network server decoded with the device profile's codec (ChirpStack `object`, TTS
   * `decoded_payload`), read only when no built-in codec applies; `from` names it in errors.
   */
  decoded?: { from: string; value: unknown };
  /** TTS `normalized_payload` (LoRaWAN Device Repository schema), read only when no built-in codec applies. */
  normalized?: unknown;
  /** The battery level the network server last learnt (TTS `last_battery_percentage`), 0..1, and when. */
  battery?: { level: number; time: string };
}

/** A device status report (battery, link margin) from the network server. */
export interface DeviceStatus {
  devEui: string;
  time: string;
  /** 0..1, or -1 when the device cannot measure it (SDM Device.batteryLevel). Absent on external power. */
  batteryLevel?: number;
  /** The device runs on external power: a stored battery level no longer holds. */
  externalPower?: true;
  /** Demodulation margin of the last DevStatusAns, dB. */
  margin?: number;
}
