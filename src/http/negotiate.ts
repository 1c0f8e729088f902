/**
 * Content negotiation and JSON-LD @context headers (ETSI GS CIM 009 v1.8, clauses 6.3.4–6.3.6):
 * Accept → one of the route's media types, Content-Type checks, Link header parsing.
 */
import { ngsiError } from '../ngsi-ld/errors';
import type { MediaType } from '../broker/request';

export const JSONLD_REL = 'http://www.w3.org/ns/json-ld#context';

const accepted = new Map<string, MediaType | undefined>();

/** Picks the best media type of `produces` for an Accept header; NotAcceptable when none fits. */
export function negotiate(accept: string | undefined, produces: readonly MediaType[]): MediaType {
  if (!accept || accept === '*/*' || accept === 'application/json') return 'application/json';
  const key = accept + '|' + produces.join(',');
  if (accepted.has(key)) {
    const hit = accepted.get(key);
    if (!hit) throw ngsiError('NotAcceptable', `None of '${accept.slice(0, 200)}' can be produced; use ${produces.join(', ')}`);
    return hit;
  }
  const ranges = accept
    .split(',')
    .map((part, i) => {
      const [type, ...ps] = part.trim().split(';');
      const qp = ps.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qp ? Number(qp.slice(2)) : 1;
      return { type: type.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  let pick: MediaType | undefined;
  for (const r of ranges) {
    if (r.type === '*/*' || r.type === 'application/*') pick = 'application/json';
    else pick = produces.find((p) => p === r.type);
    if (pick) break;
  }
  if (accepted.size < 1000) accepted.set(key, pick);
  if (!pick) throw ngsiError('NotAcceptable', `None of '${accept.slice(0, 200)}' can be produced; use ${produces.join(', ')}`);
  return pick;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * The @context URL of a Link header (`<url>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`).
 * Undefined when there is no JSON-LD context link; BadRequestData when the header is malformed or has several.
 */
export function contextLink(link: string | string[] | undefined): string | undefined {
  if (link === undefined) return undefined;
  const values = (Array.isArray(link) ? link.join(',') : link).split(/,(?=\s*<)/);
  const found: string[] = [];
  for (const v of values) {
    const m = /^\s*<([^>]*)>\s*((?:;\s*[^;]+)*)$/.exec(v);
    if (!m) throw ngsiError('BadRequestData', `Malformed Link header '${v.slice(0, 200)}'`);
    const params = m[2];
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params);
    if (rel && rel[1].trim() === JSONLD_REL) found.push(m[1].trim());
  }
  if (found.length > 1) throw ngsiError('BadRequestData', 'Only one JSON-LD @context Link header is allowed');
  if (found.length === 1 && !/^https?:\/\/[^\s]+$/i.test(found[0])) throw ngsiError('BadRequestData', `The @context link '${found[0].slice(0, 200)}' is not an http(s) URL`);
  return found[0];
}

/** A Link header value pointing at a context URL. */
export function linkHeader(url: string): string {
  return `<${url}>; rel="${JSONLD_REL}"; type="application/ld+json"`;
}
