/**
 * A FIFO with O(1) push, shift and removal of any element through the node `push` returned: the
 * endpoint queue drops its oldest delivery from wherever it waits, without scanning.
 */

export interface QueueNode<T> {
  readonly value: T;
  prev?: QueueNode<T>;
  next?: QueueNode<T>;
  /** The queue it is in; undefined once removed. */
  owner?: LinkedQueue<T>;
}

/**
 * @example
 * const q = new LinkedQueue<string>();
 * const a = q.push('a');
 * q.push('b');
 * q.remove(a);
 * q.shift(); // 'b'
 */
export class LinkedQueue<T> {
  private head?: QueueNode<T>;
  private tail?: QueueNode<T>;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: this.tail, owner: this };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    return node;
  }

  peek(): T | undefined {
    return this.head?.value;
  }

  shift(): T | undefined {
    const node = this.head;
    if (!node) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Removes `node` if it is still in this queue; otherwise does nothing. */
  remove(node: QueueNode<T>): void {
    if (node.owner !== this) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = node.owner = undefined;
    this.count--;
  }
}
