/**
 * Translates a type selection (ETSI GS CIM 009 v1.8, clause 4.17) into a boolean SQL expression
 * over `entities <alias>`, on table `entity_types(type, rid)` (schema.ts): each group of ORed names
 * is one `<alias>.rid IN (SELECT t.rid FROM entity_types t WHERE t.type IN (…))` on its primary key.
 * With `correlated`, each group is instead a per-row check
 * `EXISTS (SELECT 1 FROM entity_types t WHERE t.rid = <alias>.rid AND t.type IN (…))`: the store uses it
 * when a q filter is present, so that the (usually far more selective) q index drives the query
 * (measured on 10,000 entities of one type, q at 0.2 %: 45 µs instead of 3 ms).
 */
import type { Expand, TypeExpr } from './ast';
import { checkAlias, type SqlFragment } from './to-sql';

/**
 * Builds the SQL of a type selection; names are expanded with `expand`.
 *
 * @example
 * typeToSql(parseTypeExpr('Parking,Road'), (t) => 'https://x/' + t);
 * // { sql: 'e.rid IN (SELECT t.rid FROM entity_types t WHERE t.type IN (?, ?))',
 * //   params: ['https://x/Parking', 'https://x/Road'] }
 */
export function typeToSql(ast: TypeExpr, expand: Expand, alias = 'e', correlated = false): SqlFragment {
  checkAlias(alias);
  const params: unknown[] = [];
  return { sql: expr(ast, expand, alias, params, correlated), params };
}

function expr(e: TypeExpr, expand: Expand, alias: string, params: unknown[], c: boolean): string {
  if (e.kind === 'type') return names([e.name], expand, alias, params, c);
  if (e.kind === 'and') return '(' + e.items.map((i) => expr(i, expand, alias, params, c)).join(' AND ') + ')';
  const plain = e.items.flatMap((i) => (i.kind === 'type' ? [i.name] : []));
  const parts = plain.length ? [names(plain, expand, alias, params, c)] : [];
  for (const i of e.items) if (i.kind !== 'type') parts.push(expr(i, expand, alias, params, c));
  return parts.length === 1 ? parts[0] : '(' + parts.join(' OR ') + ')';
}

function names(list: string[], expand: Expand, alias: string, params: unknown[], correlated: boolean): string {
  const iris = [...new Set(list.map(expand))];
  params.push(...iris);
  const cond = iris.length === 1 ? 't.type = ?' : `t.type IN (${iris.map(() => '?').join(', ')})`;
  return correlated
    ? `EXISTS (SELECT 1 FROM entity_types t WHERE t.rid = ${alias}.rid AND ${cond})`
    : `${alias}.rid IN (SELECT t.rid FROM entity_types t WHERE ${cond})`;
}
