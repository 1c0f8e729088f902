import type { AdapterEnv } from '../../../src/ingest/types';
import { fixtureEnv } from '../fixture-runner.fixture';
import { MEASURES, translateQuality } from './translate';

const env: AdapterEnv = fixtureEnv();
const run = (body: unknown) => translateQuality({ body: JSON.stringify(body), query: {}, headers: {}, receivedAt: '2026-09-03T00:00:00Z' }, env);
const base = { probeId: 'P1', timestamp: '2026-09-02T06:00:00Z', location: [4.8, 45.7] };

test.each(Object.entries(MEASURES).flatMap(([field, m]) => [
  [field, m.min, true],
  [field, m.max, true],
  [field, m.min - 0.01, false],
  [field, m.max + 0.01, false],
]))('%s = %s accepted: %s', (field, value, ok) => {
  const go = () => run({ ...base, [field]: value });
  if (ok) expect(go().entities[0][MEASURES[field].attr]).toMatchObject({ value, observedAt: '2026-09-02T06:00:00.000Z' });
  else expect(go).toThrow(expect.objectContaining({ stage: 'translate', status: 422 }));
});

test.each([
  [{ ...base, pH: '7' }, /reading.pH must be a finite number/],
  [{ ...base, probeId: 'a b', pH: 7 }, /reading.probeId must be/],
  [{ ...base, timestamp: '2026-09-02 06:00', pH: 7 }, /reading.timestamp must be an ISO 8601/],
  [{ ...base, location: [200, 0], pH: 7 }, /reading.location must be \[longitude, latitude\]/],
  [[{ ...base, pH: 7 }, 3], /readings\[1\] must be a JSON object/],
])('%j is refused', (body, reason) => {
  expect(() => run(body)).toThrow(reason);
});

test('an empty array is acknowledged without entities', () => {
  expect(run([])).toMatchObject({ entities: [], ignored: 'no readings' });
});
