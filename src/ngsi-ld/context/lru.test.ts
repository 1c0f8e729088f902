import { Lru } from './lru';

describe('Lru', () => {
  test('evicts the least recently used entry', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size]).toEqual([1, undefined, 3, 2]);
    lru.set('a', 10);
    expect(lru.get('a')).toBe(10);
  });

  test('rejects a size below 1', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
