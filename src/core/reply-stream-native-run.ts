/**
 * A ReplyStream's `native` mode (reply-stream.ts): the streamed message (reply-stream-native.ts), the
 * run's seat among the workspace's streamed and edited runs, and falling back to edits, continuing
 * exactly after the last text Slack accepted, when streaming fails. Slack's own stop on a stream
 * (`stopped_by_user`) ends streaming and calls `onStoppedInSlack`.
 */
import { type SlackMessage, SlackWriteError, type WriteOptions } from './ports.ts';
import type { RunStatus } from './reply-run-status.ts';
import type { EditedReplies } from './reply-stream-edit.ts';
import {
  NativeStreamer,
  StoppedInSlack,
  StreamStartLater,
  StreamStartsScarce,
} from './reply-stream-native.ts';
import { type BalanceSeat, editCadenceMs } from './reply-stream-native-balance.ts';
import { describe } from './reply-stream-plain.ts';
import type { FinalState, ReplyStreamOptions } from './reply-stream-types.ts';
import type { ReplyView } from './reply-view.ts';

/** The task a streamed reply shows its note in (queued for a start slot, retrying a start). */
export const NOTE_TASK = 'reply-note';

export interface NativeRunHost {
  o: ReplyStreamOptions & { now: () => number };
  edits: EditedReplies;
  status: RunStatus;
  text: () => string;
  /** The agent is between texts (or the run ended): a stream may roll over now. */
  settled: () => boolean;
  started: (ts: string) => void;
  opts: (lane: 'critical' | 'progress') => WriteOptions;
  resultOf: (final: FinalState) => NonNullable<ReplyView['result']>;
  /** From now on the reply is written with edits. */
  toEdits: () => void;
}

/** What a native flush leaves to the stream's pacing: more to write, and not before `laterMs`. */
export interface NativeFlushed {
  dirty: boolean;
  laterMs?: number;
}

export class NativeRun {
  readonly streamer: NativeStreamer;
  /** The run's end state, for a repaired last message. */
  private finalState: FinalState | undefined;
  /** This run's place among the workspace's streamed and edited runs. */
  private seat: BalanceSeat | undefined;
  private active = true;

  constructor(private readonly h: NativeRunHost) {
    const o = h.o;
    this.streamer = new NativeStreamer({
      writer: o.writer,
      channel: o.channel,
      threadTs: o.threadTs,
      recipientUserId: o.recipientUserId!,
      team: o.team!,
      log: o.log,
      now: o.now,
      rolloverMs: o.streamRolloverMs ?? 240_000,
      maxBytes: o.streamMaxBytes ?? 9_600,
      text: h.text,
      settled: h.settled,
      started: h.started,
      opts: h.opts,
      editCadenceMs: () => (this.seat && o.balance ? editCadenceMs(o.balance.counts(o.team!)) : 0),
      repaired: (body, last): SlackMessage =>
        o.presenter.reply({
          body,
          ...(last && this.finalState ? { result: h.resultOf(this.finalState) } : { continued: true }),
        }),
    });
  }

  /** Whether the reply is still streamed (false once it fell back to edits). */
  get streaming(): boolean {
    return this.active;
  }

  /** Starts the stream, or hands the reply to edits (balanced out, or no start available). */
  async open(): Promise<void> {
    const o = this.h.o;
    if (o.balance) {
      this.seat = o.balance.join(o.team!);
      if (this.seat.mode === 'editing') {
        // The workspace's appends are better shared by fewer streams: this run uses chat.update's budget.
        o.log.info({ channel: o.channel }, 'streams and edits balanced: this reply is edited');
        this.active = false;
        this.h.toEdits();
        return;
      }
    }
    try {
      await this.streamer.open();
    } catch (err) {
      await this.fallBack(err, true);
    }
  }

  setTask(id: string, title: string, status: 'in_progress' | 'complete' | 'error', output?: string): void {
    this.streamer.setTask(id, title, status, output);
  }

  async flush(): Promise<NativeFlushed> {
    const o = this.h.o;
    try {
      const dropped = (await this.streamer.flush(false)) === 'dropped';
      return { dirty: dropped || this.streamer.pending };
    } catch (err) {
      if (err instanceof StreamStartLater) return { dirty: true, laterMs: err.waitMs };
      if (err instanceof StoppedInSlack) await this.stoppedInSlack();
      else if (!(await this.fallBack(err)))
        o.log.warn({ err: describe(err), channel: o.channel }, 'stream append failed');
      return { dirty: true };
    }
  }

  /** Someone pressed Slack's stop: the run ends as with the Stop button; what is left goes out as edits. */
  private async stoppedInSlack(): Promise<void> {
    this.h.o.log.info({ channel: this.h.o.channel }, 'the stream was stopped in Slack');
    await this.leaveStreaming({ stopped: true });
    this.h.o.onStoppedInSlack?.();
  }

  /** Returns true when the error made this reply fall back to edits. */
  private async fallBack(err: unknown, force = false): Promise<boolean> {
    const o = this.h.o;
    if (!force && err instanceof SlackWriteError && err.code === 'ratelimited') return false;
    if (err instanceof StreamStartsScarce)
      o.log.info({ channel: o.channel, waitMs: err.waitMs }, 'no stream start available now; using edits');
    else o.log.warn({ err: describe(err), channel: o.channel }, 'native streaming failed; using edits');
    await this.leaveStreaming();
    return true;
  }

  /** Edits take over exactly after the text Slack accepted. */
  private async leaveStreaming(opts: { stopped?: boolean } = {}): Promise<void> {
    if (!this.active) return;
    this.active = false;
    this.h.toEdits();
    this.seat?.toEditing();
    const at = await this.streamer.handOff(opts);
    this.h.edits.continueAfter(at.streamed, at.reopen);
  }

  /** The stream's end with the footer; if that fails, the edits write the final. */
  async final(final: FinalState): Promise<void> {
    this.finalState = final;
    const h = this.h;
    const footer = h.o.presenter.reply({ body: '', result: h.resultOf(final) });
    // A step the run ended in the middle of must not keep spinning in the timeline.
    for (const step of h.status.steps.unfinished())
      this.streamer.setTask(step.id, `${step.label} (did not finish)`, 'error', step.output);
    if (h.status.note) this.streamer.setTask(NOTE_TASK, h.status.note, 'complete');
    try {
      await this.streamer.finish(
        footer.blocks,
        final.outcome === 'done' || final.outcome === 'warning' || final.outcome === 'not_started',
      );
      return;
    } catch (err) {
      if (err instanceof StoppedInSlack) await this.stoppedInSlack();
      else await this.fallBack(err, true);
    }
    await h.edits.final(h.resultOf(final));
  }

  leave(): void {
    this.seat?.leave();
  }
}
