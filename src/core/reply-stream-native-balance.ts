/**
 * Native mode: which runs of a workspace stream and which are edited. Streamed runs share
 * chat.appendStream's budget (~100 a minute for the workspace), edited runs chat.update's (~50), and
 * each method's budget is the workspace's whole, so streaming every run leaves chat.update idle: at
 * N = 10 every run would wait ten appends (6.5 s) for its next text where seven streamed runs and
 * three edited ones wait about 4.5 s. A new run therefore takes whichever way leaves the slower of
 * the two cadences faster; a run's text stays in one message, so it is decided when the run opens.
 *
 * Kept per writer (one per bot installation) and per workspace, so runs of other workspaces, whose
 * budgets are their own, do not count.
 */
import { DEFAULT_BUDGETS, type MethodBudget } from './slack-budgets.ts';

export interface ModeCounts {
  streaming: number;
  editing: number;
}

/** The interval at which one call per run comes round when `runs` share a budget, in steady state. */
function cadenceMs(b: MethodBudget, runs: number): number {
  return runs * Math.max(b.refillMs, b.windowMs / b.maxInWindow);
}

/**
 * Whether a new run should stream: the longer of the two cadences (streamed runs on appends, edited
 * runs on edits) is no longer with it among the streams than among the edits. Ties stream (Slack's
 * streaming look, and a lone run gets appends every ~0.65 s instead of edits every ~1.3 s).
 */
export function shouldStream(
  c: ModeCounts,
  append: MethodBudget = DEFAULT_BUDGETS['chat.appendStream']!,
  update: MethodBudget = DEFAULT_BUDGETS['chat.update']!,
): boolean {
  const asStream = Math.max(cadenceMs(append, c.streaming + 1), cadenceMs(update, c.editing));
  const asEdit = Math.max(cadenceMs(append, c.streaming), cadenceMs(update, c.editing + 1));
  return asStream <= asEdit;
}

/** How long a streamed run would wait between edits if it moved to editing (steady state). */
export function editCadenceMs(c: ModeCounts, update: MethodBudget = DEFAULT_BUDGETS['chat.update']!): number {
  return cadenceMs(update, c.editing + 1);
}

/** One run's place in the count: it moves to editing when it falls back, and leaves when it ends. */
export interface BalanceSeat {
  mode: 'streaming' | 'editing';
  toEditing(): void;
  leave(): void;
}

export class StreamBalance {
  private readonly teams = new Map<string, ModeCounts>();

  counts(team: string): ModeCounts {
    return { ...(this.teams.get(team) ?? { streaming: 0, editing: 0 }) };
  }

  /** A new run of `team`: streams when that balances the budgets better (and `canStream`), else edits. */
  join(team: string, canStream = true): BalanceSeat {
    const c = this.teams.get(team) ?? { streaming: 0, editing: 0 };
    this.teams.set(team, c);
    const seat: BalanceSeat = {
      mode: canStream && shouldStream(c) ? 'streaming' : 'editing',
      toEditing: () => {
        if (seat.mode !== 'streaming') return;
        c.streaming--;
        c.editing++;
        seat.mode = 'editing';
      },
      leave: () => {
        c[seat.mode]--;
        seat.leave = () => undefined;
        seat.toEditing = () => undefined;
        if (c.streaming === 0 && c.editing === 0) this.teams.delete(team);
      },
    };
    c[seat.mode]++;
    return seat;
  }
}

const perWriter = new WeakMap<object, StreamBalance>();

/** The balance of the runs written through one writer (one bot installation). */
export function balanceOf(writer: object): StreamBalance {
  let b = perWriter.get(writer);
  if (!b) {
    b = new StreamBalance();
    perWriter.set(writer, b);
  }
  return b;
}
