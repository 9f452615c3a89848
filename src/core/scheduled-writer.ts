/**
 * A SlackWriter that routes every call through the per-workspace SlackScheduler: calls draw on the
 * budget of their Slack method, critical calls go first, progress edits render their content when
 * granted (latest state wins), and 429s pause only the method that was limited.
 */
import {
  type SlackMessage,
  SlackWriteError,
  type SlackWriter,
  type StreamChunk,
  type StreamStart,
  type ThreadFile,
  type WriteOptions,
} from './ports.ts';
import { type Lane, SlackScheduler } from './slack-scheduler.ts';

export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof SlackWriteError && err.code === 'ratelimited') return err.retryAfterSeconds ?? 1;
  return undefined;
}

export class ScheduledSlackWriter implements SlackWriter {
  readonly startStream?: SlackWriter['startStream'];
  readonly appendStream?: SlackWriter['appendStream'];
  readonly stopStream?: SlackWriter['stopStream'];
  readonly uploadFiles?: SlackWriter['uploadFiles'];
  readonly retireControls?: SlackWriter['retireControls'];

  constructor(
    private readonly inner: SlackWriter,
    readonly scheduler: SlackScheduler = new SlackScheduler({ retryAfterOf }),
    /**
     * The workspace whose budget every call draws on. A writer bound to one bot token is bound to one
     * workspace, so set it; without it each call's `team` (else "default") picks the budget.
     */
    private readonly workspace?: string,
  ) {
    const inner0 = inner;
    if (inner0.startStream) {
      this.startStream = (start: StreamStart, opts?: WriteOptions) =>
        this.schedule('chat.startStream', opts, 'critical', start.channel, () =>
          inner0.startStream!(start, opts),
        );
    }
    if (inner0.appendStream) {
      this.appendStream = (channel: string, ts: string, chunks: StreamChunk[], opts?: WriteOptions) =>
        this.schedule('chat.appendStream', opts, 'progress', channel, async () => {
          await inner0.appendStream!(channel, ts, opts?.latestChunks?.() ?? chunks, opts);
          return true;
        }).then((sent) => sent === true);
    }
    if (inner0.stopStream) {
      this.stopStream = (
        channel: string,
        ts: string,
        end: { chunks?: StreamChunk[]; blocks?: unknown[] },
        opts?: WriteOptions,
      ) =>
        this.schedule('chat.stopStream', opts, 'critical', channel, () =>
          inner0.stopStream!(channel, ts, end, opts),
        );
    }
    if (inner0.retireControls) {
      // Rare (a reaped run), and a read then an edit: outside the edit budget, like uploads.
      this.retireControls = (...args) => inner0.retireControls!(...args);
    }
    if (inner0.uploadFiles) {
      this.uploadFiles = (channel: string, threadTs: string, files: ThreadFile[], comment?: string) =>
        inner0.uploadFiles!(channel, threadTs, files, comment);
    }
  }

  post(channel: string, message: SlackMessage, threadTs?: string, opts?: WriteOptions): Promise<string> {
    return this.schedule('chat.postMessage', opts, 'critical', channel, () =>
      this.inner.post(channel, opts?.latest?.() ?? message, threadTs, opts),
    );
  }

  /** Resolves false when the edit was dropped unsent (a progress edit superseded or cancelled). */
  async update(channel: string, ts: string, message: SlackMessage, opts?: WriteOptions): Promise<boolean> {
    const sent = await this.schedule('chat.update', opts, 'critical', channel, async () => {
      await this.inner.update(channel, ts, opts?.latest?.() ?? message, opts);
      return true;
    });
    return sent === true;
  }

  join(channel: string): Promise<void> {
    return this.inner.join(channel);
  }

  tellPrivately(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    const inner = this.inner.tellPrivately?.bind(this.inner);
    if (!inner) return Promise.reject(new Error('this writer cannot post ephemeral messages'));
    return this.schedule('chat.postEphemeral', undefined, 'critical', channel, () =>
      inner(channel, user, text, threadTs),
    );
  }

  /** Reactions mark queued follow-ups: not urgent, but they draw on their own method's budget. */
  react(channel: string, ts: string, name: string): Promise<void> {
    return this.schedule('reactions.add', undefined, 'critical', channel, () =>
      this.inner.react(channel, ts, name),
    );
  }

  unreact(channel: string, ts: string, name: string): Promise<void> {
    return this.schedule('reactions.remove', undefined, 'critical', channel, () =>
      this.inner.unreact(channel, ts, name),
    );
  }

  cancelProgress(runKey: string): void {
    this.scheduler.cancelProgress(runKey);
  }

  firstTextArrived(runKey: string): void {
    this.scheduler.reconsider(runKey);
  }

  budgetWaitMs(method: string, team?: string, channel?: string): number {
    return this.scheduler.waitMs({ workspace: this.workspace ?? team ?? 'default', method, channel });
  }

  private schedule<T>(
    method: string,
    opts: WriteOptions | undefined,
    fallback: Lane,
    channel: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.scheduler.run({
      workspace: this.workspace ?? opts?.team ?? 'default',
      method,
      channel,
      lane: opts?.lane ?? fallback,
      runKey: opts?.runKey,
      hasNews: opts?.hasNews,
      pendingSince: opts?.pendingSince,
      fn,
    });
  }
}
