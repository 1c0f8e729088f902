/** Implements ETSI GS CIM 009 v1.8 clause 5.7.2 Query Entities via POST (HTTP binding 6.23.3.1: POST /entityOperations/query). */
import { ngsiError } from '../../ngsi-ld/errors';
import { parseGeoQuery } from '../../ngsi-ld/geo';
import type { Operation } from '../request';
import { runQuery, type EntitySelectorInput } from './run-query';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function selector(s: unknown): EntitySelectorInput {
  if (!isObject(s)) throw ngsiError('BadRequestData', 'Each item of entities must be an object');
  const { id, idPattern, type } = s;
  if (id !== undefined && typeof id !== 'string') throw ngsiError('BadRequestData', 'entities[].id must be a string');
  if (idPattern !== undefined && typeof idPattern !== 'string') throw ngsiError('BadRequestData', 'entities[].idPattern must be a string');
  if (type !== undefined && typeof type !== 'string') throw ngsiError('BadRequestData', 'entities[].type must be a string');
  return { id: id === undefined ? undefined : [id], idPattern, type };
}

export const queryEntitiesPost: Operation = (broker, req) => {
  const b = req.body;
  if (!isObject(b)) throw ngsiError('BadRequestData', 'The query must be a JSON object');
  if (b.type !== 'Query') throw ngsiError('BadRequestData', "The query's type must be 'Query'");
  if (b.entities !== undefined && !Array.isArray(b.entities)) throw ngsiError('BadRequestData', 'entities must be an array');
  if (b.attrs !== undefined && !(Array.isArray(b.attrs) && b.attrs.every((a) => typeof a === 'string'))) throw ngsiError('BadRequestData', 'attrs must be an array of strings');
  if (b.q !== undefined && typeof b.q !== 'string') throw ngsiError('BadRequestData', 'q must be a string');
  let geo;
  if (b.geoQ !== undefined) {
    if (!isObject(b.geoQ)) throw ngsiError('BadRequestData', 'geoQ must be an object');
    const g = b.geoQ;
    geo = parseGeoQuery({ georel: g.georel as string, geometry: g.geometry as string, coordinates: g.coordinates, geoproperty: g.geoproperty as string });
    if (!geo) throw ngsiError('BadRequestData', 'geoQ needs georel, geometry and coordinates');
  }
  if (typeof b.lang === 'string' && req.params.lang === undefined) req.params.lang = b.lang;
  return runQuery(broker, req, {
    selectors: ((b.entities as unknown[] | undefined) ?? []).map(selector),
    attrs: b.attrs as string[] | undefined,
    q: b.q as string | undefined,
    geo,
  });
};
