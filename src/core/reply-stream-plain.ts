/**
 * The edited replies' last resort (reply-stream-edit.ts): when Slack refuses the final's content or
 * keeps failing, the rest of the answer goes out as plain messages without blocks, then the footer,
 * so nothing the agent wrote is lost.
 */
import type { EditHost } from './reply-edit-host.ts';
import type { ReplyView } from './reply-view.ts';
import { splitMarkdown } from './split.ts';

/** Slack errors that mean the content itself was refused, so retrying it unchanged cannot help. */
export const CONTENT_ERRORS = new Set(['msg_too_long', 'invalid_blocks', 'msg_blocks_too_long', 'no_text']);

/** Posts `text` as plain messages and the result footer after them. Never throws. */
export async function postPlain(
  h: EditHost,
  text: string,
  result: NonNullable<ReplyView['result']>,
): Promise<void> {
  const parts = splitMarkdown(text, 3_500);
  const footer = h.presenter.reply({ body: '', result });
  try {
    for (const part of parts)
      await h.writer.post(h.channel, { text: part, blocks: [] }, h.threadTs, h.opts('critical'));
    await h.writer.post(h.channel, footer, h.threadTs, h.opts('critical'));
  } catch (err) {
    // Slack refused everything. The logger records the answer's size (the text itself only with LOG_CONTENT).
    h.log.error(
      { err: describe(err), channel: h.channel, threadTs: h.threadTs, undelivered: text },
      'could not deliver the agent answer to Slack',
    );
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
