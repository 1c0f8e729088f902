/**
 * SQL functions the q translation (to-sql.ts) and the store rely on, registered per connection:
 * - `regexp(pattern, value)`: 1 when the string `value` matches the regular expression (regex.ts),
 *   0 otherwise or for an invalid pattern; it also backs SQLite's `value REGEXP pattern` operator;
 * - `q_canon(value)`: the canonical form of a string (canonical.ts), other values unchanged;
 * - `q_times(instances, path)`: the observedAt values at an `attr_index` path ending in ` observedAt`,
 *   in canonical form, as a JSON array, NULL when there are none; `instances`: the JSON array of the
 *   path's top-level attribute in a stored document (or NULL).
 */
import type { Database } from 'better-sqlite3';
import { attributeRows, PATH_SEPARATOR } from '../../broker/store/attr-index';
import type { StoredAttribute } from '../types';
import { canonicalStr } from './canonical';
import { regexMatch } from './regex';

/**
 * Registers the q functions on a better-sqlite3 connection.
 *
 * @example
 * const db = new Database(':memory:');
 * registerQFunctions(db);
 * db.prepare("SELECT regexp('^a', 'abc') AS m").get(); // { m: 1 }
 */
export function registerQFunctions(db: Database): void {
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) =>
    typeof pattern === 'string' && typeof value === 'string' && regexMatch(pattern, value) ? 1 : 0,
  );
  db.function('q_canon', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? canonicalStr(value) : value));
  db.function('q_times', { deterministic: true }, (instances: unknown, path: unknown) => (typeof instances === 'string' && typeof path === 'string' ? timesAt(instances, path) : null));
}

/** The values of the rows of `path` (those the store does not keep), from the attribute's instances (JSON). */
function timesAt(instancesJson: string, path: string): string | null {
  const cut = path.indexOf(PATH_SEPARATOR);
  if (cut < 0) return null;
  const instances = JSON.parse(instancesJson) as unknown;
  if (!Array.isArray(instances)) return null;
  const values: string[] = [];
  for (const r of attributeRows(path.slice(0, cut), instances as StoredAttribute[])) if (r.path === path) values.push(r.str as string);
  return values.length ? JSON.stringify(values) : null;
}
