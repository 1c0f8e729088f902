/**
 * Expressions: what is refused when a mapping loads, missing values (they stay missing and name the
 * input), member access (own JSON members only), and the work bound of one message.
 */
import { compileExpr } from './expressions';
import { Budget, ExprError, Missing, MAX_STEPS } from './expr-values';
import type { ExprContext } from './types';

const ctx = (payload: unknown, more: Partial<ExprContext> = {}): ExprContext => ({ payload, territory: 'eclor', receivedAt: '2026-09-02T06:00:02Z', deviceId: 'd1', ...more });
const run = (source: string, payload: unknown, more: Partial<ExprContext> = {}) => compileExpr(source, '/x', 1).evaluate(ctx(payload, more));
const missing = (source: string, payload: unknown, more: Partial<ExprContext> = {}) => {
  const v = run(source, payload, more);
  if (!(v instanceof Missing)) throw new Error(`${source}: not missing, ${JSON.stringify(v)}`);
  return v.reason;
};

describe('refused when the mapping loads', () => {
  test.each<[string, RegExp]>([
    ['paylaod.meta.snr', /unknown name "paylaod" \(an expression starts from payload, deviceId, device, territory, receivedAt\)/],
    ['payload.a + devise.x', /unknown name "devise"/],
    ["payload.l[.x == payload.l[.x == 5][0].x][0].x", /^a filter inside the filter of payload\.l is not allowed: its work grows with the square of the payload$/],
    ['payload.l[.x in payload.m[.y > 1]]', /a filter inside the filter of payload\.l/],
    ['payload.a | pct', /unknown transform \|pct/],
    ['eval("1")', /function eval\(\) is not available/],
    ['payload.counts.in', /Token in .* unexpected.*"in" is a keyword or a reserved name: write the field with brackets, e\.g\. payload\.x\['in'\]/],
    ['payload.constructor', /"constructor" is a keyword or a reserved name: write the field with brackets/],
    ['payload.a.true', /"true" is a keyword/],
  ])('%s', (source, reason) => {
    expect(() => compileExpr(source, '/x', 1)).toThrow(reason);
  });

  test('the deviceId expression cannot use deviceId or device', () => {
    expect(() => compileExpr('device.id', '/deviceId', 1, ['payload', 'territory', 'receivedAt'])).toThrow(/device is not known yet in the deviceId expression/);
  });

  test('".v" outside a filter is refused; a filter whose condition starts with a parenthesis is still a filter', () => {
    expect(() => compileExpr('.v', '/x', 1)).toThrow(/"\.v" names an element of a list: it is only meaningful in a filter/);
    expect(() => compileExpr('payload.a[0] + .v', '/x', 1)).toThrow(/only meaningful in a filter/);
    expect(run("payload.list[(.v | string) == '3'].k", { list: [{ v: 2, k: 'a' }, { v: 3, k: 'b' }] })).toBe('b');
  });

  test('what is allowed: filters one after another, and filters inside a static index', () => {
    expect(() => compileExpr("payload.l[.kind == 'a'][.v > 1][0].v", '/x', 1)).not.toThrow();
    expect(() => compileExpr("payload.m[payload.l[.kind == 'a'][0].i]", '/x', 1)).not.toThrow();
    expect(() => compileExpr("payload.counts['in'] + payload.counts.out", '/x', 1)).not.toThrow();
  });
});

describe('a missing input gives a missing value that names it', () => {
  test.each<[string, unknown, string]>([
    ['payload.rxInfo[0].rssi', { id: 'x' }, 'payload.rxInfo is missing'],
    ['payload.rxInfo[0].rssi', { rxInfo: null }, 'payload.rxInfo is missing'],
    ['payload.rxInfo[0].rssi', { rxInfo: [] }, 'payload.rxInfo[0] is missing'],
    ['payload.rxInfo[0].rssi', { rxInfo: [{}] }, 'payload.rxInfo[0].rssi is missing'],
    ["payload.list[.kind == 'no2'].value", {}, 'payload.list is missing'],
    ["payload.list[.kind == 'no2'].value", { list: [{ kind: 'o3', value: 1 }] }, 'payload.list[…].value is missing'],
    ["payload.counts['in']", { counts: {} }, 'payload.counts["in"] is missing'],
    ['payload.a * 2', {}, 'payload.a is missing'],
    ['((payload.tempF | number) - 32) * 5 / 9', {}, 'payload.tempF is missing'],
    ['payload.h * 1 | round', {}, 'payload.h is missing'],
    ["'id-' + payload.sn", {}, 'payload.sn is missing'],
    ['[payload.lon, payload.lat]', { lon: 4 }, 'payload.lat is missing'],
    ['payload.a && payload.b', { b: 1 }, 'payload.a is missing'],
    ['payload.a | default(payload.b)', {}, 'payload.b is missing'],
    ['payload.a | round(payload.d)', { a: 1.23 }, 'payload.d is missing'],
  ])('%s on %j: %s', (source, payload, reason) => {
    expect(missing(source, payload)).toBe(reason);
  });

  test('an unknown device', () => {
    expect(missing('device.location[0]', {})).toBe('device is missing: the deviceId is not in the territory device registry');
    expect(run('device.location[0]', {}, { device: { location: [4.9, 45.8] } })).toBe(4.9);
  });

  test('missing is not a failure where it has a meaning', () => {
    expect(run('payload.a || 3', {})).toBe(3);
    expect(run('payload.a | default(3)', {})).toBe(3);
    expect(run("payload.a ? 'yes' : 'no'", {})).toBe('no');
    expect(run('!payload.a', {})).toBe(true);
    expect(run('payload.a == payload.b', {})).toBe(true);
    expect(run("payload.l[.kind == 'x']", { l: [{ kind: 'y' }] })).toEqual([]);
    expect(run('{ a: payload.a, b: 1 }', {})).toEqual({ b: 1 });
  });
});

describe('values', () => {
  test.each<[string, unknown, unknown]>([
    ["payload.list[.kind == 'no2'].value", { list: [{ kind: 'o3', value: 1 }, { kind: 'no2', value: 2 }] }, 2],
    ['payload.rxInfo[0].rssi', { rxInfo: [{ rssi: -90 }] }, -90],
    ['payload["x y"]', { 'x y': 1 }, 1],
    ["payload.counts['in'] + payload.counts.out", { counts: { in: 12, out: 7 } }, 19],
    ['payload.a // 2 + payload.a % 2 + 2 ^ 3', { a: 7 }, 12],
    ["payload.s + '-' + territory + '-' + deviceId", { s: 'a' }, 'a-eclor-d1'],
    ["'b' in payload.l && 'c' in 'abc'", { l: ['a', 'b'] }, true],
    ['payload.n > 1 ? payload.n : -1', { n: 0 }, -1],
    ['payload.s.length', { s: 'abc' }, 3],
    ['payload.l[true]', { l: [1] }, [1]],
  ])('%s', (source, payload, expected) => {
    expect(run(source, payload)).toEqual(expected);
  });

  test('a computation that gives no number is said with its inputs', () => {
    expect(() => run('payload.a * 2', { a: 'x' })).toThrow('"x" * 2 gives NaN');
    expect(() => run('payload.a / 0', { a: 1 })).toThrow('1 / 0 gives Infinity');
  });

  test('only own JSON members: no prototype, no function', () => {
    for (const source of ["payload['constructor']", "payload['__proto__']", "payload.s['constructor']", "payload['toString']"]) {
      const v = run(source, { s: 'x', l: [1, 2] });
      expect(v instanceof Missing || (Array.isArray(v) && v.length === 0)).toBe(true);
    }
    expect(run("payload['constructor']", JSON.parse('{"constructor": 5}'))).toBe(5);
    const made = run('payload', JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.keys(made)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the work of one message is bounded', () => {
  const big = (n: number) => ({ l: Array.from({ length: n }, (_, i) => ({ x: i, kind: i % 2 ? 'a' : 'b' })), ids: Array.from({ length: n }, (_, i) => i) });

  test('a filter over an array of thousands of elements is fine', () => {
    expect(run("payload.l[.x == 49999].kind", big(50_000))).toBe('a');
  });

  test('a filter that does native work per element is stopped at the budget', () => {
    expect(() => run('payload.l[.x in payload.ids][0].x', big(6000))).toThrow(new ExprError(`needs more than ${MAX_STEPS} steps of work for one message (payload arrays or strings too large for this mapping)`));
    expect(run('payload.l[.x in payload.ids][0].x', big(300))).toBe(0);
  });

  test('a list or an object is compared as itself, never turned into a string, and is no operand of arithmetic', () => {
    const payload = { l: big(3000).l, big: [Array.from({ length: 100_000 }, (_, i) => `s${i}`)] };
    expect(run('payload.l[.x == payload.big]', payload)).toEqual([]);
    expect(run('payload.big == payload.big', payload)).toBe(true);
    expect(run('payload.big != payload.l', payload)).toBe(true);
    expect(run('payload.big < 3', payload)).toBe(false);
    expect(() => run('payload.big + "x"', payload)).toThrow(/a list or an object is not a number or a string/);
  });

  test('copying a value many times counts', () => {
    const source = `[${Array(400).fill('payload.l').join(', ')}]`;
    expect(() => run(source, big(5000))).toThrow(/needs more than/);
  });

  test('the expressions of one message share the budget', () => {
    const budget = new Budget(100);
    const e = compileExpr('payload.l[.x > 0]', '/x', 1);
    e.evaluate(ctx(big(10)), { budget });
    expect(() => e.evaluate(ctx(big(10)), { budget })).toThrow(/needs more than 100 steps/);
  });
});
