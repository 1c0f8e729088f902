/**
 * The declarative adapter for new sensors (README.md): a YAML mapping → an ingest Adapter at
 * /ingest/mapping/<name>. Mappings live in MAPPINGS_DIR and reload without restart.
 */
export { mappingAdapter } from './adapter';
export { MAPPING_SCHEMA_FILE, MappingError, loadMappingFile, parseMapping } from './load';
export { createMappingRegistry, type MappingLog, type MappingRegistry, type MappingRegistryOptions, type ReloadResult } from './registry';
export { Missing, TRANSFORMS, isMissing, toIsoTime } from './expressions';
export { slug } from './transforms';
export { translateMapping } from './translate';
export type { CompiledAttribute, CompiledExpr, CompiledMapping, MappingSource } from './types';
