/**
 * Roll-overs of an edited reply (reply-stream-edit.ts): when the text outgrows a message, the message
 * is finished ("continued in the next message") and the answer goes on in a new reply, never cutting a
 * code block without closing and reopening it. Kept apart from the live edits and the final, which
 * both call it: finishing and opening messages is its own sequence of critical calls, during which no
 * spill may cut in (`rolling`).
 */
import type { SlackMessage } from './ports.ts';
import type { EditHost } from './reply-edit-host.ts';
import { type Chunk, renderOpen, takeChunk } from './split.ts';

/** The state of the edited replies a roll-over reads and moves on (EditedReplies). */
export interface RollTarget {
  readonly h: EditHost;
  frozen: number;
  reopen: string | undefined;
  needsNewMessage: boolean;
  rolling: boolean;
  readonly tail: string;
  markShown(end: number, upTo?: number): void;
  freeze(chunk: Chunk): void;
  view(body: string): SlackMessage;
  /** How far a continuation posted now may show the text. */
  continuationEnd(): number;
}

/**
 * Finishes full messages and opens continuation replies until the tail fits in one message. With
 * `leaveLast`, the last (not full) message is left to the caller (the final posts it complete).
 * `since`: when the oldest text these edits show was written (the final's edits compete by it).
 */
export async function rollOver(e: RollTarget, leaveLast = false, since?: number): Promise<void> {
  const h = e.h;
  e.rolling = true;
  try {
    for (;;) {
      if (e.needsNewMessage) {
        if (leaveLast && !takeChunk(e.tail, h.bodyBudget, e.reopen)) return;
        await postContinuation(e);
        // A continuation that was already full went out finished: the next one follows.
        if (e.needsNewMessage) continue;
      }
      const chunk = takeChunk(e.tail, h.bodyBudget, e.reopen);
      if (!chunk) return;
      await h.writer.update(
        h.channel,
        h.currentTs(),
        h.presenter.reply({ body: chunk.text, continued: true }),
        since === undefined ? h.opts('critical') : { ...h.opts('critical'), pendingSince: () => since },
      );
      e.freeze(chunk);
    }
  } finally {
    e.rolling = false;
  }
}

/**
 * Opens the next reply; it starts with the text that is already there (one call instead of two).
 * When that text fills it, it is posted finished ("continued"), so finishing it costs no
 * chat.update, the workspace's scarce budget, and the answer goes on in the next reply.
 */
async function postContinuation(e: RollTarget): Promise<void> {
  const h = e.h;
  const rendered: { full?: Chunk } = {};
  const first = () => {
    const upTo = e.continuationEnd();
    const part = h.text().slice(e.frozen, upTo);
    const full = takeChunk(part, h.bodyBudget, e.reopen) ?? undefined;
    rendered.full = full;
    e.markShown(full ? e.frozen + full.consumed : upTo, upTo);
    return full
      ? h.presenter.reply({ body: full.text, continued: true })
      : e.view(renderOpen(part, e.reopen));
  };
  const ts = await h.writer.post(h.channel, first(), h.threadTs, { ...h.opts('critical'), latest: first });
  h.posted(ts);
  e.needsNewMessage = false;
  if (rendered.full) e.freeze(rendered.full);
}
