/**
 * Work on what targets send (query_response lines, response body chunks), shared by every probe in
 * the process and paced per turn of the event loop. A per-probe slice is not enough: twenty
 * dialogues reading a flood each did a 256-line slice in the same turn (~20 ms of CPU, 100–400 ms
 * on a loaded machine), which held back the timers that end probes at their deadline. Here each
 * reader may do a little work per turn, and past that only while the turn's shared budget lasts:
 * a turn's work stays near the budget however many probes run.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work of all readers together in one turn before they wait for the next. */
const TURN_BUDGET_MS = 2;

/** When this turn's work started: reset by the first immediate of each turn that has waiters. */
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

/** One reader's share of the turns. */
export class TurnPacer {
  private units = 0;

  /** @param perTurn work (in the caller's units: lines, bytes) the reader may always do in a turn, so none starves while others spend the budget */
  constructor(private readonly perTurn: number) {}

  /** Call with each piece of work: undefined while it fits in this turn, else a promise of the next turn (where it counts). */
  pace(units = 1): Promise<void> | undefined {
    this.units += units;
    if (this.units <= this.perTurn || performance.now() - turnStarted < TURN_BUDGET_MS) return undefined;
    queueReset();
    this.units = units;
    return nextTurn();
  }
}
