/**
 * The head of a spilled reply (reply-stream-spill.ts): the run's first reply, which keeps the text it
 * showed when the text first spilled, the status line and Stop, while the text goes on in spilled
 * replies. It gets status-only edits (the scheduler's lowest tier), an edit at the cut if it showed the
 * start of a word the next reply carries whole, and at the run's end one edit that takes its controls
 * away. Kept apart from the spilling itself (when to spill, where to cut, the posts).
 */
import type { SlackMessage } from './ports.ts';
import type { EditHost } from './reply-edit-host.ts';

export class SpillHead {
  /** The head's ts, once the text has spilled out of it. */
  ts: string | undefined;
  private body = '';
  private statusDirty = false;
  private closed = false;
  /** The head's status edit Slack has not answered yet: the final's edit of the head goes after it. */
  private statusSent: Promise<unknown> | undefined;

  constructor(private readonly h: EditHost) {}

  private get key(): string {
    return `${this.h.opts('progress').runKey ?? this.h.threadTs}#status`;
  }

  /**
   * The text first spilled: the head `ts` keeps `body` for good. With `retract` it showed more (the
   * start of a word the next reply carries whole) and is edited at once, ahead of progress edits, with
   * its status; otherwise its next status edit says the answer continues below.
   */
  keep(ts: string, body: string, retract: boolean): void {
    this.ts = ts;
    this.body = body;
    this.statusDirty = !retract;
    if (retract) this.send('critical');
  }

  /** What the head shows: its text, and while the run goes on the status line and Stop. */
  view(): SlackMessage {
    return this.closed
      ? this.h.presenter.reply({ body: this.body, spilled: true })
      : this.h.present(this.body, true);
  }

  statusChanged(): void {
    this.statusDirty = true;
  }

  /** The head shows the status alone: a status-only edit, the scheduler's lowest tier. */
  offerStatus(): void {
    if (!this.statusDirty || this.closed || !this.ts) return;
    this.statusDirty = false;
    this.send('progress');
  }

  private send(lane: 'critical' | 'progress'): void {
    this.statusSent = this.h.writer
      .update(this.h.channel, this.ts!, this.view(), {
        ...this.h.opts(lane),
        latest: () => this.view(),
        ...(lane === 'progress' ? { runKey: this.key, hasNews: () => false } : {}),
      })
      .catch((err: unknown) => {
        this.statusDirty = true;
        this.h.log.warn({ err: String(err), channel: this.h.channel }, 'edit of the first reply failed');
      });
  }

  /** The run ends: no more status edits (one not gone out yet is dropped). */
  close(): void {
    this.closed = true;
    if (this.ts) this.h.writer.cancelProgress?.(this.key);
  }

  /** The final's one edit: the head keeps its text, loses the status and Stop. False if it failed. */
  async retire(): Promise<boolean> {
    if (!this.ts) return true;
    // A status edit Slack has not answered may reach it after this one and bring Stop back (close
    // dropped any that had not gone out yet).
    await this.statusSent;
    const offered = this.h.now();
    try {
      await this.h.writer.update(this.h.channel, this.ts, this.view(), {
        ...this.h.opts('critical'),
        pendingSince: () => offered,
      });
      return true;
    } catch (err) {
      this.h.log.warn({ err: String(err), channel: this.h.channel }, 'final edit of the first reply failed');
      return false;
    }
  }
}
