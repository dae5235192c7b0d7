/**
 * A map from ids to entries that come and go at request rate (requests in flight, senders waiting for an answer,
 * recent answers).
 *
 * Why not a plain `Map<string, V>`: a long-lived Map that gains and loses an entry per request kept nearly every
 * request's objects alive until the next full GC. V8 rehashes a Map's table every few dozen changes, and once the
 * table is in the old generation (any full GC puts it there) the next one is allocated there too; each old table,
 * dead once replaced, still points at the entries it held, and the young-generation collector counts those as live
 * and promotes them with everything they reference. Measured under load: 0.5-0.9 MB promoted per young collection
 * on the relay, 1.2-1.5 MB on the tunnel client, and a full GC every 0.5 s.
 *
 * So the Map holds small integers (which no dead table can keep anything alive through) indexing a slot array whose
 * entries are cleared when removed: a dead table keeps at most an id string. (A dictionary-mode object instead of the
 * Map avoids the chain below 256 entries but costs about 1 µs an insert: every key is internalized.) Same API subset
 * as Map, insertion order included.
 */
export class IdMap<V, K extends string | number = string> implements Iterable<[K, V]> {
  private readonly index = new Map<K, number>();
  private slots: Array<V | undefined> = [];
  private free: number[] = [];

  get size(): number {
    return this.index.size;
  }

  get(id: K): V | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.slots[i];
  }

  has(id: K): boolean {
    return this.index.has(id);
  }

  set(id: K, value: V): this {
    const i = this.index.get(id);
    if (i !== undefined) {
      this.slots[i] = value;
      return this;
    }
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = value;
    this.index.set(id, slot);
    return this;
  }

  delete(id: K): boolean {
    const i = this.index.get(id);
    if (i === undefined) return false;
    this.index.delete(id);
    this.slots[i] = undefined;
    this.free.push(i);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.slots = [];
    this.free = [];
  }

  keys(): IterableIterator<K> {
    return this.index.keys();
  }

  *values(): IterableIterator<V> {
    for (const i of this.index.values()) yield this.slots[i]!;
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const [id, i] of this.index) yield [id, this.slots[i]!];
  }
}
