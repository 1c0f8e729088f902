/**
 * From a q attribute path (terms as written) to the `attr_index` path and JSON member path it
 * designates (ETSI GS CIM 009 v1.8, clause 4.9). The one place that knows how both meet.
 */
import { INDEXED_MEMBERS, PATH_SEPARATOR, TIME_MEMBER } from '../../broker/store/attr-index';
import { ngsiError } from '../errors';
import type { Expand, QAttr } from './ast';

const LITERAL = new Set<string>(INDEXED_MEMBERS);

export interface ResolvedAttr {
  /** `attr_index.path`: expanded names joined by a space; reserved members (observedAt …) literally */
  path: string;
  /** the expanded name of the top-level attribute (the path's first level) */
  attribute: string;
  /** JSON member keys, outermost first; empty when the term compares the attribute's own values */
  members: string[];
  /** SQLite JSON path of the members (`$."a"."b"`), null without members */
  jsonPath: string | null;
  /** whether table attr_index holds the path's rows; not for an observedAt, read from the document */
  stored: boolean;
}

/**
 * Resolves an attribute path.
 *
 * @example
 * resolveAttr({ path: ['temp', 'observedAt'], members: [] }, (t) => 'https://x/' + t);
 * // { path: 'https://x/temp observedAt', attribute: 'https://x/temp', members: [], jsonPath: null, stored: false }
 */
export function resolveAttr(attr: QAttr, expand: Expand): ResolvedAttr {
  const levels = attr.path.map((name, i) => (i > 0 && LITERAL.has(name) ? name : expand(name)));
  const last = attr.path.length - 1;
  const stored = last === 0 || attr.path[last] !== TIME_MEMBER;
  return { path: levels.join(PATH_SEPARATOR), attribute: levels[0], members: attr.members, jsonPath: attr.members.length ? jsonPath(attr.members) : null, stored };
}

/** Builds `$."k1"."k2"`; keys with a quote, backslash or control character cannot be addressed. */
function jsonPath(keys: string[]): string {
  for (const k of keys) {
    // eslint-disable-next-line no-control-regex
    if (k === '' || /["\\\u0000-\u001f]/.test(k)) throw ngsiError('BadRequestData', `Invalid JSON member name in q: ${JSON.stringify(k)}`);
  }
  return '$' + keys.map((k) => `."${k}"`).join('');
}

/**
 * The value found at `keys` inside a JSON document; undefined when absent. Only objects are walked
 * (as SQLite's `$."k"` paths do).
 *
 * @example
 * memberValue({ a: { b: [1, 2] } }, ['a', 'b']); // [1, 2]
 */
export function memberValue(doc: unknown, keys: string[]): unknown {
  let cur = doc;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
