/**
 * A delay Node's timers can hold: one longer than 2^31-1 ms fires after 1 ms instead (with a warning), so a longer
 * wait is taken in steps of at most that, each step checking its deadline again.
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), 2_147_483_647);
}
