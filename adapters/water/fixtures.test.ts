import fs from 'node:fs';
import { fixtureCases, runCase } from './fixture-runner.fixture';

const cases = fixtureCases();

test('there are fixtures for every adapter', () => {
  const adapters = new Set(cases.map((c) => c.adapter.name));
  expect([...adapters].sort()).toEqual(['water/chirpstack', 'water/csv', 'water/quality', 'water/tts']);
});

describe.each(cases.map((c) => [c.name, c] as const))('fixture %s', (_name, c) => {
  test('matches the expected translation', () => {
    const actual = runCase(c);
    if (process.env.UPDATE_FIXTURES === '1') fs.writeFileSync(c.expectedFile, JSON.stringify(actual, null, 2) + '\n');
    expect(fs.existsSync(c.expectedFile)).toBe(true);
    expect(actual).toEqual(JSON.parse(fs.readFileSync(c.expectedFile, 'utf8')));
  });
});
