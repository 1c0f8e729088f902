import type { QValue } from './ast';
import { canonicalStr, compareStr } from './canonical';
import { classifyBare, comparable } from './values';

const bare: Array<[string, QValue | undefined]> = [
  ['0', { type: 'number', value: 0 }],
  ['-12', { type: 'number', value: -12 }],
  ['3.25', { type: 'number', value: 3.25 }],
  ['1e3', { type: 'number', value: 1000 }],
  ['2.5E-1', { type: 'number', value: 0.25 }],
  ['true', { type: 'boolean', value: true }],
  ['false', { type: 'boolean', value: false }],
  ['2024-02-29', { type: 'date', value: '2024-02-29' }],
  ['2023-02-29', undefined],
  ['2024-01-01T00:00:00Z', { type: 'dateTime', value: '2024-01-01T00:00:00Z' }],
  ['2024-01-01T00:00:00.123+0100', { type: 'dateTime', value: '2024-01-01T00:00:00.123+0100' }],
  ['2024-01-01T00:00', { type: 'dateTime', value: '2024-01-01T00:00' }],
  ['12:30', { type: 'time', value: '12:30' }],
  ['12:30:15.5Z', { type: 'time', value: '12:30:15.5Z' }],
  ['24:00', undefined],
  ['urn:ngsi-ld:Road:1', { type: 'uri', value: 'urn:ngsi-ld:Road:1' }],
  ['https://x.org/a?b=c', { type: 'uri', value: 'https://x.org/a?b=c' }],
  ['hello', undefined],
  ['1.', undefined],
  ['.5', undefined],
  ['TRUE', undefined],
];

describe('classifyBare', () => {
  test.each(bare)('%s', (text, expected) => expect(classifyBare(text)).toEqual(expected));
});

const canon: Array<[string, string]> = [
  ['2024-01-01T10:00:00Z', '2024-01-01T10:00:00.000Z'],
  ['2024-01-01T12:00:00+02:00', '2024-01-01T10:00:00.000Z'],
  ['2024-01-01T12:00:00+0200', '2024-01-01T10:00:00.000Z'],
  ['2024-01-01T10:00Z', '2024-01-01T10:00:00.000Z'],
  ['2024-01-01T10:00:00.5Z', '2024-01-01T10:00:00.500Z'],
  ['2024-01-01T10:00:00', '2024-01-01T10:00:00'],
  ['2024-01-01', '2024-01-01'],
  ['not a date', 'not a date'],
  ['2024-13-01T10:00:00Z', '2024-13-01T10:00:00Z'],
];

describe('canonicalStr', () => {
  test.each(canon)('%s', (s, expected) => expect(canonicalStr(s)).toBe(expected));
});

const order: Array<[string, string, number]> = [
  ['a', 'b', -1],
  ['b', 'a', 1],
  ['a', 'a', 0],
  ['a', 'ab', -1],
  ['\uffff', '\u{1F600}', -1],
  ['\u{1F600}', '\uffff', 1],
  ['Z', 'a', -1],
];

describe('compareStr orders by code point', () => {
  test.each(order)('%j vs %j', (a, b, expected) => expect(compareStr(a, b)).toBe(expected));
});

test('comparable', () => {
  expect(comparable({ type: 'dateTime', value: '2024-01-01T01:00:00+01:00' })).toEqual({ cls: 's', v: '2024-01-01T00:00:00.000Z' });
  expect(comparable({ type: 'boolean', value: false })).toEqual({ cls: 'b', v: 0 });
  expect(comparable({ type: 'number', value: 2 })).toEqual({ cls: 'n', v: 2 });
});
