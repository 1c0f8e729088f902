import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it.each([
    // retry, random, expected (base 200, cap 30000)
    [0, 0, 100],
    [0, 0.5, 200],
    [0, 0.999999, 300],
    [1, 0.5, 400],
    [3, 0, 800],
    [3, 0.999999, 2400],
    [7, 0.5, 25600],
    [8, 0.5, 30000],
    [40, 0.5, 30000],
    [-1, 0.5, 200],
  ])('retry %d, random %d → %d ms', (retry, random, expected) => {
    expect(backoffDelay(retry, 200, 30000, () => random)).toBe(expected);
  });

  it('stays within ±50 % of the exponential value with Math.random', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(2, 100, 10000);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(600);
    }
  });
});
