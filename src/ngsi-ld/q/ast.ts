/**
 * Syntax trees of the NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9) and of entity type
 * expressions (clause 4.17). Produced by parse-q.ts / parse-type.ts; consumed by to-sql.ts,
 * type-to-sql.ts and match.ts. Names are kept as written (terms or IRIs): expansion happens later.
 */

/** A literal as written in the query; date/time values keep their text. */
export type QValue =
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'string' | 'date' | 'time' | 'dateTime' | 'uri'; value: string };

/** `a.b.c[d][e]` → `{ path: ['a', 'b', 'c'], members: ['d', 'e'] }`. */
export interface QAttr {
  /** attribute, then sub-attribute names (or a reserved member such as observedAt) */
  path: string[];
  /** JSON member keys inside the value, outermost first (never expanded) */
  members: string[];
}

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type EqualityOp = '==' | '!=';
export type PatternOp = '~=' | '!~=';

/** A query term (clause 4.9 "QueryTerm"). */
export type QTerm =
  /** `a` (the attribute exists) or `!a` (it does not) */
  | { kind: 'exists'; attr: QAttr; negated: boolean }
  | { kind: 'compare'; attr: QAttr; op: CompareOp; value: QValue }
  /** `a==1,2,3` or `a==[1,2,3]`: equal to one of the values (`!=`: to none) */
  | { kind: 'list'; attr: QAttr; op: EqualityOp; values: QValue[] }
  /** `a==1..5`: within the inclusive range (`!=`: outside it) */
  | { kind: 'range'; attr: QAttr; op: EqualityOp; from: QValue; to: QValue }
  | { kind: 'pattern'; attr: QAttr; op: PatternOp; pattern: string };

/** `;` is AND, `|` is OR; AND binds tighter. */
export type QExpr = QTerm | { kind: 'and'; items: QExpr[] } | { kind: 'or'; items: QExpr[] };

/** Entity type selector: `A,B` and `A|B` are OR, `A;B` is AND, parentheses group. */
export type TypeExpr = { kind: 'type'; name: string } | { kind: 'and'; items: TypeExpr[] } | { kind: 'or'; items: TypeExpr[] };

/** Expands a term (attribute or type name) to its IRI; IRIs come back unchanged. */
export type Expand = (term: string) => string;
