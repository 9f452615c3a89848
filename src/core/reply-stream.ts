/**
 * One run's reply in a thread: posts a message, then edits it as the agent writes, coalescing
 * changes so each message is edited at most once per interval (latest state wins). When the text
 * outgrows one message, that message is finished and the answer continues in a new reply.
 * The final flush always carries the complete text; nothing the agent wrote is dropped.
 *
 * Intermediate edits go out in the `progress` lane and render their content when the writer actually
 * makes the call (latest state wins), so a scheduling writer can delay or skip them without losing
 * text; posts, roll-overs and the final edit go out in the `critical` lane.
 *
 * The edited messages, their roll-overs and, under load, spilled replies are in reply-stream-edit.ts
 * (and reply-stream-spill.ts). In `native` mode the text is streamed instead (reply-stream-native-run.ts,
 * reply-stream-native.ts): tool activity becomes task updates, streams roll over before Slack ends
 * them, streams Slack ended are repaired, and any other streaming error falls back to edits for the
 * rest of the run, continuing exactly after the last text Slack accepted. Slack's own stop on a stream
 * (`stopped_by_user`) calls `onStoppedInSlack`.
 *
 * This file takes the agent's events and paces the writes (one flush at a time, at most one per
 * interval); the answer text and its cap (reply-answer.ts) and the status line and footer
 * (reply-run-status.ts) are kept apart.
 */
import PQueue from 'p-queue';
import { type SlackMessage, SlackWriteError, type WriteOptions } from './ports.ts';
import { AnswerText } from './reply-answer.ts';
import { RunStatus } from './reply-run-status.ts';
import { EditedReplies } from './reply-stream-edit.ts';
import { NativeRun, NOTE_TASK } from './reply-stream-native-run.ts';
import { describe } from './reply-stream-plain.ts';
import type { FinalState, ReplyStreamOptions } from './reply-stream-types.ts';
import type { ReplyView } from './reply-view.ts';
import { finishedToolLabel } from './tool-label.ts';

export type { FinalState, ReplyStreamOptions } from './reply-stream-types.ts';

let replyCounter = 0;

export class ReplyStream {
  private readonly o: Required<Pick<ReplyStreamOptions, 'now' | 'heartbeatMs'>> & ReplyStreamOptions;
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly answer: AnswerText;
  private readonly status: RunStatus;
  private tsList: string[] = [];
  private readonly edits: EditedReplies;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private closed = false;
  /** The agent is writing text (its last word may be incomplete); a tool call ends that. */
  private writingText = false;
  private readonly runKey: string;
  private mode: 'edit' | 'native';
  private readonly native: NativeRun | undefined;

  constructor(options: ReplyStreamOptions) {
    this.o = { now: Date.now, heartbeatMs: 10_000, ...options };
    this.answer = new AnswerText(options.maxShownChars);
    this.status = new RunStatus(this.o.now);
    this.runKey = options.runKey ?? `${options.channel}/${options.threadTs}#${++replyCounter}`;
    const canStream =
      !!options.writer.startStream && !!options.writer.appendStream && !!options.writer.stopStream;
    this.mode =
      options.mode === 'native' && canStream && options.recipientUserId && options.team ? 'native' : 'edit';
    this.edits = new EditedReplies({
      writer: options.writer,
      presenter: options.presenter,
      channel: options.channel,
      threadTs: options.threadTs,
      bodyBudget: options.bodyBudget,
      log: options.log,
      text: () => this.answer.shown,
      present: (body, spilled) => this.present(body, spilled),
      opts: (lane) => this.opts(lane),
      posted: (ts) => this.tsList.push(ts),
      currentTs: () => this.tsList.at(-1)!,
      now: this.o.now,
      spill: options.spill,
      paused: () => this.closed || !this.writingText,
      wake: () => this.touch(),
    });
    if (this.mode === 'native') {
      this.native = new NativeRun({
        o: this.o,
        edits: this.edits,
        status: this.status,
        text: () => this.answer.shown,
        settled: () => this.closed || !this.writingText,
        started: (ts) => this.tsList.push(ts),
        opts: (lane) => this.opts(lane),
        resultOf: (final) => this.resultOf(final),
        toEdits: () => {
          this.mode = 'edit';
          this.dirty = true;
        },
      });
    }
  }

  /** How the reply is being written now (native mode falls back to edit on streaming errors). */
  get currentMode(): 'edit' | 'native' {
    return this.mode;
  }

  /** Timestamps of the replies this run wrote, in order. */
  get messageTs(): readonly string[] {
    return this.tsList;
  }

  get fullText(): string {
    return this.answer.raw;
  }

  /** The final edit could not be made: a message of this reply may still show the Stop button. */
  get controlsLeftBehind(): boolean {
    return this.edits.controlsLeft;
  }

  /** The answer was longer than maxShownChars: only its beginning is in the thread. */
  get truncated(): boolean {
    return this.answer.capped;
  }

  /** Posts the first reply. Throws SlackWriteError if Slack refuses it. */
  async open(): Promise<void> {
    if (this.mode === 'native') await this.native!.open();
    if (this.mode === 'edit') await this.edits.open();
    this.lastFlushAt = this.o.now();
    this.heartbeat = setInterval(() => {
      this.edits.statusChanged();
      this.touch();
    }, this.o.heartbeatMs);
    this.heartbeat.unref();
  }

  appendText(t: string): void {
    if (!t) return;
    const wasCapped = this.answer.capped;
    const first = this.answer.append(t);
    this.writingText = true;
    // Text past the cap changes nothing in Slack.
    if (wasCapped) return;
    this.edits.textArrived();
    if (first) {
      // The first words of the answer go out as soon as the budget allows, not at the next tick.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.lastFlushAt = 0;
    }
    this.touch();
    // An edit of this run may already wait in the scheduler (a status line): it now carries the text.
    if (first) this.o.writer.firstTextArrived?.(this.runKey);
  }

  toolStarted(id: string, label: string): void {
    this.writingText = false;
    this.status.toolStarted(id, label);
    this.native?.setTask(id, label, 'in_progress');
    this.edits.statusChanged();
    this.touch();
  }

  toolFinished(id: string, ok: boolean): void {
    const { label, output } = this.status.toolFinished(id, ok);
    if (label !== undefined)
      this.native?.setTask(id, finishedToolLabel(label), ok ? 'complete' : 'error', output);
    this.edits.statusChanged();
    this.touch();
  }

  setNote(note: string | undefined): void {
    const was = this.status.note;
    this.status.note = note;
    // A streamed message has no status line to hold the note: it is a task in the stream's timeline,
    // marked done when the note clears (the run was admitted, the retry went through).
    if (note) this.native?.setTask(NOTE_TASK, note, 'in_progress');
    else if (was) this.native?.setTask(NOTE_TASK, was, 'complete');
    this.edits.statusChanged();
    this.touch();
  }

  /** Writes the complete answer and the result footer. Resolves when Slack has it (or every fallback failed). */
  async finish(final: FinalState): Promise<void> {
    this.closed = true;
    this.answer.end();
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    // A waiting intermediate edit is not needed any more: the final edit carries everything.
    this.o.writer.cancelProgress?.(this.runKey);
    try {
      await this.queue.onIdle();
      await this.queue.add(() =>
        this.mode === 'native' ? this.native!.final(final) : this.edits.final(this.resultOf(final)),
      );
    } finally {
      this.native?.leave();
    }
  }

  private touch(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.tsList.length === 0) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs() - this.o.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed && this.queue.size === 0) void this.queue.add(() => this.flush());
    }, wait);
  }

  /**
   * Least time between two flushes. Native appends through a scheduling writer are offered at once:
   * the writer grants them as chat.appendStream's budget allows and renders the latest text then, so
   * a fixed interval on top would only add staleness (it held a lone run to one append a second where
   * the budget allows one every ~0.65 s). Edits keep the interval (Slack shows every edit as a change).
   */
  private intervalMs(): number {
    return this.mode === 'native' && this.o.writer.budgetWaitMs ? 0 : this.o.editIntervalMs;
  }

  private async flush(): Promise<void> {
    if (!this.dirty || this.closed) return;
    if (this.mode === 'native') return this.nativeFlush();
    this.dirty = false;
    this.lastFlushAt = this.o.now();
    try {
      await this.edits.progress(() => {
        this.dirty = false;
        this.lastFlushAt = this.o.now();
      });
    } catch (err) {
      // Intermediate edits are best effort: the next flush carries the latest state anyway.
      this.dirty = true;
      this.o.log.warn({ err: describe(err), channel: this.o.channel }, 'intermediate reply edit failed');
      const retryAfter = err instanceof SlackWriteError ? err.retryAfterSeconds : undefined;
      if (retryAfter) this.lastFlushAt = this.o.now() + retryAfter * 1000;
    } finally {
      if (this.dirty) this.touch();
    }
  }

  private resultOf(final: FinalState): NonNullable<ReplyView['result']> {
    return this.status.result(final, this.mode, this.o.feedbackValue);
  }

  private opts(lane: 'critical' | 'progress'): WriteOptions {
    return { lane, runKey: this.runKey, ...(this.o.team ? { team: this.o.team } : {}) };
  }

  private async nativeFlush(): Promise<void> {
    this.dirty = false;
    this.lastFlushAt = this.o.now();
    const r = await this.native!.flush();
    if (r.laterMs !== undefined) this.lastFlushAt = this.o.now() + r.laterMs;
    if (r.dirty) {
      this.dirty = true;
      this.touch();
    }
  }

  private present(body: string, spilled?: boolean): SlackMessage {
    return this.o.presenter.reply({
      body,
      live: this.status.live(this.o.stopValue),
      ...(spilled ? { spilled } : {}),
    });
  }
}
