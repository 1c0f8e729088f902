/**
 * The NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9) and type selections (clause 4.17):
 * parse → tree → SQL on the store's indexes, or in-memory matching.
 */
export type { CompareOp, EqualityOp, Expand, PatternOp, QAttr, QExpr, QTerm, QValue, TypeExpr } from './ast';
export { parseQ } from './parse-q';
export { parseTypeExpr } from './parse-type';
export { qToSql, type SqlFragment } from './to-sql';
export { typeToSql } from './type-to-sql';
export { matchQ, matchQRows, matchType, rowMap, type RowMap } from './match';
export { registerQFunctions } from './sql-functions';
export { compileRegex, regexMatch } from './regex';
export { canonicalStr } from './canonical';
export { MAX_QUERY_LENGTH } from './limits';
