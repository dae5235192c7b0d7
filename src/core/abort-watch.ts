/**
 * One 'abort' listener per signal for every in-flight item it must end, instead of an EventTarget add/remove per
 * request (slow, and Node warns past 10 listeners). Used by both HTTP clients for shutdown.
 */
export class AbortWatch<T> {
  private readonly bySignal = new WeakMap<AbortSignal, Set<T>>();

  constructor(private readonly onAbort: (item: T) => void) {}

  /** Watch `item` until it leaves the returned set (delete it there once it settles). */
  watch(signal: AbortSignal, item: T): Set<T> {
    let set = this.bySignal.get(signal);
    if (!set) {
      const items = new Set<T>();
      set = items;
      this.bySignal.set(signal, items);
      signal.addEventListener(
        'abort',
        () => {
          for (const i of [...items]) this.onAbort(i);
          items.clear();
        },
        { once: true },
      );
    }
    set.add(item);
    return set;
  }
}
