/**
 * NGSI-LD information model types (ETSI GS CIM 009 v1.8, clause 4 and 5.2), our own: no npm package
 * provides them (`@fiware/ngsi-ld-types` does not exist). They describe the normalized wire format;
 * openapi.yaml's schemas (Entity, Property, Relationship, …) mirror them and a test checks they agree.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** The attribute kinds of NGSI-LD v1.8 (clause 4.5). */
export const ATTRIBUTE_TYPES = [
  'Property',
  'Relationship',
  'GeoProperty',
  'LanguageProperty',
  'ListProperty',
  'ListRelationship',
  'JsonProperty',
  'VocabProperty',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** The member holding the payload of each attribute kind (clause 5.2.5 – 5.2.37). */
export const VALUE_MEMBER: Record<AttributeType, string> = {
  Property: 'value',
  Relationship: 'object',
  GeoProperty: 'value',
  LanguageProperty: 'languageMap',
  ListProperty: 'valueList',
  ListRelationship: 'objectList',
  JsonProperty: 'json',
  VocabProperty: 'vocab',
};

export const GEOJSON_GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] as const;
export type GeometryType = (typeof GEOJSON_GEOMETRY_TYPES)[number];

export type Position = number[];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** A typed literal, e.g. `{ "@type": "DateTime", "@value": "2024-01-01T00:00:00Z" }`. */
export interface TypedValue {
  '@type': string;
  '@value': JsonPrimitive;
}

/** Members common to every attribute instance (clause 5.2.5 and 4.5.2). */
export interface AttributeCommon {
  type: AttributeType;
  observedAt?: string;
  unitCode?: string;
  datasetId?: string;
  createdAt?: string;
  modifiedAt?: string;
  deletedAt?: string;
  instanceId?: string;
  /** Sub-attributes (properties of properties, relationships of properties …). */
  [subAttribute: string]: unknown;
}

export interface Property extends AttributeCommon { type: 'Property'; value: JsonValue | TypedValue }
export interface Relationship extends AttributeCommon { type: 'Relationship'; object: string | string[]; objectType?: string | string[] }
export interface GeoProperty extends AttributeCommon { type: 'GeoProperty'; value: Geometry }
export interface LanguageProperty extends AttributeCommon { type: 'LanguageProperty'; languageMap: Record<string, string | string[]> }
export interface ListProperty extends AttributeCommon { type: 'ListProperty'; valueList: JsonValue[] }
export interface ListRelationship extends AttributeCommon { type: 'ListRelationship'; objectList: Array<{ object: string } | string> }
export interface JsonProperty extends AttributeCommon { type: 'JsonProperty'; json: JsonValue }
export interface VocabProperty extends AttributeCommon { type: 'VocabProperty'; vocab: string | string[] }

export type Attribute =
  | Property
  | Relationship
  | GeoProperty
  | LanguageProperty
  | ListProperty
  | ListRelationship
  | JsonProperty
  | VocabProperty;

/** An entity in normalized form on the wire (clause 5.2.4). A multi-attribute is an array of instances. */
export interface Entity {
  id: string;
  type: string | string[];
  scope?: string | string[];
  location?: GeoProperty;
  observationSpace?: GeoProperty;
  operationSpace?: GeoProperty;
  createdAt?: string;
  modifiedAt?: string;
  '@context'?: JsonValue;
  [attribute: string]: unknown;
}

/** Members of an entity that are not attributes (clause 5.2.4). */
export const ENTITY_RESERVED = new Set(['id', 'type', 'scope', '@context', 'createdAt', 'modifiedAt', 'deletedAt', '@id', '@type']);

/** Members of an attribute that are not sub-attributes. */
export const ATTRIBUTE_RESERVED = new Set([
  'type', 'value', 'object', 'objectType', 'languageMap', 'valueList', 'objectList', 'json', 'vocab',
  'observedAt', 'unitCode', 'datasetId', 'createdAt', 'modifiedAt', 'deletedAt', 'instanceId', 'lang', '@context',
]);

/**
 * The stored form of an entity: attribute names and types are fully expanded IRIs, every attribute is
 * normalized and kept as an array of instances (one per datasetId; the default instance has none).
 */
export interface StoredAttribute {
  type: AttributeType;
  [member: string]: unknown;
}
export interface StoredEntity {
  id: string;
  /** Expanded type IRIs, at least one. */
  types: string[];
  scope?: string[];
  createdAt: string;
  modifiedAt: string;
  /** expanded attribute name → instances */
  attrs: Record<string, StoredAttribute[]>;
}

/** Body of a 207 for batch operations (clause 5.2.16). */
export interface BatchOperationResult {
  success: string[];
  errors: Array<{ entityId: string; error: import('./errors').ProblemDetails }>;
}

/** Body of a 207 for attribute updates (clause 5.2.18). */
export interface UpdateResult {
  updated: string[];
  notUpdated: Array<{ attributeName: string; reason: string }>;
}

/** GeoJSON FeatureCollection returned for `Accept: application/geo+json` (clause 5.2.30). */
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Array<{ id: string; type: 'Feature'; geometry: Geometry | null; properties: Record<string, unknown> }>;
  '@context'?: JsonValue;
}
