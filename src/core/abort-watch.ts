import { IdMap } from './id-map.js';

/**
 * One 'abort' listener per signal for every in-flight item it must end, instead of an EventTarget add/remove per
 * request (slow, and Node warns past 10 listeners). Used by both HTTP clients for shutdown. Items are kept in an
 * IdMap, not a Set: a Set churned at request rate kept every request's objects alive until a full GC (see IdMap).
 */
export class AbortWatch<T> {
  private readonly bySignal = new WeakMap<AbortSignal, IdMap<T, number>>();
  private seq = 0;

  constructor(private readonly onAbort: (item: T) => void) {}

  /** Watch `item` until the returned function is called (once it settles). */
  watch(signal: AbortSignal, item: T): () => void {
    let items = this.bySignal.get(signal);
    if (!items) {
      const watched = new IdMap<T, number>();
      items = watched;
      this.bySignal.set(signal, watched);
      signal.addEventListener(
        'abort',
        () => {
          for (const i of [...watched.values()]) this.onAbort(i);
          watched.clear();
        },
        { once: true },
      );
    }
    const key = ++this.seq;
    items.set(key, item);
    const map = items;
    return () => void map.delete(key);
  }
}
