import { AXIOMA_W1, KAMSTRUP_FLOWIQ2200, codecByName, codecForVersionIds } from './codecs';

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

test.each([
  [{ brand_id: 'kamstrup', model_id: 'flowiq2200-02k73a' }, KAMSTRUP_FLOWIQ2200],
  [{ brand_id: 'Kamstrup', model_id: 'flowIQ-2200' }, KAMSTRUP_FLOWIQ2200],
  [{ brand_id: 'kamstrup', model_id: 'hc-003-55-multical' }, undefined],
  [{ brand_id: 'axioma', model_id: 'flowiq2200-02k73a' }, undefined],
])('version_ids %j → %s (Kamstrup)', (ids, codec) => {
  expect(codecForVersionIds(ids)).toBe(codec);
});

test('the Kamstrup codec by name decodes with the network time as fallback', () => {
  const codec = codecByName('Kamstrup-flowIQ2200');
  expect(codec?.name).toBe(KAMSTRUP_FLOWIQ2200);
  expect(codec?.decode(Buffer.from('784413ec000000', 'hex'), 1, '2026-09-03T00:00:05Z')).toMatchObject({ volumeLitres: 236, time: '2026-09-03T00:00:05.000Z' });
});
