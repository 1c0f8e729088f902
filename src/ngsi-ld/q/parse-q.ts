/**
 * Parser of the NGSI-LD query language, the `q` parameter (ETSI GS CIM 009 v1.8, clause 4.9):
 *
 *   query   = or
 *   or      = and *("|" and)
 *   and     = primary *(";" primary)
 *   primary = "(" or ")" / term
 *   term    = ["!"] attr [op value]          ; "!attr": the attribute does not exist
 *   value   = single [".." single] / single 1*("," single) / "[" single *("," single) "]" / pattern
 *
 * Pure: string in, {@link QExpr} out; errors are BadRequestData (syntax) or TooComplexQuery (limits).
 */
import type { EqualityOp, QAttr, QExpr, QTerm, QValue } from './ast';
import { MAX_DEPTH, MAX_PATTERN_LENGTH, MAX_TERMS, MAX_VALUES, checkLength, tooComplex } from './limits';
import { compileRegex } from './regex';
import { QScanner, type Operator } from './scanner';
import { classifyBare, valueTypeName } from './values';

interface State {
  s: QScanner;
  terms: number;
  values: number;
}

/**
 * Parses a `q` expression.
 *
 * @example
 * parseQ('temperature>20;status=="on"');
 * // { kind: 'and', items: [
 * //   { kind: 'compare', attr: { path: ['temperature'], members: [] }, op: '>', value: { type: 'number', value: 20 } },
 * //   { kind: 'compare', attr: { path: ['status'], members: [] }, op: '==', value: { type: 'string', value: 'on' } } ] }
 */
export function parseQ(src: string): QExpr {
  checkLength('q', src);
  const st: State = { s: new QScanner(src, 'q'), terms: 0, values: 0 };
  const { s } = st;
  s.skipSpace();
  if (s.eof()) s.fail('the query is empty');
  const expr = parseOr(st, 0);
  s.skipSpace();
  if (!s.eof()) s.fail(s.peek() === ')' ? "unbalanced ')'" : `expected ';', '|', ')' or the end of the query, found ${s.found()}`);
  return expr;
}

function parseOr(st: State, depth: number): QExpr {
  const items = [parseAnd(st, depth)];
  while (acceptSep(st.s, '|')) items.push(parseAnd(st, depth));
  return items.length === 1 ? items[0] : { kind: 'or', items };
}

function parseAnd(st: State, depth: number): QExpr {
  const items = [parsePrimary(st, depth)];
  while (acceptSep(st.s, ';')) items.push(parsePrimary(st, depth));
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

function acceptSep(s: QScanner, sep: string): boolean {
  s.skipSpace();
  return s.accept(sep);
}

function parsePrimary(st: State, depth: number): QExpr {
  const { s } = st;
  s.skipSpace();
  const open = s.pos;
  if (!s.accept('(')) return parseTerm(st);
  if (depth >= MAX_DEPTH) throw tooComplex('q', `more than ${MAX_DEPTH} nested parentheses`);
  const e = parseOr(st, depth + 1);
  s.skipSpace();
  if (!s.accept(')')) s.fail(`expected ')' closing the '(' at position ${open + 1}, found ${s.found()}`);
  return e;
}

function parseTerm(st: State): QTerm {
  const { s } = st;
  if (++st.terms > MAX_TERMS) throw tooComplex('q', `more than ${MAX_TERMS} query terms`);
  const start = s.pos;
  const negated = s.peek() === '!' && s.peek(1) !== '=' && s.peek(1) !== '~';
  if (negated) s.pos++;
  const attr = s.readAttr();
  s.skipSpace();
  const opAt = s.pos;
  const op = s.readOperator();
  if (op === undefined) {
    if (s.peek() === '=') s.fail("'=' is not an operator, use '=='");
    return { kind: 'exists', attr, negated };
  }
  if (negated) s.fail("'!' (attribute does not exist) cannot be followed by an operator", start);
  s.skipSpace();
  if (op === '~=' || op === '!~=') return { kind: 'pattern', attr, op, pattern: readPattern(s) };
  return parseValueTerm(st, attr, op, opAt);
}

function readPattern(s: QScanner): string {
  const at = s.pos;
  const pattern = s.readPattern();
  if (pattern === '') s.fail('expected a regular expression', at);
  if (pattern.length > MAX_PATTERN_LENGTH) throw tooComplex('q', `regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
  if (compileRegex(pattern) === null) s.fail(`invalid regular expression '${pattern}'`, at);
  return pattern;
}

type ValueOp = Exclude<Operator, '~=' | '!~='>;

function parseValueTerm(st: State, attr: QAttr, op: ValueOp, opAt: number): QTerm {
  const { s } = st;
  const equality = (): EqualityOp => (op === '==' || op === '!=' ? op : s.fail(`a value list or range needs '==' or '!=', not '${op}'`, opAt));
  if (s.accept('[')) {
    const values = readList(st);
    s.skipSpace();
    if (!s.accept(']')) s.fail(`expected ',' or ']' in the value list, found ${s.found()}`);
    return { kind: 'list', attr, op: equality(), values };
  }
  const first = readValue(st);
  if (s.accept('..')) {
    const eq = equality();
    const to = readValue(st);
    const bad = [first, to].find((v) => v.type === 'boolean' || v.type === 'uri');
    if (bad) s.fail(`a range cannot have ${valueTypeName(bad)} bounds`, opAt);
    if ((first.type === 'number') !== (to.type === 'number')) s.fail('the bounds of a range must both be numbers or both be text/dates/times', opAt);
    return { kind: 'range', attr, op: eq, from: first, to };
  }
  s.skipSpace();
  if (s.peek() === ',') {
    const eq = equality();
    s.pos++;
    return { kind: 'list', attr, op: eq, values: [first, ...readList(st)] };
  }
  if (op !== '==' && op !== '!=' && (first.type === 'boolean' || first.type === 'uri')) {
    s.fail(`'${op}' needs a number, string, date, time or date-time, not a ${valueTypeName(first)}`, opAt);
  }
  return { kind: 'compare', attr, op, value: first };
}

/** Values separated by commas (at least one). */
function readList(st: State): QValue[] {
  const values = [readValue(st)];
  for (;;) {
    st.s.skipSpace();
    if (!st.s.accept(',')) return values;
    values.push(readValue(st));
  }
}

function readValue(st: State): QValue {
  const { s } = st;
  if (++st.values > MAX_VALUES) throw tooComplex('q', `more than ${MAX_VALUES} values`);
  s.skipSpace();
  const at = s.pos;
  if (s.peek() === '"') return { type: 'string', value: s.readQuoted() };
  const text = s.readBare();
  if (text === '') s.fail(`expected a value, found ${s.found()}`);
  const v = classifyBare(text);
  if (v === undefined) {
    return s.fail(`unquoted value '${text}' is not a number, boolean, date, time, date-time or URI (quote text: "${text}")`, at);
  }
  return v;
}
