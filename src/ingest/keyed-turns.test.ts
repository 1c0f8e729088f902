import { createKeyedTurns } from './keyed-turns';

/** A task that finishes when told. */
function gate(): { promise: Promise<void>; open(): void; fail(): void } {
  let open!: () => void;
  let fail!: () => void;
  const promise = new Promise<void>((ok, ko) => ((open = ok), (fail = () => ko(new Error('broker down')))));
  return { promise, open, fail };
}

it('runs the tasks of a key in the order given; a task of other keys does not wait', async () => {
  const turns = createKeyedTurns();
  const order: string[] = [];
  const slow = gate();
  const a1 = turns.run(['a'], async () => (await slow.promise, order.push('a1')));
  const a2 = turns.run(['a', 'c'], () => order.push('a2'));
  const b = turns.run(['b'], () => order.push('b'));
  await b;
  expect(order).toEqual(['b']);
  expect(turns.busy(['c'])).toBe(true); // behind a1, through a
  slow.open();
  await Promise.all([a1, a2]);
  expect(order).toEqual(['b', 'a1', 'a2']);
  await Promise.resolve();
  expect(turns.busy(['a', 'b', 'c'])).toBe(false);
});

it('a failing task fails alone: the next of its key runs', async () => {
  const turns = createKeyedTurns();
  const down = gate();
  const first = turns.run(['a'], () => down.promise);
  const second = turns.run(['a'], () => 'read again');
  down.fail();
  await expect(first).rejects.toThrow('broker down');
  await expect(second).resolves.toBe('read again');
});
