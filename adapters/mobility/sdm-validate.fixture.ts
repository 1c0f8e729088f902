/**
 * Test helper (excluded from the build): validates entities against the official Smart Data Models
 * `schema.json` of their type, read from ../shared/reference/smart-data-models/ with the schemas'
 * remote `$ref` ids mapped to the local `_common/*.json` copies (never fetched). SDM schemas describe
 * the keyValues form, so entities are projected first (typed literals such as DateTime → their value).
 *
 * `partial: true` is for merge fragments: a DATEX II site table gives TrafficFlowObserved without
 * `dateObserved`, a parking status gives OffStreetParking without `location`. Every attribute present
 * must be valid; only the schema's top-level `required` list is not enforced.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { VALUE_MEMBER, type AttributeType, type Entity } from '../../src/ngsi-ld/types';

export const SDM_DIR = path.resolve(__dirname, '../../../shared/reference/smart-data-models');

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const common = path.join(SDM_DIR, '_common');
  for (const f of fs.readdirSync(common).filter((n) => n.endsWith('.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(common, f), 'utf8')) as { $id?: string };
    if (schema.$id && !ajv.getSchema(schema.$id)) ajv.addSchema(schema);
  }
  return ajv;
}

/** Normalized entity → keyValues: Property value (typed literal → @value), GeoProperty value, Relationship object. */
export function keyValues(entity: Entity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(entity)) {
    if (name === '@context') continue;
    if (name === 'id' || name === 'type' || typeof attr !== 'object' || attr === null) {
      out[name] = attr;
      continue;
    }
    const inst = (Array.isArray(attr) ? attr[0] : attr) as { type?: AttributeType } & Record<string, unknown>;
    const value = inst[inst.type && VALUE_MEMBER[inst.type] ? VALUE_MEMBER[inst.type] : 'value'];
    out[name] = value !== null && typeof value === 'object' && '@value' in value ? (value as { '@value': unknown })['@value'] : value;
  }
  return out;
}

/**
 * A validator over the SDM schemas of the reference folder.
 * @example
 * const sdm = createSdmValidator();
 * sdm.errors({ id: 'urn:ngsi-ld:ParkingSpot:demo:1', type: 'ParkingSpot', status: { type: 'Property', value: 'taken' } }, { partial: true });
 * // [{ instancePath: '/status', message: 'must be equal to one of the allowed values', … }]
 */
export function createSdmValidator(): { errors(entity: Entity, opts?: { partial?: boolean }): ErrorObject[] } {
  const ajv = createAjv();
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (type: string): ValidateFunction => {
    let v = validators.get(type);
    if (!v) {
      const file = path.join(SDM_DIR, type, 'schema.json');
      v = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
      validators.set(type, v);
    }
    return v;
  };
  return {
    errors(entity, opts = {}) {
      const validate = validatorFor(String(entity.type));
      if (validate(keyValues(entity))) return [];
      const errors = validate.errors ?? [];
      return opts.partial ? errors.filter((e) => !(e.keyword === 'required' && e.instancePath === '')) : errors;
    },
  };
}
