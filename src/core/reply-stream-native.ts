/**
 * Native streaming for one reply (chat.startStream / appendStream / stopStream), kept apart from
 * the edit-based ReplyStream because it follows Slack's streaming rules, not message edits:
 *
 * - Every stream opens with content, as `chunks`, the way Slack's own ChatStreamer does: Slack fixes
 *   a stream's content mode with the opening call, so a stream opened empty would refuse the chunks
 *   (task updates and text) appended later (`streaming_mode_mismatch`).
 * - A streamed message holds at most `maxBytes` UTF-8 bytes (Slack caps streamed messages near 10.6k
 *   bytes); a full or old stream is ended and the answer continues in a new one.
 * - New streams draw on chat.startStream's small budget (Tier 2, shared by every run of the
 *   workspace). When a start would wait for it (StreamStartsScarce), the reply opens, or goes on
 *   after a full stream, with posts and edits instead of showing nothing until a stream can start;
 *   but a full stream's continuation waits for a start that comes sooner than the run's next edit
 *   would (at N = 50 the first streams fill just before the start window reopens: falling back
 *   then left every run on chat.update for good).
 * - Slack ends streams by itself (about five minutes after the start, or after an idle gap) and
 *   leaves the message looking broken; the message is repaired with chat.update (what it holds,
 *   now as a normal message) and the answer continues in a new stream, losing nothing.
 * - `stopped_by_user` (a person pressed Slack's stop) is reported as StoppedInSlack so the run can be
 *   stopped the same way as with the bot's Stop button.
 *
 * This file holds the stream's lifecycle; where the text may be cut is in reply-stream-native-text.ts,
 * the task updates waiting to be sent in reply-stream-native-tasks.ts, the host contract and the
 * errors in reply-stream-native-host.ts.
 */

import type { StreamChunk, StreamChunkTask } from './ports.ts';
import { assertStartable, classify, codeOf as code, type NativeHost } from './reply-stream-native-host.ts';
import { PendingTasks, statusTask } from './reply-stream-native-tasks.ts';
import { markdownBytes, nextDelta, readyEnd } from './reply-stream-native-text.ts';
import { openFence, renderOpen } from './split.ts';

export {
  type NativeHost,
  StoppedInSlack,
  StreamStartLater,
  StreamStartsScarce,
} from './reply-stream-native-host.ts';

interface OpenStream {
  ts: string;
  startedAt: number;
  /** Where this message's text starts in the answer, and the fence line reopened in front of it. */
  from: number;
  reopen?: string;
  /** UTF-8 bytes of Markdown this message holds. */
  bytes: number;
}

export class NativeStreamer {
  private stream: OpenStream | undefined;
  private lastClosed: { from: number; reopen?: string } | undefined;
  /** Characters of the answer Slack has accepted. */
  streamed = 0;
  private readonly tasks = new PendingTasks();
  /** The message whose status task still shows "in progress". */
  private statusIn: string | undefined;

  constructor(private readonly h: NativeHost) {}

  /** Opens the first streamed message with a status task, so it has content (chunks) from the start. */
  async open(): Promise<string> {
    this.startable();
    const ts = await this.start([statusTask('in_progress')]);
    this.statusIn = ts;
    return ts;
  }

  setTask(id: string, title: string, status: StreamChunkTask['status'], output?: string): void {
    this.tasks.set(id, title, status, output);
  }

  /** Something is ready to send: task updates, or text (a word still being written is not ready). */
  get pending(): boolean {
    return this.tasks.size > 0 || this.streamed < this.ready();
  }

  /** Sends what Slack does not have yet: one call, or (final) everything. */
  async flush(final: boolean): Promise<'sent' | 'dropped'> {
    for (let guard = 0; guard < 1000 && this.pending; guard++) {
      const s = this.stream;
      const full = s && s.bytes >= this.h.maxBytes - 400;
      const old = s && this.h.now() - s.startedAt >= this.h.rolloverMs;
      // A new stream is needed: only when one can start now, or (a continuation, not the last call)
      // sooner than this run's next edit would come; else the reply goes on with edits.
      // (Not an old stream: Slack ends it soon, so it does not wait idle.)
      if (!s || full || old) this.startable(full && !old && !final ? (this.h.editCadenceMs?.() ?? 0) : 0);
      if (s && (full || old)) await this.end();
      try {
        if (!this.stream) {
          // A new message opens with the next content (chunks), never empty.
          const pass = this.render();
          await this.start(pass.chunks, pass.commit).catch((err) => {
            pass.giveBack();
            throw err;
          });
        } else {
          const r = await this.append(final);
          if (r === 'dropped') return r;
        }
      } catch (err) {
        if (code(err) === 'message_not_in_streaming_state' && this.stream) {
          // Slack ended the stream (lifetime or idle gap): fix the broken message, go on in a new one.
          this.h.log.info({ channel: this.h.channel }, 'stream expired; repairing it and continuing');
          await this.repair(false);
          continue;
        }
        throw classify(err);
      }
      if (!final) return 'sent';
    }
    return 'sent';
  }

  /** Ends the reply: the rest of the text, the status task done, and the footer blocks. */
  async finish(footer: unknown[], ok: boolean): Promise<void> {
    await this.flush(true);
    try {
      await this.end(footer, ok);
    } catch (err) {
      if (code(err) !== 'message_not_in_streaming_state') throw classify(err);
      await this.repair(true);
    }
  }

  /**
   * Leaves streaming (edits take over): ends the open stream, repairing it if Slack already ended it.
   * Returns where the edited replies continue: the text Slack has, and the code fence to reopen.
   */
  async handOff(opts: { stopped?: boolean } = {}): Promise<{ streamed: number; reopen?: string }> {
    const s = this.stream ?? this.lastClosed;
    const reopen = s ? openFence(this.h.text().slice(s.from, this.streamed), s.reopen)?.opener : undefined;
    if (this.stream && !opts.stopped) {
      try {
        await this.end();
      } catch (err) {
        if (code(err) === 'message_not_in_streaming_state') await this.repair(false).catch(() => undefined);
        else this.h.log.warn({ err: String(err) }, 'could not end the stream');
      }
    }
    this.stream = undefined;
    return { streamed: this.streamed, ...(reopen ? { reopen } : {}) };
  }

  private startable(patienceMs = 0): void {
    assertStartable(this.h, patienceMs);
  }

  private async start(content: StreamChunk[], commit?: () => void): Promise<string> {
    const prev = this.lastClosed;
    const reopen = prev
      ? openFence(this.h.text().slice(prev.from, this.streamed), prev.reopen)?.opener
      : undefined;
    const lead: StreamChunk[] = reopen ? [{ type: 'markdown_text', text: `${reopen}\n` }] : [];
    const chunks = [...lead, ...content];
    const from = this.streamed;
    const ts = await this.h.writer.startStream!(
      {
        channel: this.h.channel,
        threadTs: this.h.threadTs,
        recipientUserId: this.h.recipientUserId,
        recipientTeamId: this.h.team,
        chunks,
      },
      this.h.opts('critical'),
    );
    commit?.();
    this.h.started(ts);
    this.stream = {
      ts,
      startedAt: this.h.now(),
      from,
      bytes: markdownBytes(chunks),
      ...(reopen ? { reopen } : {}),
    };
    return ts;
  }

  private async append(final: boolean): Promise<'sent' | 'dropped'> {
    const s = this.stream!;
    let pass: ReturnType<NativeStreamer['render']> | undefined;
    const render = () => {
      pass?.giveBack();
      pass = this.render();
      return pass.chunks;
    };
    try {
      const sent = await this.h.writer.appendStream!(this.h.channel, s.ts, render(), {
        ...this.h.opts(final ? 'critical' : 'progress'),
        latestChunks: render,
        hasNews: () => this.streamed < this.h.text().length,
      });
      if (sent === false) {
        // Dropped unsent (the run is finishing): the text and task updates are still to send.
        pass?.giveBack();
        return 'dropped';
      }
      pass?.commit();
      return 'sent';
    } catch (err) {
      pass?.giveBack();
      throw err;
    }
  }

  /** The next chunks to send (task updates, then text that fits); commit() records them as sent. */
  private render(): { chunks: StreamChunk[]; commit: () => void; giveBack: () => void } {
    const tasks = this.tasks.take();
    const delta = this.pendingDelta();
    const until = this.streamed + delta.length;
    const chunks: StreamChunk[] = [
      ...tasks,
      ...(delta ? [{ type: 'markdown_text' as const, text: delta }] : []),
    ];
    let done = false;
    return {
      chunks,
      commit: () => {
        if (done) return;
        done = true;
        this.streamed = Math.max(this.streamed, until);
        if (this.stream) this.stream.bytes += Buffer.byteLength(delta);
      },
      giveBack: () => {
        if (done) return;
        done = true;
        this.tasks.giveBack(tasks);
      },
    };
  }

  /** Text not yet accepted by Slack, at most what fits in this message and in one call. */
  private pendingDelta(): string {
    const used = this.stream?.bytes ?? (this.lastClosed?.reopen ? 32 : 0);
    return nextDelta(this.h.text(), this.streamed, this.ready(), this.h.maxBytes - used);
  }

  /** Where the text that may be sent ends (a last word still being written is held back). */
  private ready(): number {
    return readyEnd(this.h.text(), this.streamed, this.h.settled());
  }

  /** Ends the open stream, closing a code block left open so the next message can reopen it. */
  private async end(blocks?: unknown[], ok = true): Promise<void> {
    const s = this.stream;
    if (!s) return;
    const fence = openFence(this.h.text().slice(s.from, this.streamed), s.reopen);
    const tasks = this.tasks.take();
    const status: StreamChunk[] = this.statusIn === s.ts ? [statusTask(ok ? 'complete' : 'error')] : [];
    const chunks: StreamChunk[] = [
      ...tasks,
      ...status,
      ...(fence ? [{ type: 'markdown_text' as const, text: `\n${fence.marker}\n` }] : []),
    ];
    try {
      await this.h.writer.stopStream!(
        this.h.channel,
        s.ts,
        { ...(chunks.length ? { chunks } : {}), ...(blocks?.length ? { blocks } : {}) },
        this.h.opts('critical'),
      );
    } catch (err) {
      this.tasks.giveBack(tasks);
      throw err;
    }
    if (this.statusIn === s.ts) this.statusIn = undefined;
    this.lastClosed = s;
    this.stream = undefined;
  }

  /**
   * Replaces a stream Slack ended by itself with a normal message holding the same text. If Slack
   * still counts it as streaming (`streaming_state_conflict`), the stream is stopped first.
   */
  private async repair(last: boolean): Promise<void> {
    const s = this.stream!;
    this.stream = undefined;
    this.lastClosed = s;
    // The edit replaces the whole message, its task list included.
    if (this.statusIn === s.ts) this.statusIn = undefined;
    const body = renderOpen(this.h.text().slice(s.from, this.streamed), s.reopen);
    const message = this.h.repaired(body, last);
    try {
      await this.h.writer.update(this.h.channel, s.ts, message, this.h.opts('critical'));
    } catch (err) {
      if (code(err) !== 'streaming_state_conflict') throw err;
      await this.h.writer.stopStream!(this.h.channel, s.ts, {}, this.h.opts('critical')).catch(
        () => undefined,
      );
      await this.h.writer.update(this.h.channel, s.ts, message, this.h.opts('critical'));
    }
  }
}
