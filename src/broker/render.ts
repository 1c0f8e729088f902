/**
 * Response bodies for entities: NGSI-LD JSON (normalized, concise, keyValues; with `@context` for
 * application/ld+json) from the render cache, or GeoJSON (ETSI GS CIM 009 v1.8, clause 4.5.17 /
 * 6.3.15: `Accept: application/geo+json`).
 */
import { compactEntity, type RenderOptions } from '../ngsi-ld/entity/compact-entity';
import type { FeatureCollection, Geometry, StoredEntity } from '../ngsi-ld/types';
import { isValidName } from '../ngsi-ld/entity/terms';
import { ngsiError } from '../ngsi-ld/errors';
import type { Broker, RequestContext } from './request';
import type { StoredRow } from './store/types';

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

function toFeature(row: StoredRow, req: RequestContext, o: RenderOptions, geoIri: string): Feature {
  const e = JSON.parse(row.doc) as StoredEntity;
  const { id, ...properties } = compactEntity(e, req.ctx, o);
  return { id, type: 'Feature', geometry: geometryOf(e, geoIri), properties };
}

function optionsKey(o: RenderOptions): string {
  return `${o.format}|${o.sysAttrs ? 1 : 0}|${o.attrs ? [...o.attrs].join(' ') : '*'}|${o.lang?.join(',') ?? ''}`;
}

/** One entity as JSON text (cached per version, context and options), with @context for ld+json. */
function entityJson(broker: Broker, row: StoredRow, req: RequestContext, o: RenderOptions, optsKey: string): string {
  const key = `${req.tenant ?? ''}|${row.ver}|${req.ctx.key}|${optsKey}`;
  const text = broker.renderCache.get(key, () => JSON.stringify(compactEntity(JSON.parse(row.doc) as StoredEntity, req.ctx, o)));
  return req.accept === 'application/ld+json' ? `{"@context":${JSON.stringify(req.responseContext)},${text.slice(1)}` : text;
}

/** One entity in the representation the request asked for, serialized. */
export function renderOne(broker: Broker, row: StoredRow, req: RequestContext, o: RenderOptions): string {
  if (req.accept === 'application/geo+json') return JSON.stringify(toFeature(row, req, o, geoPropertyIri(req)));
  return entityJson(broker, row, req, o, optionsKey(o));
}

/** A list of entities, serialized: an array, or a FeatureCollection for GeoJSON. */
export function renderMany(broker: Broker, rows: StoredRow[], req: RequestContext, o: RenderOptions): string {
  if (req.accept === 'application/geo+json') {
    const geoIri = geoPropertyIri(req);
    const fc: FeatureCollection = { type: 'FeatureCollection', features: rows.map((r) => toFeature(r, req, o, geoIri)) };
    return JSON.stringify(fc);
  }
  const optsKey = optionsKey(o);
  return `[${rows.map((r) => entityJson(broker, r, req, o, optsKey)).join(',')}]`;
}
