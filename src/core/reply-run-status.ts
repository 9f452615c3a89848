/**
 * What one run has been doing, for its reply: the last few tool calls with how long the running ones
 * have taken, the bot's note, the step timeline and the tool-call count, turned into the live status
 * line while the run goes and the result footer when it ends. Kept apart from reply-stream.ts, which
 * only decides when and how (edits or a native stream) Slack is written.
 */
import type { FinalState } from './reply-stream-types.ts';
import type { ActivityLine, ReplyView } from './reply-view.ts';
import { StepTimeline } from './step-timeline.ts';

/** The status line shows this many of the latest tool calls. */
const ACTIVITY_SHOWN = 3;

export class RunStatus {
  readonly startedAt: number;
  /** Every tool call in order, for the step timeline that stays after the answer. */
  readonly steps: StepTimeline;
  private readonly activity = new Map<string, ActivityLine>();
  /** When each tool call started (now() time), for the status line's "for 4s". */
  private readonly toolStartedAt = new Map<string, number>();
  /** Tool labels by id (native task titles). */
  private readonly labels = new Map<string, string>();
  private toolCalls = 0;
  note: string | undefined;

  constructor(private readonly now: () => number) {
    this.startedAt = now();
    this.steps = new StepTimeline(now);
  }

  toolStarted(id: string, label: string): void {
    this.toolCalls++;
    this.activity.delete(id);
    this.activity.set(id, { label, state: 'running' });
    this.toolStartedAt.set(id, this.now());
    this.labels.set(id, label);
    this.steps.started(id, label);
    while (this.activity.size > ACTIVITY_SHOWN) this.activity.delete(this.activity.keys().next().value!);
  }

  /** Returns the call's label (if it was seen starting) and the step's task output. */
  toolFinished(id: string, ok: boolean): { label: string | undefined; output: string | undefined } {
    const line = this.activity.get(id);
    if (line) line.state = ok ? 'done' : 'failed';
    return { label: this.labels.get(id), output: this.steps.finished(id, ok) };
  }

  /** The live status line: elapsed time, recent tool calls, note, Stop button. */
  live(stopValue: string | undefined): NonNullable<ReplyView['live']> {
    const now = this.now();
    return {
      elapsedMs: now - this.startedAt,
      activity: [...this.activity].map(([id, a]) =>
        a.state === 'running' ? { ...a, elapsedMs: now - (this.toolStartedAt.get(id) ?? this.startedAt) } : a,
      ),
      note: this.note,
      stopValue,
    };
  }

  /** The footer's content: outcome, elapsed time, usage, cost, tool calls, notice. */
  result(
    final: FinalState,
    mode: 'edit' | 'native',
    feedbackValue: string | undefined,
  ): NonNullable<ReplyView['result']> {
    const answered = final.outcome === 'done' || final.outcome === 'warning';
    return {
      // Native streams keep every step as a task; edited replies list them under the answer.
      ...(mode === 'edit' && this.steps.size > 0 ? { steps: this.steps.lines() } : {}),
      ...(answered && feedbackValue ? { feedbackValue } : {}),
      outcome: final.outcome,
      ...(final.decision ? { decision: final.decision } : {}),
      elapsedMs: this.now() - this.startedAt,
      usage: final.usage,
      cost: final.cost,
      toolCalls: this.toolCalls,
      notice: final.notice,
    };
  }
}
