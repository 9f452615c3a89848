/**
 * Every Slack limit the bot depends on, in one place. Values from Slack's docs and @slack/types;
 * where Slack documents none (the cumulative block text cap), the observed value with a margin.
 */
export const SLACK_LIMITS = {
  /** Slack truncates message `text` above this. */
  messageText: 40_000,
  blocksPerMessage: 50,
  sectionText: 3_000,
  contextElements: 10,
  contextElementText: 3_000,
  /** A markdown block, and all markdown blocks of one message together. */
  markdownBlockText: 12_000,
  /**
   * `msg_blocks_too_long` for all block text of one message: not a plain cap, it shrinks with each
   * block (reports: 13,297 with one markdown block, 13,172 with a divider added, and a ~11,341-character
   * payload refused). The bot keeps every message under the lowest of those.
   */
  cumulativeBlockText: 11_300,
  /** A natively streamed message is refused past ~10.6k UTF-8 bytes (msg_too_long); the bot stays under. */
  streamedMessageBytes: 9_600,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2_000,
  confirmTitle: 100,
  confirmText: 300,
  /** Agent text we put in one message: under cumulativeBlockText with room for status, notice and footer. */
  replyBodyBudget: 10_000,
  /** Plain-text notification fallback we send alongside blocks. */
  fallbackText: 300,
  /** Slack answers a slash command or interaction only if acked within this. */
  ackDeadlineMs: 3_000,
  /**
   * The largest request body accepted on /slack/events. Slack documents no maximum; its largest real
   * payloads are interactions that repeat a whole message (50 blocks of up to 3,000 characters, about
   * 150 KB of JSON) or a modal's state (100 blocks), form-encoded (up to 3x for escaped characters):
   * well under 1 MiB. Bolt's default is 4 MB.
   */
  requestBodyBytes: 1024 * 1024,
  /** Requests being read before their signature is checked, at once; more are refused with 503. */
  unauthenticatedRequests: 16,
  /** Slack sends the whole body at once and waits only 3 s for the ack; a body still arriving after this is cut. */
  requestBodyTimeoutMs: 5_000,
  /** Slack signs with the current time; requests older or newer than this are refused (Slack's guidance: 5 min). */
  signatureToleranceSeconds: 300,
  /** Slack redelivers events at ~0, 1 and 5 minutes; remember event ids well beyond that. */
  eventDedupSeconds: 60 * 60,
} as const;
