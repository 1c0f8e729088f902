/**
 * SQL functions the q translation (to-sql.ts) and the store rely on, registered per connection:
 * - `regexp(pattern, value)`: 1 when the string `value` matches the regular expression (regex.ts),
 *   0 otherwise or for an invalid pattern; it also backs SQLite's `value REGEXP pattern` operator;
 * - `q_canon(value)`: the canonical form of a string (canonical.ts), other values unchanged.
 */
import type { Database } from 'better-sqlite3';
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
}
