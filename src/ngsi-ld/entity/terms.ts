/** The slice of a compiled @context that the entity model needs: term ⇄ IRI. */
export interface TermMapper {
  expand(term: string): string;
  compact(iri: string): string;
}

/** Characters that may not appear in names (entity types, attribute names): clause 4.6.2. */
const FORBIDDEN = /[\s<>"'=;()\\[\]{}]/;

export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= 512 && !FORBIDDEN.test(name);
}

/** A URI as NGSI-LD ids require: an absolute URI with a scheme (clause 4.5.1, RFC 3986). */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;

export function isUri(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 2048 && URI.test(v);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

export function isDateTime(v: unknown): v is string {
  return typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

/** The value that deletes an attribute in merge operations (clause 4.5.x, "urn:ngsi-ld:null"). */
export const NGSI_LD_NULL = 'urn:ngsi-ld:null';
