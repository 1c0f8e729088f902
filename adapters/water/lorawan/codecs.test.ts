import { AXIOMA_W1, codecByName, codecForVersionIds } from './codecs';

test.each([
  [{ brand_id: 'axioma', model_id: 'qalcosonic-w1' }, AXIOMA_W1],
  [{ brand_id: 'Axioma', model_id: 'W1' }, AXIOMA_W1],
  [{ brand_id: 'axioma', model_id: 'qalcosonic' }, AXIOMA_W1],
  [{ brand_id: 'axioma', model_id: 'qalcosonic-e3' }, undefined],
  [{ brand_id: 'axioma', model_id: 'e4' }, undefined],
  [{ brand_id: 'the-things-products', model_id: 'the-things-uno' }, undefined],
  [{ model_id: 'qalcosonic-w1' }, undefined],
  [undefined, undefined],
])('version_ids %j → %s', (ids, codec) => {
  expect(codecForVersionIds(ids)).toBe(codec);
});

test('codecs by name', () => {
  expect(codecByName('axioma-qalcosonic-w1')?.name).toBe(AXIOMA_W1);
  expect(codecByName(' Axioma-Qalcosonic-W1 ')?.name).toBe(AXIOMA_W1);
  expect(codecByName('nope')).toBeUndefined();
  expect(codecByName(undefined)).toBeUndefined();
});
