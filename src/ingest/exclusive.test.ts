import { createExclusive } from './exclusive';

it('lets one caller of a key in at a time, in the order they asked; other keys do not wait', async () => {
  const exclusive = createExclusive();
  const log: string[] = [];
  const section = async (key: string, name: string, ticks: number) => {
    const release = await exclusive(key);
    log.push(`${name} in`);
    for (let i = 0; i < ticks; i++) await Promise.resolve();
    log.push(`${name} out`);
    release();
  };
  await Promise.all([section('a', 'a1', 5), section('a', 'a2', 1), section('b', 'b1', 1), section('a', 'a3', 0)]);
  expect(log.filter((l) => l.startsWith('a'))).toEqual(['a1 in', 'a1 out', 'a2 in', 'a2 out', 'a3 in', 'a3 out']);
  expect(log.indexOf('b1 out')).toBeLessThan(log.indexOf('a1 out')); // b did not wait for a
  // released: the key is free again
  const release = await exclusive('a');
  release();
});
