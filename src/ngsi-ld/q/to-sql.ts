/**
 * Translates a q tree (ETSI GS CIM 009 v1.8, clause 4.9) into a boolean SQL expression over
 * `entities <alias>`, evaluated on table `attr_index` (schema.ts, rows from attr-index.ts).
 *
 * Each term is `<alias>.rid IN (SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?) AND …)`: the
 * sub-select is not correlated, so SQLite runs it once on index `attr_index(path, num)` or
 * `attr_index(path, str)`. A term on an observedAt, which has no rows, reads the values from the
 * entity's document (`q_times`), entity by entity. Needs the SQL functions of sql-functions.ts. All
 * values are parameters.
 * The semantics are those of match.ts (a test checks they agree):
 * - a number compares with number rows, a boolean with boolean rows, anything else (strings,
 *   dates, times, date-times, URIs) with string rows in canonical form (canonical.ts);
 * - a multi-valued target (array, several instances) matches when any value matches;
 * - `!=`, `!~=`: the attribute exists and no value matches (`==` / `~=`).
 */
import type { Expand, QExpr, QTerm, QValue } from './ast';
import { resolveAttr, type ResolvedAttr } from './paths';

/** attr_index.path holds the id of the path string in table `paths` (schema.ts); an uncorrelated scalar sub-select, evaluated once. */
export const PATH_ID = '(SELECT p.pid FROM paths p WHERE p.path = ?)';
import { comparable, formOf, type ValueClass } from './values';

/** A boolean SQL expression and its positional parameters. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const SQL_OP = { '==': '=', '!=': '=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

/**
 * Builds the SQL of a q tree.
 *
 * @example
 * qToSql(parseQ('temperature>5'), (t) => 'https://x/' + t);
 * // { sql: "e.rid IN (SELECT ai.rid FROM attr_index ai WHERE ai.path = (SELECT p.pid FROM paths p WHERE p.path = ?) AND ai.kind = 'n' AND ai.num > ?)",
 * //   params: ['https://x/temperature', 5] }
 */
export function qToSql(ast: QExpr, expand: Expand, alias = 'e'): SqlFragment {
  checkAlias(alias);
  const params: unknown[] = [];
  return { sql: expr(ast, expand, alias, params), params };
}

/** Throws on an alias that is not a plain SQL identifier (a programming error). */
export function checkAlias(alias: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw new Error(`invalid SQL alias: ${alias}`);
}

function expr(e: QExpr, expand: Expand, alias: string, params: unknown[]): string {
  if (e.kind === 'and' || e.kind === 'or') {
    return '(' + e.items.map((i) => expr(i, expand, alias, params)).join(e.kind === 'and' ? ' AND ' : ' OR ') + ')';
  }
  return term(e, resolveAttr(e.attr, expand), alias, params);
}

/** A row predicate under construction: SQL text and its parameters, in text order. */
interface Pred {
  sql: string;
  params: unknown[];
}

function term(t: QTerm, r: ResolvedAttr, alias: string, params: unknown[]): string {
  if (t.kind === 'exists') return sub(r, alias, null, t.negated, params);
  const preds = predicates(t, r.jsonPath !== null || !r.stored); // observedAt values are JSON array elements
  if (t.op !== '!=' && t.op !== '!~=') {
    const subs = preds.map((p) => sub(r, alias, p, false, params));
    return subs.length === 1 ? subs[0] : `(${subs.join(' OR ')})`;
  }
  const exists = sub(r, alias, null, false, params);
  return `(${[exists, ...preds.map((p) => sub(r, alias, p, true, params))].join(' AND ')})`;
}

/** Row predicates of the positive form of a term (several for a list of mixed value classes). */
function predicates(t: Exclude<QTerm, { kind: 'exists' }>, json: boolean): Pred[] {
  if (t.kind === 'pattern') {
    return [
      json
        ? { sql: "je.type = 'text' AND regexp(?, q_canon(je.value))", params: [t.pattern] }
        : { sql: "ai.num IS NULL AND ai.kind = 's' AND regexp(?, ai.str)", params: [t.pattern] },
    ];
  }
  if (t.kind === 'compare') {
    const c = comparable(t.value);
    const col = column(c.cls, json);
    const [form, formParams] = formGuard(t.value, col.expr);
    return [{ sql: `${col.guard}${col.expr} ${SQL_OP[t.op]} ?${form}`, params: [c.v, ...formParams] }];
  }
  if (t.kind === 'range') {
    const [from, to] = [comparable(t.from), comparable(t.to)];
    const col = column(from.cls, json);
    const [form, formParams] = formGuard(formOf(t.from) ? t.from : t.to, col.expr);
    return [{ sql: `${col.guard}${col.expr} BETWEEN ? AND ?${form}`, params: [from.v, to.v, ...formParams] }];
  }
  // a value list: one IN per value class, so that each can use its index
  const values = t.values.map(comparable);
  return (['n', 's', 'b'] as const).flatMap((cls) => {
    const vs = [...new Set(values.filter((v) => v.cls === cls).map((v) => v.v))];
    if (vs.length === 0) return [];
    const col = column(cls, json);
    return [{ sql: `${col.guard}${col.expr} IN (${vs.map(() => '?').join(', ')})`, params: vs }];
  });
}

/** A date or date-time compares with stored dates or date-times only (values.ts formOf): the SQL that says so. */
function formGuard(v: QValue, expr: string): [string, unknown[]] {
  const form = formOf(v);
  return form ? [` AND (${form.globs.map(() => `${expr} GLOB ?`).join(' OR ')})`, form.globs] : ['', []];
}

/** The column a value class compares with, and the guard on the row kind. */
function column(cls: ValueClass, json: boolean): { guard: string; expr: string } {
  if (json) {
    if (cls === 'n') return { guard: "je.type IN ('integer', 'real') AND ", expr: 'je.value' };
    if (cls === 's') return { guard: "je.type = 'text' AND ", expr: 'q_canon(je.value)' };
    return { guard: "je.type IN ('true', 'false') AND ", expr: "(je.type = 'true')" };
  }
  if (cls === 'n') return { guard: "ai.kind = 'n' AND ", expr: 'ai.num' };
  if (cls === 's') return { guard: 'ai.num IS NULL AND ', expr: 'ai.str' };
  return { guard: "ai.kind = 'b' AND ", expr: 'ai.num' };
}

/**
 * `<alias>.rid [NOT] IN (rows of the path [whose JSON member exists] [matching pred])`. With JSON
 * members, pred applies to the member's value, or to each element when it is an array.
 */
function sub(r: ResolvedAttr, alias: string, pred: Pred | null, not: boolean, params: unknown[]): string {
  if (!r.stored) return timesSub(r, alias, pred, not, params);
  const inOp = not ? 'NOT IN' : 'IN';
  if (r.jsonPath === null && pred === null) {
    // existence: the rows of a path are split between the two partial indexes (schema.ts)
    params.push(r.path, r.path);
    return (
      `${alias}.rid ${inOp} (SELECT ai.rid FROM attr_index ai WHERE ai.path = ${PATH_ID} AND ai.num IS NULL ` +
      `UNION ALL SELECT ai.rid FROM attr_index ai WHERE ai.path = ${PATH_ID} AND ai.num IS NOT NULL)`
    );
  }
  if (r.jsonPath === null) {
    params.push(r.path, ...pred!.params);
    return `${alias}.rid ${inOp} (SELECT ai.rid FROM attr_index ai WHERE ai.path = ${PATH_ID} AND ${pred!.sql})`;
  }
  if (pred === null) {
    params.push(r.path, r.jsonPath);
    return `${alias}.rid ${inOp} (SELECT ai.rid FROM attr_index ai WHERE ai.path = ${PATH_ID} AND ai.num IS NULL AND ai.kind = 'j' AND json_type(ai.json, ?) IS NOT NULL)`;
  }
  params.push(r.jsonPath, r.path, r.jsonPath, ...pred.params);
  return (
    `${alias}.rid ${inOp} (SELECT ai.rid FROM attr_index ai, json_each(ai.json, ?) je ` +
    `WHERE ai.path = ${PATH_ID} AND ai.num IS NULL AND ai.kind = 'j' AND json_type(ai.json, ?) <> 'object' AND ${pred.sql})`
  );
}

/**
 * The same on an observedAt path: its values, read from the entity's document by `q_times` (a JSON
 * array, NULL when there are none), are the elements `je` of json_each. JSON members after an
 * observedAt (a string) address nothing.
 */
function timesSub(r: ResolvedAttr, alias: string, pred: Pred | null, not: boolean, params: unknown[]): string {
  if (r.jsonPath !== null) return not ? '1' : '0';
  // the attribute's instances, cut out of the document by SQLite, then the values by q_times
  const times = `q_times(json_extract(${alias}.doc, ?), ?)`;
  params.push(`$.attrs."${r.attribute}"`, r.path);
  if (pred === null) return `${times} IS ${not ? '' : 'NOT '}NULL`;
  params.push(...pred.params);
  return `${not ? 'NOT ' : ''}EXISTS (SELECT 1 FROM json_each(${times}) je WHERE ${pred.sql})`;
}
