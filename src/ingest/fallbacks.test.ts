import { withoutHeldFallbacks } from './fallbacks';
import type { CompletenessReader } from './join-parts';
import type { Translation } from './types';

const at = (x: number) => ({ type: 'GeoProperty' as const, value: { type: 'Point' as const, coordinates: [x, 45] } });
const name = { type: 'Property', value: 'n' };

it('drops a fallback attribute from the entities the broker holds it for, one read per attribute name', async () => {
  const asked: Array<[string[], readonly string[], string[]]> = [];
  const read: CompletenessReader = async (ids, attrs, context) => {
    asked.push([ids, attrs, context]);
    return new Set(ids.filter((id) => id === 'urn:a' || (id === 'urn:b' && attrs[0] === 'name')));
  };
  const t: Translation = {
    context: ['ctx'], mode: 'merge',
    entities: [{ id: 'urn:a', type: 'L', location: at(1), name }, { id: 'urn:b', type: 'L', location: at(2), name }],
    fallback: [{ id: 'urn:a', attribute: 'location' }, { id: 'urn:b', attribute: 'location' }, { id: 'urn:b', attribute: 'name' }],
  };
  expect(await withoutHeldFallbacks(t, read)).toEqual({
    context: ['ctx'], mode: 'merge',
    entities: [{ id: 'urn:a', type: 'L', name }, { id: 'urn:b', type: 'L', location: at(2) }],
  });
  expect(asked).toEqual([[['urn:a', 'urn:b'], ['location'], ['ctx']], [['urn:b'], ['name'], ['ctx']]]);
  expect(t.entities[0].location).toEqual(at(1)); // the translation given is not changed
});

it('leaves a translation without fallbacks as it is, and one whose fallbacks the broker does not hold without the list', async () => {
  const none: CompletenessReader = async () => new Set();
  const t: Translation = { context: [], entities: [{ id: 'urn:a', type: 'L', location: at(1) }] };
  expect(await withoutHeldFallbacks(t, none)).toBe(t);
  expect(await withoutHeldFallbacks({ ...t, fallback: [{ id: 'urn:a', attribute: 'location' }] }, none)).toEqual(t);
});
