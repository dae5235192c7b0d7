/**
 * Run `fn` in the check phase of the next event-loop turn. Commits that no answer waits on go there: frames
 * corked until the end of this turn (uncorked by setImmediate) then leave before the disk work, which is not on
 * any request's path.
 */
export function nextTurn(fn: () => void): void {
  setImmediate(() => setImmediate(fn));
}
