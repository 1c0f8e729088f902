/**
 * The water adapters (DESIGN.md "Data flow"), mounted by the ingest runtime under /ingest/water/…:
 * LoRaWAN meters through ChirpStack v4 or The Things Stack v3, water-quality probes (JSON) and the
 * daily meter index export (CSV). All pure; see README.md for the feeds and the entities.
 */
import type { Adapter } from '../../src/ingest/types';
import { translateIndexCsv } from './csv/translate';
import { parseChirpStack } from './lorawan/chirpstack';
import { parseTts } from './lorawan/tts';
import { translateQuality } from './quality/translate';

/**
 * ChirpStack v4 HTTP integration, JSON marshaler: POST /ingest/water/chirpstack?event=up|status|join…
 * @example createIngest({ adapters: [chirpstackAdapter], … })
 */
export const chirpstackAdapter: Adapter = {
  name: 'water/chirpstack',
  path: '/ingest/water/chirpstack',
  contentTypes: ['application/json'],
  handle: parseChirpStack,
  ordered: true,
};

/**
 * The Things Stack v3 webhook (uplink messages): POST /ingest/water/tts
 * @example createIngest({ adapters: [ttsAdapter], … })
 */
export const ttsAdapter: Adapter = {
  name: 'water/tts',
  path: '/ingest/water/tts',
  contentTypes: ['application/json'],
  handle: parseTts,
  ordered: true,
};

/**
 * Water-quality probe readings (JSON object or array): POST /ingest/water/quality
 * @example createIngest({ adapters: [waterQualityAdapter], … })
 */
export const waterQualityAdapter: Adapter = {
  name: 'water/quality',
  path: '/ingest/water/quality',
  contentTypes: ['application/json'],
  handle: translateQuality,
  ordered: true,
};

/**
 * Daily meter index export `meterId;timestamp;index_m3`: POST /ingest/water/csv
 * @example createIngest({ adapters: [waterCsvAdapter], … })
 */
export const waterCsvAdapter: Adapter = {
  name: 'water/csv',
  path: '/ingest/water/csv',
  contentTypes: ['text/csv', 'text/plain'],
  handle: translateIndexCsv,
  ordered: true,
};

/** All water adapters; all `ordered`: a late message never puts a meter or probe back to an older reading. */
export const waterAdapters: Adapter[] = [chirpstackAdapter, ttsAdapter, waterQualityAdapter, waterCsvAdapter];
