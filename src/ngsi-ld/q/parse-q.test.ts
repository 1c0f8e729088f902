import { NgsiError } from '../errors';
import type { QAttr, QExpr, QValue } from './ast';
import { parseQ } from './parse-q';

const at = (...path: string[]): QAttr => ({ path, members: [] });
const mem = (path: string[], ...members: string[]): QAttr => ({ path, members });
const num = (value: number): QValue => ({ type: 'number', value });
const str = (value: string): QValue => ({ type: 'string', value });
const ex = (name: string, negated = false): QExpr => ({ kind: 'exists', attr: at(name), negated });

const valid: Array<[string, QExpr]> = [
  ['a', ex('a')],
  ['!a', ex('a', true)],
  ['a.b.c', { kind: 'exists', attr: at('a', 'b', 'c'), negated: false }],
  ['a[b]', { kind: 'exists', attr: mem(['a'], 'b'), negated: false }],
  ['a[b][c]', { kind: 'exists', attr: mem(['a'], 'b', 'c'), negated: false }],
  ['a.b[c]', { kind: 'exists', attr: mem(['a', 'b'], 'c'), negated: false }],
  ['a[b.c]', { kind: 'exists', attr: mem(['a'], 'b.c'), negated: false }],
  ['a==1', { kind: 'compare', attr: at('a'), op: '==', value: num(1) }],
  ['a==-1.5e3', { kind: 'compare', attr: at('a'), op: '==', value: num(-1500) }],
  ['a!=0', { kind: 'compare', attr: at('a'), op: '!=', value: num(0) }],
  ['a>5', { kind: 'compare', attr: at('a'), op: '>', value: num(5) }],
  ['a>=5.25', { kind: 'compare', attr: at('a'), op: '>=', value: num(5.25) }],
  ['a<-5', { kind: 'compare', attr: at('a'), op: '<', value: num(-5) }],
  ['a<=1E2', { kind: 'compare', attr: at('a'), op: '<=', value: num(100) }],
  ['a=="x y"', { kind: 'compare', attr: at('a'), op: '==', value: str('x y') }],
  ['a=="say \\"hi\\" \\\\ ok"', { kind: 'compare', attr: at('a'), op: '==', value: str('say "hi" \\ ok') }],
  ['a=="C:\\temp"', { kind: 'compare', attr: at('a'), op: '==', value: str('C:\\temp') }],
  ['a=="a;b|c)"', { kind: 'compare', attr: at('a'), op: '==', value: str('a;b|c)') }],
  ['a>"M"', { kind: 'compare', attr: at('a'), op: '>', value: str('M') }],
  ['a==true', { kind: 'compare', attr: at('a'), op: '==', value: { type: 'boolean', value: true } }],
  ['a!=false', { kind: 'compare', attr: at('a'), op: '!=', value: { type: 'boolean', value: false } }],
  ['a==2024-01-01', { kind: 'compare', attr: at('a'), op: '==', value: { type: 'date', value: '2024-01-01' } }],
  ['a>2024-01-01T10:00:00Z', { kind: 'compare', attr: at('a'), op: '>', value: { type: 'dateTime', value: '2024-01-01T10:00:00Z' } }],
  ['a<2024-02-29T10:00:00.5+02:00', { kind: 'compare', attr: at('a'), op: '<', value: { type: 'dateTime', value: '2024-02-29T10:00:00.5+02:00' } }],
  ['a>=10:00:00Z', { kind: 'compare', attr: at('a'), op: '>=', value: { type: 'time', value: '10:00:00Z' } }],
  ['refRoad==urn:ngsi-ld:Road:1', { kind: 'compare', attr: at('refRoad'), op: '==', value: { type: 'uri', value: 'urn:ngsi-ld:Road:1' } }],
  ['a==1..5', { kind: 'range', attr: at('a'), op: '==', from: num(1), to: num(5) }],
  ['a!=1.5..2.5', { kind: 'range', attr: at('a'), op: '!=', from: num(1.5), to: num(2.5) }],
  ['a==-5..-1', { kind: 'range', attr: at('a'), op: '==', from: num(-5), to: num(-1) }],
  ['a==2024-01-01..2024-12-31', { kind: 'range', attr: at('a'), op: '==', from: { type: 'date', value: '2024-01-01' }, to: { type: 'date', value: '2024-12-31' } }],
  ['a=="a".."m"', { kind: 'range', attr: at('a'), op: '==', from: str('a'), to: str('m') }],
  ['a==08:00..18:00', { kind: 'range', attr: at('a'), op: '==', from: { type: 'time', value: '08:00' }, to: { type: 'time', value: '18:00' } }],
  ['a==1,2,3', { kind: 'list', attr: at('a'), op: '==', values: [num(1), num(2), num(3)] }],
  ['a=="x","y"', { kind: 'list', attr: at('a'), op: '==', values: [str('x'), str('y')] }],
  ['a==["x","y"]', { kind: 'list', attr: at('a'), op: '==', values: [str('x'), str('y')] }],
  ['a!=[1, 2]', { kind: 'list', attr: at('a'), op: '!=', values: [num(1), num(2)] }],
  ['a==urn:x:1,urn:x:2', { kind: 'list', attr: at('a'), op: '==', values: [{ type: 'uri', value: 'urn:x:1' }, { type: 'uri', value: 'urn:x:2' }] }],
  ['a~=^foo', { kind: 'pattern', attr: at('a'), op: '~=', pattern: '^foo' }],
  ['a!~="x|y"', { kind: 'pattern', attr: at('a'), op: '!~=', pattern: 'x|y' }],
  ['a~=[;|)]x', { kind: 'pattern', attr: at('a'), op: '~=', pattern: '[;|)]x' }],
  ['a~=\\;x', { kind: 'pattern', attr: at('a'), op: '~=', pattern: '\\;x' }],
  ['a~=(?i)park(ing|ed);b', { kind: 'and', items: [{ kind: 'pattern', attr: at('a'), op: '~=', pattern: '(?i)park(ing|ed)' }, ex('b')] }],
  ['(a~=x)|b', { kind: 'or', items: [{ kind: 'pattern', attr: at('a'), op: '~=', pattern: 'x' }, ex('b')] }],
  ['a;b;c', { kind: 'and', items: [ex('a'), ex('b'), ex('c')] }],
  ['a|b', { kind: 'or', items: [ex('a'), ex('b')] }],
  ['a;b|c', { kind: 'or', items: [{ kind: 'and', items: [ex('a'), ex('b')] }, ex('c')] }],
  ['a|b;c', { kind: 'or', items: [ex('a'), { kind: 'and', items: [ex('b'), ex('c')] }] }],
  ['(a|b);c', { kind: 'and', items: [{ kind: 'or', items: [ex('a'), ex('b')] }, ex('c')] }],
  ['((a))', ex('a')],
  [' a > 5 ; b ', { kind: 'and', items: [{ kind: 'compare', attr: at('a'), op: '>', value: num(5) }, ex('b')] }],
  ['https://example.org/ns/temp>5', { kind: 'compare', attr: at('https://example.org/ns/temp'), op: '>', value: num(5) }],
  ['https://example.org/ns#temp.observedAt', { kind: 'exists', attr: at('https://example.org/ns#temp', 'observedAt'), negated: false }],
  ['https://smartdatamodels.org/dataModel.Environment/temperature', ex('https://smartdatamodels.org/dataModel.Environment/temperature')],
  ['https://x.org/v1.2/t.https://x.org/u', { kind: 'exists', attr: at('https://x.org/v1.2/t', 'https://x.org/u'), negated: false }],
  ['ex:temp.ex:unit', { kind: 'exists', attr: at('ex:temp', 'ex:unit'), negated: false }],
  ['température_2>1', { kind: 'compare', attr: at('température_2'), op: '>', value: num(1) }],
  ['a[b]=="x"', { kind: 'compare', attr: mem(['a'], 'b'), op: '==', value: str('x') }],
];

describe('parseQ: valid queries', () => {
  test.each(valid)('%s', (q, expected) => {
    expect(parseQ(q)).toEqual(expected);
  });
});

function errorOf(fn: () => unknown): NgsiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NgsiError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

const invalid: Array<[string, RegExp]> = [
  ['', /empty/],
  ['   ', /empty/],
  ['a=5', /position 2: '=' is not an operator/],
  ['a==', /expected a value/],
  ['a==hello', /position 4: unquoted value 'hello'/],
  ['a>true', /'>' needs a number/],
  ['a>urn:x:1', /not a URI/],
  ['a>1..5', /needs '==' or '!='/],
  ['a==1.."z"', /both be numbers/],
  ['a==true..false', /unquoted value 'true..false'/],
  ['a=="x"..true', /boolean bounds/],
  ['a=="x"..urn:a:b', /URI bounds/],
  ['a<1,2', /needs '==' or '!='/],
  ['a==[1,2', /expected ',' or ']'/],
  ['a==[]', /expected a value/],
  ['a=="x', /position 4: unterminated string/],
  ['(a', /expected '\)' closing the '\(' at position 1/],
  ['a)', /unbalanced '\)'/],
  ['a;', /expected an attribute name/],
  [';a', /expected an attribute name/],
  ['a||b', /expected an attribute name/],
  ['a~=', /expected a regular expression/],
  ['a~=(', /invalid regular expression/],
  ['a~="[z-a]"', /invalid regular expression/],
  ['!a==1', /cannot be followed by an operator/],
  ['a[b].c', /cannot follow a JSON member/],
  ['a[]', /expected a JSON member name/],
  ['a[b', /expected '\]'/],
  ['1a>2', /expected an attribute name/],
  ['a==2024-13-01', /unquoted value/],
  ['a==2024-02-30', /unquoted value/],
  ['a==25:00', /unquoted value/],
  ['a b', /position 3: expected ';', '\|', '\)' or the end/],
  ['a==1 2', /found '2'/],
  ['a..b', /expected ';'/],
];

describe('parseQ: invalid queries are BadRequestData', () => {
  test.each(invalid)('%s', (q, message) => {
    const err = errorOf(() => parseQ(q));
    expect(err.errorName).toBe('BadRequestData');
    expect(err.message).toMatch(message);
  });
});

const tooComplex: Array<[string, string]> = [
  ['too long', 'a'.repeat(5000)],
  ['too deep', '('.repeat(20) + 'a' + ')'.repeat(20)],
  ['too many terms', Array.from({ length: 70 }, (_, i) => `a${i}`).join(';')],
  ['too many values', 'a==' + Array.from({ length: 300 }, (_, i) => String(i)).join(',')],
  ['too deep a path', Array.from({ length: 10 }, () => 'a').join('.')],
];

describe('parseQ: limits are TooComplexQuery', () => {
  test.each(tooComplex)('%s', (_name, q) => {
    expect(errorOf(() => parseQ(q)).errorName).toBe('TooComplexQuery');
  });
});
