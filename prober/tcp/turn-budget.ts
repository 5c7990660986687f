/**
 * Line work shared by every query_response dialogue in the process, paced per turn of the event
 * loop. A per-dialogue slice is not enough: twenty dialogues reading a flood each did a 256-line
 * slice in the same turn (~20 ms of CPU, 100–400 ms on a loaded machine), which held back the
 * timers that end probes at their deadline. Here each dialogue may read a few lines per turn, and
 * past that only while the turn's shared budget lasts: a turn's line work stays near the budget
 * however many dialogues run.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Line work of all dialogues together in one turn before they wait for the next. */
const TURN_BUDGET_MS = 2;
/** Lines each dialogue may always read in a turn, so none starves while others spend the budget. */
const LINES_PER_TURN = 16;

/** When this turn's line work started: reset by the first immediate of each turn that has waiters. */
let turnStarted = 0;
let resetQueued = false;

function queueReset(): void {
  if (resetQueued) return;
  resetQueued = true;
  // Queued before the waiters' own immediates, so it runs first in the next check phase.
  setImmediate(() => {
    resetQueued = false;
    turnStarted = performance.now();
  });
}

/** One dialogue's share of the turns. */
export class TurnPacer {
  private lines = 0;

  /** Call once per line; resolves at once while the line may be read in this turn, else at the next turn. */
  async pace(): Promise<void> {
    if (++this.lines <= LINES_PER_TURN || performance.now() - turnStarted < TURN_BUDGET_MS) return;
    queueReset();
    await nextTurn();
    this.lines = 1;
  }
}
