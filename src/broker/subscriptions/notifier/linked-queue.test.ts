import { LinkedQueue } from './linked-queue';

describe('LinkedQueue', () => {
  it('is a FIFO with removal anywhere', () => {
    const q = new LinkedQueue<number>();
    const nodes = [1, 2, 3, 4, 5].map((n) => q.push(n));
    expect(q.length).toBe(5);
    q.remove(nodes[0]); // head
    q.remove(nodes[2]); // middle
    q.remove(nodes[4]); // tail
    q.remove(nodes[2]); // twice: nothing
    expect(q.length).toBe(2);
    expect(q.peek()).toBe(2);
    q.push(6);
    const out: number[] = [];
    for (let v = q.shift(); v !== undefined; v = q.shift()) out.push(v);
    expect(out).toEqual([2, 4, 6]);
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('ignores a node of another queue', () => {
    const a = new LinkedQueue<string>();
    const b = new LinkedQueue<string>();
    const n = a.push('x');
    b.push('y');
    b.remove(n);
    expect([a.length, b.length]).toEqual([1, 1]);
  });
});
