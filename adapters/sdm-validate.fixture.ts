/**
 * Test helper shared by the adapters: validates NGSI-LD entities against the official Smart Data
 * Models `schema.json` of their type (the copies in ../shared/reference/smart-data-models/, the
 * schemas' remote `$ref` ids mapped to the local `_common/*.json` copies by their `$id`).
 * SDM schemas describe the keyValues form, so entities are projected first: attribute → its value
 * (`value`, `object`, `valueList` … per attribute type; a multi-attribute gives its default
 * instance), exactly as the broker's simplified form does: a typed literal `{ "@type", "@value" }`
 * stays an object, so an entity only passes if its dates are the strings the schemas require.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ENTITY_RESERVED, VALUE_MEMBER, type AttributeType, type Entity } from '../src/ngsi-ld/types';
import { closedEpisode, openedEpisode, type EpisodeMark } from '../src/ingest/episodes';

/** The writes episode marks lead to (a raised mark opens an episode, a clear one closes one), for validation. */
export const episodeWrites = (marks: EpisodeMark[] = []): Entity[] =>
  marks.map((m) => (m.active ? openedEpisode(m.entity, m.time) : closedEpisode(m.entity, m.time, m.time)));

export const SDM_REFERENCE_DIR = path.resolve(__dirname, '../../shared/reference/smart-data-models');

type Instance = { type?: AttributeType; datasetId?: string } & Record<string, unknown>;

/**
 * Normalized NGSI-LD entity → keyValues.
 * @example
 * toKeyValues({ id: 'urn:x', type: 'Alert', dateIssued: { type: 'Property', value: '2026-01-01T00:00:00Z' } })
 * // { id: 'urn:x', type: 'Alert', dateIssued: '2026-01-01T00:00:00Z' }
 */
export function toKeyValues(entity: Entity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(entity)) {
    if (name === '@context') continue;
    if (ENTITY_RESERVED.has(name) || typeof attr !== 'object' || attr === null) {
      out[name] = attr;
      continue;
    }
    const list = (Array.isArray(attr) ? attr : [attr]) as Instance[];
    const inst = list.find((i) => i.datasetId === undefined) ?? list[0];
    const member = inst?.type !== undefined && inst.type in VALUE_MEMBER ? VALUE_MEMBER[inst.type] : 'value';
    out[name] = inst?.[member];
  }
  return out;
}

export interface SdmValidator {
  /**
   * The schema errors of an entity (empty when valid). `partial: true` checks a merge fragment:
   * attributes present must be valid, the schema's top-level `required` list is not enforced.
   */
  errors(entity: Entity, opts?: { partial?: boolean }): ErrorObject[];
}

/**
 * @example
 * const sdm = createSdmValidator();
 * expect(sdm.errors(entity)).toEqual([]);
 */
export function createSdmValidator(dir = SDM_REFERENCE_DIR): SdmValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const common = path.join(dir, '_common');
  for (const f of fs.readdirSync(common).filter((n) => n.endsWith('.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(common, f), 'utf8')) as { $id?: string };
    if (!schema.$id || ajv.getSchema(schema.$id)) continue;
    ajv.addSchema(schema);
    // some type schemas $ref the same file by its raw.githubusercontent.com address (e.g. AirQualityObserved)
    const raw = /^https:\/\/smart-data-models\.github\.io\/([^/]+)\/(.+)$/.exec(schema.$id);
    if (raw) ajv.addSchema({ ...schema, $id: `https://raw.githubusercontent.com/smart-data-models/${raw[1]}/master/${raw[2]}` });
  }
  const byType = new Map<string, ValidateFunction>();
  const validatorFor = (type: string): ValidateFunction => {
    let v = byType.get(type);
    if (!v) {
      const file = path.join(dir, type, 'schema.json');
      if (!fs.existsSync(file)) throw new Error(`no Smart Data Models schema for type ${type} in ${dir}`);
      v = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
      byType.set(type, v);
    }
    return v;
  };
  return {
    errors(entity, opts = {}) {
      const validate = validatorFor(String(entity.type));
      if (validate(toKeyValues(entity))) return [];
      const errors = validate.errors ?? [];
      return opts.partial ? errors.filter((e) => e.keyword !== 'required' || e.instancePath !== '') : errors;
    },
  };
}
