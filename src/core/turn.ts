/**
 * The order of work in one turn of the event loop, written down once. Everything on a request's path comes first;
 * what nobody waits for follows, in a fixed order:
 *
 *   1. read     poll phase: the turn's requests are read, each handed to the pipeline
 *   1b. early   check phase, first (`beforeCommit`): work gathered in the poll phase that waits on no commit of this
 *               turn starts: the turn's passthrough forwards, so the app works on them while the commit runs
 *   2. answer   check phase (`thisTurn`): their group commit runs, then each sender's answer is written
 *   3. frames   check phase: the relay's request frames corked during the turn leave (relay-session uncorks with
 *               setImmediate);
 *               work queued by the answers (`afterAnswers`: request events, default-mode forwards) starts
 *   4. commit   a turn later (`afterTurn('commit', …)`): writes no answer waits on (delivery rows, answer statuses,
 *               the relay queue's forced commits)
 *   5. log      right after 4 (`afterTurn('log', …)`): output lines, never ahead of the writes they report
 *
 * Under load this is the difference between answering in one turn or the next: disk work and rendering never sit
 * in front of a sender.
 */

/** Phase 2: after this turn's poll phase, so every request read in the turn joins the same batch. */
export function thisTurn(fn: () => void): void {
  setImmediate(() => {
    runEarly();
    fn();
  });
}

const early: Array<() => void> = [];

/**
 * Phase 1b: in the check phase, ahead of the turn's group commit whichever was queued first. What is queued here
 * would otherwise wait behind the commit of requests that came in the same turn (0.3-0.5 ms under load).
 */
export function beforeCommit(fn: () => void): void {
  if (early.push(fn) === 1) setImmediate(runEarly);
}

function runEarly(): void {
  if (early.length === 0) return;
  for (const fn of early.splice(0)) runOne(fn);
}

/** Phase 3: queued while answering, so it runs behind every answer of the turn. */
export function afterAnswers(fn: () => void): void {
  setImmediate(fn);
}

/** What runs a turn later, in this order. */
export type LatePhase = 'commit' | 'log';

const late: Record<LatePhase, Array<() => void>> = { commit: [], log: [] };
let lateScheduled = false;

/**
 * Phases 4 and 5: in the check phase of the next turn (two setImmediate hops: the first lands behind this turn's
 * frames). One queue for the whole process because the event loop is one: that is what makes the order hold
 * between the store's writes and the log lines of different owners.
 */
export function afterTurn(phase: LatePhase, fn: () => void): void {
  late[phase].push(fn);
  if (lateScheduled) return;
  lateScheduled = true;
  setImmediate(() => setImmediate(runLate));
}

function runLate(): void {
  lateScheduled = false;
  const commits = late.commit.splice(0);
  for (const fn of commits) runOne(fn);
  // Lines written by the commits above go out now, with the rest.
  const logs = late.log.splice(0);
  for (const fn of logs) runOne(fn);
}

/** One owner's failure must not drop the others' work: it is thrown on its own, as it would have been alone. */
function runOne(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/** Phase 4 under its older name (the relay queue's forced commit uses it). */
export function nextTurn(fn: () => void): void {
  afterTurn('commit', fn);
}
