/** The object without its undefined fields, so `{ ...DEFAULTS, ...definedOnly(options) }` keeps the defaults. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
