/**
 * A first-in first-out queue whose take is O(1): `Array.prototype.shift` moves every element left, and a queue of
 * thousands (a burst waiting for the app) made each dequeue cost as much as the request itself.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T; // not kept alive by the queue
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      // Drop the taken half in one move, so the array does not grow without bound under steady use.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
