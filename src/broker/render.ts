/**
 * Response bodies for entities: NGSI-LD JSON (normalized, concise, keyValues) or GeoJSON
 * (ETSI GS CIM 009 v1.8, clause 4.5.17 / 6.3.15: `Accept: application/geo+json`).
 */
import { compactEntity, type RenderOptions } from '../ngsi-ld/entity/compact-entity';
import type { Entity, FeatureCollection, Geometry, StoredEntity } from '../ngsi-ld/types';
import { isValidName } from '../ngsi-ld/entity/terms';
import { ngsiError } from '../ngsi-ld/errors';
import type { RequestContext } from './request';

type Feature = FeatureCollection['features'][number];

function geometryOf(e: StoredEntity, geoIri: string): Geometry | null {
  const inst = e.attrs[geoIri]?.[0];
  return inst && inst.type === 'GeoProperty' ? (inst.value as Geometry) : null;
}

function geoPropertyIri(req: RequestContext): string {
  const name = req.params.geometryProperty ?? 'location';
  if (!isValidName(name)) throw ngsiError('BadRequestData', 'Invalid geometryProperty');
  return req.ctx.expand(name);
}

function toFeature(e: StoredEntity, req: RequestContext, o: RenderOptions, geoIri: string): Feature {
  const { id, ...properties } = compactEntity(e, req.ctx, o);
  return { id, type: 'Feature', geometry: geometryOf(e, geoIri), properties };
}

/** One entity in the representation the request asked for. */
export function renderOne(e: StoredEntity, req: RequestContext, o: RenderOptions): Entity | Feature {
  if (req.accept === 'application/geo+json') return toFeature(e, req, o, geoPropertyIri(req));
  return compactEntity(e, req.ctx, o);
}

/** A list of entities: an array, or a FeatureCollection for GeoJSON. */
export function renderMany(list: StoredEntity[], req: RequestContext, o: RenderOptions): Entity[] | FeatureCollection {
  if (req.accept === 'application/geo+json') {
    const geoIri = geoPropertyIri(req);
    return { type: 'FeatureCollection', features: list.map((e) => toFeature(e, req, o, geoIri)) };
  }
  return list.map((e) => compactEntity(e, req.ctx, o));
}
