/**
 * Small builders of normalized NGSI-LD attributes shared by the water translators (pure).
 * Date values are ISO 8601 strings: the form the Smart Data Models schemas validate, in the
 * simplified (keyValues) representation too; a typed literal would stay an object there.
 */
import type { GeoProperty, JsonValue, Property, Relationship, TypedValue } from '../../src/ngsi-ld/types';

/** The @context URLs of the Smart Data Models used here (built into the broker). */
export const CONTEXT = {
  waterConsumption: 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterConsumption/master/context.jsonld',
  waterQuality: 'https://raw.githubusercontent.com/smart-data-models/dataModel.WaterQuality/master/context.jsonld',
  device: 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld',
  alert: 'https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld',
} as const;

/**
 * Entity id following DESIGN.md: `urn:ngsi-ld:<Type>:<territory>:<local-id…>`.
 * @example urn('Device', 'eclor', '0101010101010101') // 'urn:ngsi-ld:Device:eclor:0101010101010101'
 */
export function urn(type: string, territory: string, ...local: string[]): string {
  return ['urn:ngsi-ld', type, territory, ...local].join(':');
}

/** Optional members of a Property. */
export interface PropertyMeta {
  unitCode?: string;
  observedAt?: string;
}

/** A Property; `unitCode`/`observedAt` are only set when given. */
export function property(value: JsonValue | TypedValue, meta: PropertyMeta = {}): Property {
  const p: Property = { type: 'Property', value };
  if (meta.unitCode !== undefined) p.unitCode = meta.unitCode;
  if (meta.observedAt !== undefined) p.observedAt = meta.observedAt;
  return p;
}

/** A date Property (`dateObserved`, `validFrom` …): its value is the ISO 8601 string. */
export function dateTime(iso: string): Property {
  return { type: 'Property', value: iso };
}

export function relationship(object: string): Relationship {
  return { type: 'Relationship', object };
}

/** A GeoJSON Point GeoProperty from [longitude, latitude]. */
export function point(lonLat: [number, number]): GeoProperty {
  return { type: 'GeoProperty', value: { type: 'Point', coordinates: [lonLat[0], lonLat[1]] } };
}
