import { IdMap } from '../core/id-map.js';

interface Entry<V> {
  id: string;
  value: V;
}

/**
 * The last `max` entries set, by id, the oldest leaving first: enough for "recently committed relay ids" (a redelivery
 * comes soon after the original; an older one is found in the history). A ring and an IdMap rather than a Map, whose
 * per-request churn kept every answer alive until a full GC (see IdMap).
 */
export class RecentMap<V> {
  private readonly byId = new IdMap<Entry<V>>();
  private readonly ring: Array<Entry<V> | undefined>;
  private next = 0;

  constructor(max: number) {
    this.ring = new Array<Entry<V> | undefined>(Math.max(0, Math.floor(max))).fill(undefined);
  }

  get(id: string): V | undefined {
    return this.byId.get(id)?.value;
  }

  set(id: string, value: V): void {
    if (this.ring.length === 0) return;
    const old = this.ring[this.next];
    // The same id set twice: its older slot must not take the newer entry with it.
    if (old && this.byId.get(old.id) === old) this.byId.delete(old.id);
    const entry = { id, value };
    this.ring[this.next] = entry;
    this.byId.set(id, entry);
    this.next = (this.next + 1) % this.ring.length;
  }

  get size(): number {
    return this.byId.size;
  }
}
