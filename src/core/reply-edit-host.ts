/** What the edited replies (reply-stream-edit.ts, reply-stream-spill.ts) are given by their ReplyStream. */
import type { Logger } from './logger.ts';
import type { SlackMessage, SlackWriter, WriteOptions } from './ports.ts';
import type { Presenter } from './reply-view.ts';

export interface EditHost {
  writer: SlackWriter;
  presenter: Presenter;
  channel: string;
  threadTs: string;
  bodyBudget: number;
  log: Logger;
  /** Everything the agent wrote so far (as shown in Slack). */
  text: () => string;
  /** The live view of a message body (status, activity, Stop button; `spilled`: the answer goes on below). */
  present: (body: string, spilled?: boolean) => SlackMessage;
  opts: (lane: 'critical' | 'progress') => WriteOptions;
  /** Each reply as it is posted. */
  posted: (ts: string) => void;
  currentTs: () => string;
  now: () => number;
  /** The agent is not writing text now (a tool call or the run's end stopped it): its last word is whole. */
  paused?: () => boolean;
  /** An edit is due though no text came: a word an edit held back has settled (reply-held-word.ts). */
  wake?: () => void;
  /** Spills under load (reply-spill.ts); off: the edits alone carry the text, as before. */
  spill?: { afterMs?: number; gapMs?: number } | false;
}
