/** Attribute events of a change (diff.ts): what counts as created, updated, deleted or unchanged. */
import type { StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { diffAttributes } from './diff';

const e = (attrs: Record<string, StoredAttribute[]>): StoredEntity => ({ id: 'urn:x:1', types: ['T'], createdAt: 'c', modifiedAt: 'm', attrs });
const p = (value: unknown, extra: object = {}): StoredAttribute => ({ type: 'Property', value, ...extra });

it.each<[string, StoredEntity | undefined, StoredEntity | undefined, Record<string, string>]>([
  ['creation creates every attribute', undefined, e({ a: [p(1)], b: [p(2)] }), { a: 'created', b: 'created' }],
  ['deletion deletes every attribute', e({ a: [p(1)] }), undefined, { a: 'deleted' }],
  ['same value: nothing', e({ a: [p(1)] }), e({ a: [p(1)] }), {}],
  ['only modifiedAt/createdAt differ: nothing', e({ a: [p(1, { modifiedAt: 'x' })] }), e({ a: [p(1, { modifiedAt: 'y', createdAt: 'z' })] }), {}],
  ['new value', e({ a: [p(1)] }), e({ a: [p(2)] }), { a: 'updated' }],
  ['new observedAt', e({ a: [p(1, { observedAt: '2024-01-01T00:00:00Z' })] }), e({ a: [p(1, { observedAt: '2024-01-02T00:00:00Z' })] }), { a: 'updated' }],
  ['changed sub-attribute', e({ a: [p(1, { q: p(1) })] }), e({ a: [p(1, { q: p(2) })] }), { a: 'updated' }],
  ['deep value equal despite key order', e({ a: [p({ x: 1, y: 2 })] }), e({ a: [p({ y: 2, x: 1 })] }), {}],
  ['another datasetId instance', e({ a: [p(1)] }), e({ a: [p(1), p(1, { datasetId: 'urn:d' })] }), { a: 'updated' }],
  ['added and removed attributes', e({ a: [p(1)] }), e({ b: [p(1)] }), { b: 'created', a: 'deleted' }],
])('%s', (_n, before, after, expected) => {
  expect(Object.fromEntries(diffAttributes(before, after))).toEqual(expected);
});
