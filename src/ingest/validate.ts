/**
 * The validate stage: every entity a built-in adapter emits is checked against the JSON Schema of its
 * type in schemas/entities/ (normalized NGSI-LD as ECLOR emits it; see schemas/README.md) before it
 * is written. An entity that does not conform is a dead letter of its own; the others go on.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Entity } from '../ngsi-ld/types';
import { projectRoot } from '../project-root';

/** Returns why an entity does not conform, or undefined (also when its type has no schema). */
export type EntityValidator = (entity: Entity) => string | undefined;

/**
 * @example
 * const validate = createEntityValidator();
 * validate({ id: 'urn:ngsi-ld:Device:x:1', type: 'Device' }); // "Device: must have required property 'deviceCategory'"
 */
export function createEntityValidator(dir = path.join(projectRoot(), 'schemas', 'entities')): EntityValidator {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats(ajv);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
  const byType = new Map<string, ValidateFunction>();
  const ids = new Map<string, string>();
  for (const f of files) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    ids.set(f.slice(0, -'.schema.json'.length), schema.$id);
  }
  return (entity) => {
    const type = typeof entity.type === 'string' ? entity.type : undefined;
    if (!type || !ids.has(type)) return undefined;
    let v = byType.get(type);
    if (!v) byType.set(type, (v = ajv.getSchema(ids.get(type)!)!));
    if (v(entity)) return undefined;
    const e = v.errors?.[0];
    return `${type}${e?.instancePath ?? ''}: ${e?.message ?? 'does not conform'}${e?.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''} (schemas/entities/${type}.schema.json)`;
  };
}
