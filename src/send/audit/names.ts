/** The audit's checks, in report order (a module of its own so `hookdev --help` does not load the audit). */
export const CHECK_NAMES = [
  'accepts-valid',
  'rejects-bad-signature',
  'rejects-missing-signature',
  'rejects-wrong-secret',
  'rejects-stale-timestamp',
  'rejects-reserialized-body',
  'rejects-tampered-body',
  'idempotent-duplicate',
  'out-of-order',
  'oversized-body',
  'concurrent-burst',
  'wrong-method',
  'wrong-content-type',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];
