import type { StoredAttribute, StoredEntity } from '../../ngsi-ld/types';
import { indexRows, type IndexRow } from './attr-index';

const X = 'https://x.org/';
const entity = (attrs: Record<string, StoredAttribute[]>): StoredEntity => ({
  id: 'urn:ngsi-ld:T:1',
  types: [X + 'T'],
  createdAt: '2024-01-01T00:00:00.000Z',
  modifiedAt: '2024-01-01T00:00:00.000Z',
  attrs,
});

const n = (path: string, num: number, dataset: string | null = null): IndexRow => ({ path, dataset, kind: 'n', num, str: null, json: null });
const s = (path: string, str: string, dataset: string | null = null): IndexRow => ({ path, dataset, kind: 's', num: null, str, json: null });
const b = (path: string, v: boolean): IndexRow => ({ path, dataset: null, kind: 'b', num: v ? 1 : 0, str: null, json: null });
const j = (path: string, v: unknown): IndexRow => ({ path, dataset: null, kind: 'j', num: null, str: null, json: JSON.stringify(v) });
const x = (path: string): IndexRow => ({ path, dataset: null, kind: 'x', num: null, str: null, json: null });

const A = X + 'a';
const B = X + 'b';
const C = X + 'c';

const cases: Array<[string, Record<string, StoredAttribute[]>, IndexRow[]]> = [
  ['number', { [A]: [{ type: 'Property', value: 21.5 }] }, [n(A, 21.5)]],
  ['string', { [A]: [{ type: 'Property', value: 'on' }] }, [s(A, 'on')]],
  ['boolean', { [A]: [{ type: 'Property', value: false }] }, [b(A, false)]],
  ['null value', { [A]: [{ type: 'Property', value: null }] }, [x(A)]],
  ['date-time string is canonical', { [A]: [{ type: 'Property', value: '2024-01-01T12:00:00+02:00' }] }, [s(A, '2024-01-01T10:00:00.000Z')]],
  ['typed value', { [A]: [{ type: 'Property', value: { '@type': 'DateTime', '@value': '2024-01-01T10:00:00Z' } }] }, [s(A, '2024-01-01T10:00:00.000Z')]],
  ['array value', { [A]: [{ type: 'Property', value: [1, 'x', true, { k: 1 }, [2]] }] }, [n(A, 1), s(A, 'x'), b(A, true), j(A, { k: 1 }), j(A, [2])]],
  ['empty array', { [A]: [{ type: 'Property', value: [] }] }, [x(A)]],
  ['object value', { [A]: [{ type: 'Property', value: { k: { l: 2 } } }] }, [j(A, { k: { l: 2 } })]],
  ['relationship', { [A]: [{ type: 'Relationship', object: 'urn:x:1' }] }, [s(A, 'urn:x:1')]],
  ['relationship to many', { [A]: [{ type: 'Relationship', object: ['urn:x:1', 'urn:x:2'] }] }, [s(A, 'urn:x:1'), s(A, 'urn:x:2')]],
  ['list relationship', { [A]: [{ type: 'ListRelationship', objectList: [{ object: 'urn:x:1' }, 'urn:x:2'] }] }, [s(A, 'urn:x:1'), s(A, 'urn:x:2')]],
  ['list property', { [A]: [{ type: 'ListProperty', valueList: [3, 'y'] }] }, [n(A, 3), s(A, 'y')]],
  [
    'language property',
    { [A]: [{ type: 'LanguageProperty', languageMap: { fr: 'Bonjour', en: ['Hello', 'Hi'] } }] },
    [s(A, 'Bonjour'), s(A, 'Hello'), s(A, 'Hi'), j(A, { fr: 'Bonjour', en: ['Hello', 'Hi'] })],
  ],
  ['json property', { [A]: [{ type: 'JsonProperty', json: { k: [1, 2] } }] }, [j(A, { k: [1, 2] })]],
  ['json property, scalar', { [A]: [{ type: 'JsonProperty', json: 5 }] }, [j(A, 5)]],
  ['vocab property', { [A]: [{ type: 'VocabProperty', vocab: [X + 'v1', X + 'v2'] }] }, [s(A, X + 'v1'), s(A, X + 'v2')]],
  ['geo property', { [A]: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } }] }, [j(A, { type: 'Point', coordinates: [1, 2] })]],
  [
    'reserved members (system attributes are not indexed)',
    { [A]: [{ type: 'Property', value: 1, observedAt: '2024-01-01T10:00:00Z', unitCode: 'CEL', createdAt: 'c', modifiedAt: 'm', instanceId: 'urn:i' }] },
    [n(A, 1), s(`${A} observedAt`, '2024-01-01T10:00:00.000Z'), s(`${A} unitCode`, 'CEL')], // createdAt/modifiedAt are not indexed
  ],
  [
    'datasets',
    { [A]: [{ type: 'Property', value: 1 }, { type: 'Property', value: 2, datasetId: 'urn:ds:1', [B]: { type: 'Property', value: 3 } }] },
    [n(A, 1), n(A, 2, 'urn:ds:1'), s(`${A} datasetId`, 'urn:ds:1', 'urn:ds:1'), n(`${A} ${B}`, 3, 'urn:ds:1')],
  ],
  [
    'sub-attributes to any depth',
    { [A]: [{ type: 'Property', value: 1, [B]: { type: 'Relationship', object: 'urn:x:1', [C]: [{ type: 'Property', value: 'deep' }] } }] },
    [n(A, 1), s(`${A} ${B}`, 'urn:x:1'), s(`${A} ${B} ${C}`, 'deep')],
  ],
  ['sub-attribute without value', { [A]: [{ type: 'Property', value: 1, [B]: { type: 'Property', value: null } }] }, [n(A, 1), x(`${A} ${B}`)]],
  ['malformed sub-attribute is ignored', { [A]: [{ type: 'Property', value: 1, [B]: 'not an attribute' }] }, [n(A, 1)]],
];

describe('indexRows', () => {
  test.each(cases)('%s', (_name, attrs, expected) => {
    expect(indexRows(entity(attrs))).toEqual(expected);
  });

  test('depth is bounded', () => {
    let attr: StoredAttribute = { type: 'Property', value: 0 };
    for (let i = 0; i < 20; i++) attr = { type: 'Property', value: i + 1, [B]: attr };
    const rows = indexRows(entity({ [A]: [attr] }));
    expect(rows).toHaveLength(9);
    expect(rows[8].path.split(' ')).toHaveLength(9);
  });

  test('the rows the store keeps leave out observedAt, at every level', () => {
    const attrs = { [A]: [{ type: 'Property' as const, value: 1, observedAt: '2024-01-01T10:00:00Z', unitCode: 'CEL', [B]: { type: 'Property' as const, value: 2, observedAt: '2024-01-01T10:00:00Z' } }] };
    expect(indexRows(entity(attrs), false)).toEqual([n(A, 1), s(`${A} unitCode`, 'CEL'), n(`${A} ${B}`, 2)]);
    expect(indexRows(entity(attrs)).filter((r) => r.path.endsWith(' observedAt'))).toHaveLength(2);
  });

  test('every attribute yields at least one row', () => {
    const rows = indexRows(entity({ [A]: [{ type: 'JsonProperty', json: null }], [B]: [{ type: 'ListProperty', valueList: [] }] }));
    expect(rows).toEqual([j(A, null), x(B)]);
  });
});
