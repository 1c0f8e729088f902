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
  ajv.addFormat('date-time', isRfc3339DateTime); // the same check, without allocating: it runs for every time of every entity
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

const RFC3339 = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * RFC 3339 `date-time` (section 5.6) as ajv-formats checks it in full mode: a real calendar day, a time
 * zone, hours ≤ 23, minutes ≤ 59, seconds < 60 or a leap second at 23:59:60 UTC.
 *
 * @example
 * isRfc3339DateTime('2026-02-28T23:59:59.5Z'); // true
 * isRfc3339DateTime('2026-02-29T00:00:00Z');   // false
 */
export function isRfc3339DateTime(s: string): boolean {
  if (!RFC3339.test(s)) return false;
  const n = (i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  const year = n(0) * 100 + n(2);
  const month = n(5);
  const day = n(8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  const hr = n(11);
  const min = n(14);
  const sec = n(17);
  let z = 19;
  if (s.charCodeAt(z) === 46 /* . */) while (++z < s.length && s.charCodeAt(z) >= 48 && s.charCodeAt(z) <= 57);
  let tzH = 0;
  let tzM = 0;
  let sign = 1;
  if (s.charCodeAt(z) !== 90 && s.charCodeAt(z) !== 122 /* Z z */) {
    sign = s.charCodeAt(z) === 45 /* - */ ? -1 : 1;
    tzH = n(z + 1);
    if (s.length > z + 3) tzM = s.charCodeAt(z + 3) === 58 /* : */ ? n(z + 4) : n(z + 3);
  }
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // a leap second is 23:59:60 in UTC
  const utcMin = min - tzM * sign;
  const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}
