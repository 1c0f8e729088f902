/**
 * Parsing of the common query parameters (ETSI GS CIM 009 v1.8, clause 6.3): options/format,
 * attrs, lang, limit/offset/count, datasetId/deleteAll. Throws BadRequestData on bad values.
 */
import { ngsiError } from '../ngsi-ld/errors';
import type { Format, RenderOptions } from '../ngsi-ld/entity/compact-entity';
import { isUri, isValidName, type TermMapper } from '../ngsi-ld/entity/terms';
import type { RequestContext } from './request';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

const KNOWN_OPTIONS = new Set(['keyValues', 'concise', 'normalized', 'sysAttrs', 'noOverwrite', 'replace', 'update']);

/** `options=a,b` as a set; unknown options → BadRequestData. */
export function options(params: Record<string, string>): Set<string> {
  const raw = params.options;
  if (!raw) return new Set();
  const out = new Set(raw.split(',').map((s) => s.trim()).filter(Boolean));
  for (const o of out) if (!KNOWN_OPTIONS.has(o)) throw ngsiError('BadRequestData', `Unknown option '${o}'`);
  return out;
}

/** Splits a comma-separated list parameter. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  return items;
}

/** Expanded attribute names of `attrs=` (or of an array given in a POST query body). */
export function attrNames(raw: string[] | undefined, ctx: TermMapper): string[] | undefined {
  if (!raw) return undefined;
  for (const a of raw) if (!isValidName(a)) throw ngsiError('BadRequestData', `Invalid attribute name '${a.slice(0, 80)}' in attrs`);
  return raw.map((a) => ctx.expand(a));
}

/** Render options from options/format/attrs/lang. */
export function renderOptions(req: RequestContext, attrs?: string[]): RenderOptions {
  const opts = options(req.params);
  let format: Format = 'normalized';
  const f = req.params.format;
  if (f !== undefined) {
    if (f !== 'keyValues' && f !== 'concise' && f !== 'normalized' && f !== 'simplified') throw ngsiError('BadRequestData', `Unknown format '${f}'`);
    format = f === 'simplified' ? 'keyValues' : f;
  } else if (opts.has('keyValues') && opts.has('concise')) {
    throw ngsiError('BadRequestData', 'options keyValues and concise are mutually exclusive');
  } else if (opts.has('keyValues')) format = 'keyValues';
  else if (opts.has('concise')) format = 'concise';
  const names = attrs ?? attrNames(list(req.params.attrs), req.ctx);
  const lang = list(req.params.lang);
  return { format, sysAttrs: opts.has('sysAttrs'), attrs: names ? new Set(names) : undefined, lang: lang?.length ? lang.map((l) => l.split(';')[0]) : undefined };
}

/** A non-negative integer parameter. */
export function intParam(params: Record<string, string>, name: string, dflt: number): number {
  const raw = params[name];
  if (raw === undefined) return dflt;
  if (!/^\d{1,9}$/.test(raw)) throw ngsiError('BadRequestData', `${name} must be a non-negative integer, got '${raw.slice(0, 20)}'`);
  return Number(raw);
}

/** limit/offset/count with the spec's bounds (limit above the maximum → TooManyResults). */
export function paging(params: Record<string, string>): { limit: number; offset: number; count: boolean } {
  const limit = intParam(params, 'limit', DEFAULT_LIMIT);
  if (limit > MAX_LIMIT) throw ngsiError('TooManyResults', `limit ${limit} exceeds the maximum of ${MAX_LIMIT}`);
  const offset = intParam(params, 'offset', 0);
  const c = params.count;
  if (c !== undefined && c !== 'true' && c !== 'false') throw ngsiError('BadRequestData', 'count must be true or false');
  if (limit === 0 && c !== 'true') throw ngsiError('BadRequestData', 'limit=0 is only allowed with count=true');
  return { limit, offset, count: c === 'true' };
}

/** The entity id from the path, which must be a URI. */
export function entityIdOf(req: RequestContext): string {
  const id = req.entityId;
  if (!isUri(id)) throw ngsiError('BadRequestData', `Entity id '${String(id).slice(0, 120)}' is not a URI`);
  return id;
}

/** The attribute name from the path, expanded. */
export function attrIdOf(req: RequestContext): string {
  const a = req.attrId;
  if (!a || !isValidName(a)) throw ngsiError('BadRequestData', `Invalid attribute name '${String(a).slice(0, 80)}'`);
  return req.ctx.expand(a);
}

/** The optional datasetId parameter, which must be a URI. */
export function datasetIdParam(params: Record<string, string>): string | undefined {
  const d = params.datasetId;
  if (d !== undefined && !isUri(d)) throw ngsiError('BadRequestData', 'datasetId must be a URI');
  return d;
}

/** The subscription id from the path, which must be a URI. */
export function subscriptionIdOf(req: RequestContext): string {
  const id = req.subscriptionId;
  if (!isUri(id)) throw ngsiError('BadRequestData', `Subscription id '${String(id).slice(0, 120)}' is not a URI`);
  return id;
}
