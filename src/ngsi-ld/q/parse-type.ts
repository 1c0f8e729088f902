/**
 * Parser of entity type selections, the `type` parameter (ETSI GS CIM 009 v1.8, clause 4.17):
 *
 *   expr    = and *(("," / "|") and)       ; "," and "|" are OR
 *   and     = primary *(";" primary)       ; ";" is AND, binds tighter
 *   primary = "(" expr ")" / name
 *
 * Names are terms or IRIs, kept as written (IRIs may contain dots).
 */
import type { TypeExpr } from './ast';
import { MAX_DEPTH, MAX_TERMS, checkLength, describeAt, syntaxError, tooComplex } from './limits';

const NAME_END = /[\s,;|()]/;
const FORBIDDEN = /["'<>=\\[\]{}]/;

interface State {
  src: string;
  pos: number;
  names: number;
}

/**
 * Parses a type selection.
 *
 * @example
 * parseTypeExpr('Parking,Road');
 * // { kind: 'or', items: [{ kind: 'type', name: 'Parking' }, { kind: 'type', name: 'Road' }] }
 * parseTypeExpr('(A|B);C');
 * // { kind: 'and', items: [{ kind: 'or', items: [A, B] }, { kind: 'type', name: 'C' }] }
 */
export function parseTypeExpr(src: string): TypeExpr {
  checkLength('type', src);
  const st: State = { src, pos: 0, names: 0 };
  skip(st);
  if (st.pos >= src.length) throw syntaxError('type', 0, 'the type selection is empty');
  const e = parseOr(st, 0);
  skip(st);
  if (st.pos < src.length) {
    throw syntaxError('type', st.pos, src[st.pos] === ')' ? "unbalanced ')'" : `expected ',', '|', ';' or the end, found ${describeAt(src, st.pos)}`);
  }
  return e;
}

function skip(st: State): void {
  while (st.pos < st.src.length && /\s/.test(st.src[st.pos])) st.pos++;
}

function accept(st: State, chars: string): boolean {
  skip(st);
  if (st.pos < st.src.length && chars.includes(st.src[st.pos])) {
    st.pos++;
    return true;
  }
  return false;
}

function parseOr(st: State, depth: number): TypeExpr {
  const items = [parseAnd(st, depth)];
  while (accept(st, ',|')) items.push(parseAnd(st, depth));
  return items.length === 1 ? items[0] : { kind: 'or', items };
}

function parseAnd(st: State, depth: number): TypeExpr {
  const items = [parsePrimary(st, depth)];
  while (accept(st, ';')) items.push(parsePrimary(st, depth));
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

function parsePrimary(st: State, depth: number): TypeExpr {
  skip(st);
  const open = st.pos;
  if (accept(st, '(')) {
    if (depth >= MAX_DEPTH) throw tooComplex('type', `more than ${MAX_DEPTH} nested parentheses`);
    const e = parseOr(st, depth + 1);
    if (!accept(st, ')')) throw syntaxError('type', st.pos, `expected ')' closing the '(' at position ${open + 1}, found ${describeAt(st.src, st.pos)}`);
    return e;
  }
  const start = st.pos;
  while (st.pos < st.src.length && !NAME_END.test(st.src[st.pos])) st.pos++;
  const name = st.src.slice(start, st.pos);
  if (name === '') throw syntaxError('type', start, `expected a type name, found ${describeAt(st.src, start)}`);
  const bad = FORBIDDEN.exec(name);
  if (bad) throw syntaxError('type', start + bad.index, `character '${bad[0]}' is not allowed in a type name`);
  if (++st.names > MAX_TERMS) throw tooComplex('type', `more than ${MAX_TERMS} type names`);
  return { kind: 'type', name };
}
