/** The transforms, alone: table tests (input, arguments → output or the error). */
import { Budget, ExprError } from './expr-values';
import { slug, toIsoTime, TRANSFORMS, type TransformEnv } from './transforms';

const env: TransformEnv = { timeZone: 'Europe/Paris', budget: new Budget() };
const apply = (name: string, x: unknown, args: unknown[], e = env) => TRANSFORMS[name](x, args, e);

test.each<[string, unknown, unknown[], unknown]>([
  ['number', '12.5', [], 12.5],
  ['number', ' -3e2 ', [], -300],
  ['number', '.5', [], 0.5],
  ['number', undefined, [], undefined],
  ['string', 12, [], '12'],
  ['string', { a: 1 }, [], '{"a":1}'],
  ['round', 0.12345, [2], 0.12],
  ['round', 2.5, [], 3],
  ['percent', 85, [], 0.85],
  ['toUpperCase', 'ab', [], 'AB'],
  ['toLowerCase', 'AB', [], 'ab'],
  ['slug', 'Entrée-Hôtel-de-Ville', [], 'Entree-Hotel-de-Ville'],
  ['slug', ' Büro 3 / Nord ', [], 'Buro-3-Nord'],
  ['slug', 42, [], '42'],
  ['date', 1788328800, [], '2026-09-02T06:00:00Z'],
  ['date', 1788328800123, [], '2026-09-02T06:00:00.123Z'],
  ['date', 1788328800, ['s'], '2026-09-02T06:00:00Z'],
  ['date', 1788328800000, ['ms'], '2026-09-02T06:00:00Z'],
  ['date', '2026-09-02T08:00:00+02:00', [], '2026-09-02T06:00:00Z'],
  ['date', '2026-09-02T08:00:00+0200', [], '2026-09-02T06:00:00Z'],
  ['date', '2028-02-29T08:00:00Z', [], '2028-02-29T08:00:00Z'],
  ['date', '2026-09-02T08:00:00', ['local'], '2026-09-02T06:00:00Z'],
  ['date', '2026-01-15 08:00', ['local'], '2026-01-15T07:00:00Z'],
  ['date', '2026-09-02T08:00:00', ['America/New_York'], '2026-09-02T12:00:00Z'],
  ['date', '2026-09-02T08:00:00Z', ['local'], '2026-09-02T08:00:00Z'],
  ['default', null, [0], 0],
  ['default', 5, [0], 5],
])('%s(%p, %p)', (name, x, args, expected) => {
  expect(apply(name, x, args)).toEqual(expected);
});

test.each<[string, unknown, unknown[], RegExp]>([
  ['number', 'abc', [], /"abc" is not a number/],
  ['number', {}, [], /is not a number/],
  ['number', '0x1F', [], /"0x1F" is not a number \(decimal digits only\)/],
  ['number', '0b101', [], /is not a number/],
  ['number', '0o17', [], /is not a number/],
  ['number', 'Infinity', [], /is not a number/],
  ['number', '', [], /is not a number/],
  ['round', 1, [20], /digits must be an integer/],
  ['round', NaN, [], /round: NaN is not a number/],
  ['toUpperCase', 3, [], /is not a string/],
  ['slug', '!!!', [], /has no letter or digit/],
  ['date', '2026-09-02', [], /is not a time/],
  ['date', '2026-02-30T08:00:00Z', [], /"2026-02-30T08:00:00Z" is not a time .*real calendar date/],
  ['date', '2027-02-29T08:00:00Z', [], /is not a time/],
  ['date', '2026-04-31T08:00:00Z', [], /is not a time/],
  ['date', '2026-13-01T08:00:00Z', [], /is not a time/],
  ['date', '2026-09-02T24:00:00Z', [], /is not a time/],
  ['date', '2026-09-02T08:60:00Z', [], /is not a time/],
  ['date', '2026-09-02T08:00:00+25:00', [], /is not a time/],
  ['date', '2026-09-02T08:00:00', [], /is not a time/],
  ['date', '2026-02-30T08:00:00', ['local'], /is not a local date-time/],
  ['date', 1, ['h'], /'s', 'ms', 'local' or an IANA time zone/],
  ['date', 1e20, [], /is not a valid time/],
])('%s(%p, %p) throws %p', (name, x, args, reason) => {
  expect(() => apply(name, x, args)).toThrow(ExprError);
  expect(() => apply(name, x, args)).toThrow(reason);
});

test("date('local') needs the territory's timeZone", () => {
  expect(() => apply('date', '2026-09-02T08:00:00', ['local'], { budget: new Budget() })).toThrow(/the territory file has no timeZone/);
});

test('toIsoTime keeps milliseconds only when set', () => {
  expect(toIsoTime('2026-09-02T06:00:00.000Z')).toBe('2026-09-02T06:00:00Z');
  expect(toIsoTime('2026-09-02T06:00:00.5Z')).toBe('2026-09-02T06:00:00.500Z');
  expect(toIsoTime('0099-01-01T00:00:00Z')).toBe('0099-01-01T00:00:00Z');
});

test('number, round, percent and slug read long strings in one pass (no regex backtracking)', () => {
  expect(() => apply('number', `${'1'.repeat(60_000)}x`, [], { ...env, budget: new Budget() })).toThrow(/is not a number/);
  expect(apply('percent', '12.5', [], { ...env, budget: new Budget() })).toBe(0.125);
  expect(slug(`a${'-'.repeat(60_000)}a`)).toHaveLength(60_002);
  expect(slug(`${'-'.repeat(60_000)}a${'-'.repeat(60_000)}`)).toBe('a');
});

test('slug keeps what a device id allows', () => {
  expect(slug('a.b_c~d-e')).toBe('a.b_c~d-e');
  expect(slug('Ærø Øst')).toBe('r-st'); // letters without a decomposition are not letters of A-Z: dropped
});
