/**
 * Evaluates q and type trees in memory (ETSI GS CIM 009 v1.8, clauses 4.9 and 4.17), e.g. for
 * subscriptions. Built on `indexRows()` so that "the values of a path" are exactly the rows the SQL
 * of to-sql.ts sees; the semantics are documented there and a test checks that both agree.
 */
import { indexRows, type IndexRow } from '../../broker/store/attr-index';
import type { StoredEntity } from '../types';
import type { Expand, QExpr, QTerm, TypeExpr } from './ast';
import { canonicalStr, compareStr } from './canonical';
import { memberValue, resolveAttr } from './paths';
import { regexMatch } from './regex';
import { comparable, formOf, type Comparable } from './values';

/** attr_index rows of one entity grouped by path. */
export type RowMap = Map<string, IndexRow[]>;

/**
 * Groups the index rows of an entity by path, to match several queries against one entity.
 *
 * @example
 * const rows = rowMap(entity);
 * subscriptions.filter((s) => matchQRows(s.q, rows, expand));
 */
export function rowMap(entity: StoredEntity): RowMap {
  const map: RowMap = new Map();
  for (const r of indexRows(entity)) {
    const list = map.get(r.path);
    if (list) list.push(r);
    else map.set(r.path, [r]);
  }
  return map;
}

/**
 * Whether an entity matches a q tree.
 *
 * @example
 * matchQ(parseQ('temperature>20'), entity, (t) => context.expand(t)); // true or false
 */
export function matchQ(ast: QExpr, entity: StoredEntity, expand: Expand): boolean {
  return matchQRows(ast, rowMap(entity), expand);
}

/**
 * {@link matchQ} on rows already grouped by {@link rowMap}.
 *
 * @example
 * matchQRows(parseQ('a'), rowMap(entity), expand);
 */
export function matchQRows(ast: QExpr, rows: RowMap, expand: Expand): boolean {
  if (ast.kind === 'and') return ast.items.every((i) => matchQRows(i, rows, expand));
  if (ast.kind === 'or') return ast.items.some((i) => matchQRows(i, rows, expand));
  return matchTerm(ast, rows, expand);
}

/**
 * Whether an entity with these (expanded) types matches a type expression.
 *
 * @example
 * matchType(parseTypeExpr('Parking|Road'), ['https://x/Road'], (t) => 'https://x/' + t); // true
 */
export function matchType(ast: TypeExpr, types: string[], expand: Expand): boolean {
  if (ast.kind === 'and') return ast.items.every((i) => matchType(i, types, expand));
  if (ast.kind === 'or') return ast.items.some((i) => matchType(i, types, expand));
  return types.includes(expand(ast.name));
}

function matchTerm(t: QTerm, rowsByPath: RowMap, expand: Expand): boolean {
  const r = resolveAttr(t.attr, expand);
  const rows = rowsByPath.get(r.path) ?? [];
  const docs = r.members.length ? rows.filter((x) => x.kind === 'j').map((x) => memberValue(JSON.parse(x.json as string), r.members)) : [];
  const exists = r.members.length ? docs.some((d) => d !== undefined) : rows.length > 0;
  if (t.kind === 'exists') return t.negated ? !exists : exists;
  if (!exists) return false;
  const values = r.members.length ? docs.flatMap(jsonValues) : rows.flatMap(rowValue);
  let test: (v: Comparable) => boolean;
  if (t.kind === 'pattern') {
    test = (v) => v.cls === 's' && regexMatch(t.pattern, v.v);
  } else if (t.kind === 'compare') {
    const lit = comparable(t.value);
    const op = t.op === '!=' ? '==' : t.op;
    const form = formOf(t.value)?.re;
    test = (v) => v.cls === lit.cls && (!form || form.test(v.v as string)) && OPS[op](cmp(v, lit));
  } else if (t.kind === 'range') {
    const [from, to] = [comparable(t.from), comparable(t.to)];
    const form = (formOf(t.from) ?? formOf(t.to))?.re;
    test = (v) => v.cls === from.cls && (!form || form.test(v.v as string)) && cmp(v, from) >= 0 && cmp(v, to) <= 0;
  } else {
    const lits = t.values.map(comparable);
    test = (v) => lits.some((l) => l.cls === v.cls && cmp(v, l) === 0);
  }
  const any = values.some(test);
  return t.op === '!=' || t.op === '!~=' ? !any : any;
}

const OPS = {
  '==': (c: number) => c === 0,
  '>': (c: number) => c > 0,
  '>=': (c: number) => c >= 0,
  '<': (c: number) => c < 0,
  '<=': (c: number) => c <= 0,
};

/** Compares two values of the same class, as SQLite does (numbers, BINARY-collated text). */
function cmp(a: Comparable, b: Comparable): number {
  if (a.cls === 's') return compareStr(a.v, b.v as string);
  const [x, y] = [a.v, b.v as number];
  return x < y ? -1 : x > y ? 1 : 0;
}

function rowValue(r: IndexRow): Comparable[] {
  if (r.kind === 'n') return [{ cls: 'n', v: r.num as number }];
  if (r.kind === 'b') return [{ cls: 'b', v: r.num ? 1 : 0 }];
  if (r.kind === 's') return [{ cls: 's', v: r.str as string }];
  return [];
}

/** Values of a JSON member: the scalar, or the scalar elements of an array (as json_each). */
function jsonValues(d: unknown): Comparable[] {
  const out: Comparable[] = [];
  for (const v of Array.isArray(d) ? d : typeof d === 'object' && d !== null ? [] : [d]) {
    if (typeof v === 'number') out.push({ cls: 'n', v });
    else if (typeof v === 'string') out.push({ cls: 's', v: canonicalStr(v) });
    else if (typeof v === 'boolean') out.push({ cls: 'b', v: v ? 1 : 0 });
  }
  return out;
}
