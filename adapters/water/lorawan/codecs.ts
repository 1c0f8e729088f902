/**
 * The payload codec registry (name → decoder) and how a device's codec is chosen: the territory
 * registry's `codec` first, then what the network server says (a ChirpStack device tag `codec`, or
 * TTS `version_ids` brand/model). Codecs: Axioma Qalcosonic W1, Kamstrup flowIQ 2200 (OMS over
 * LoRaWAN), Sensus iPERL (OMS over LoRaWAN). The name `decoded[:<field>[:<unit>]]` means "no built-in
 * codec: read the network server's decoded payload" (decoded-payload.ts).
 */
import { decodeAxiomaW1Uplink } from './axioma-w1-uplink';
import type { DecodedSpec } from './decoded-payload';
import { decodeKamstrupFlowIq, kamstrupFlowIqNoReading } from './kamstrup-flowiq2200';
import { decodeSensusIperl } from './sensus-iperl';
import type { Codec } from './types';

export const AXIOMA_W1 = 'axioma-qalcosonic-w1';
export const KAMSTRUP_FLOWIQ2200 = 'kamstrup-flowiq2200';
export const SENSUS_IPERL = 'sensus-iperl';
export const DECODED = 'decoded';

/** Known codecs by name. */
export const CODECS: ReadonlyMap<string, Codec> = new Map<string, Codec>([
  [AXIOMA_W1, { name: AXIOMA_W1, decode: decodeAxiomaW1Uplink }],
  [KAMSTRUP_FLOWIQ2200, { name: KAMSTRUP_FLOWIQ2200, decode: decodeKamstrupFlowIq, noReading: kamstrupFlowIqNoReading }],
  [SENSUS_IPERL, { name: SENSUS_IPERL, decode: decodeSensusIperl }],
]);

/**
 * The decoded-payload codec name → its spec, or undefined for any other name.
 * @example decodedSpec('decoded:registerValue:m3') // { field: 'registerValue', unit: 'm3' }
 */
export function decodedSpec(name: string): DecodedSpec | undefined {
  const [head, field, unit] = name.trim().split(':');
  if (head.toLowerCase() !== DECODED) return undefined;
  return { field: field || undefined, unit: unit || undefined };
}

/**
 * A codec by name (case-insensitive), or undefined.
 * @example codecByName('axioma-qalcosonic-w1')?.decode(bytes, 100)
 */
export function codecByName(name: string | undefined): Codec | undefined {
  return name === undefined ? undefined : CODECS.get(name.trim().toLowerCase());
}

/** TTS end-device version identifiers (LoRaWAN Device Repository). */
export interface VersionIds {
  brand_id?: string;
  model_id?: string;
}

/**
 * The codec name for TTS `version_ids`, if one is known.
 * @example codecForVersionIds({ brand_id: 'axioma', model_id: 'qalcosonic-w1' }) // 'axioma-qalcosonic-w1'
 */
export function codecForVersionIds(ids: VersionIds | undefined): string | undefined {
  const brand = ids?.brand_id?.toLowerCase();
  const model = ids?.model_id?.toLowerCase() ?? '';
  // 'qalcosonic' alone is the W1 family name; other Qalcosonic models (E3 …) are not W1 meters.
  if (brand === 'axioma' && (model.includes('w1') || model === 'qalcosonic')) return AXIOMA_W1;
  // Device Repository model 'flowiq2200-02k73a' (OMS over LoRaWAN); other flowIQ models are wM-Bus only.
  if (brand === 'kamstrup' && model.replace(/[^a-z0-9]/g, '').includes('flowiq2200')) return KAMSTRUP_FLOWIQ2200;
  // Device Repository vendor 'sensus', model 'iperl' (OMS over LoRaWAN)
  if (brand === 'sensus' && model.includes('iperl')) return SENSUS_IPERL;
  return undefined;
}
