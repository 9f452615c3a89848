/**
 * A Slack write that is not idempotent, sent without duplicates: when a request fails without an
 * answer (a timeout, a reset connection, a 5xx) the write may well have landed, and sending it again
 * blindly puts it in the conversation twice (Slack deduplicates neither chat.postMessage nor
 * files.completeUploadExternal). So after such a failure the conversation is read back for what the
 * write would have left there: found, that is the write's result; not found, it is sent again.
 *
 * The client used must not retry on its own (retries 0): its retries would re-send blindly.
 * Rate limits and refusals are not this code's business: nothing was written, the error goes back
 * to the caller (a 429 to the scheduler).
 */
import type { Logger } from '../core/logger.ts';
import { writeMayHaveLanded } from '../core/ports.ts';

/** As often and as spaced as the critical client retried before (retries 4, factor 2, 0.5 s to 10 s). */
export const SEND_RETRIES = 4;
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/**
 * The lookup starts this long before the first attempt: Slack stamps the message with its own clock,
 * which may be behind ours.
 */
export const CLOCK_MARGIN_S = 60;

/**
 * Runs one of the lookups under a rate-limit budget (the per-workspace scheduler): `fn`'s 429s are
 * waited out (Retry-After) and retried there, instead of ending the lookup.
 */
export type ScheduleRead = <T>(method: string, channel: string, fn: () => Promise<T>) => Promise<T>;

export interface OnceOptions {
  log?: Logger;
  /** Waits between attempts (tests pass a quick one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface OnceWrite<T> {
  /** For the logs: 'post', 'file upload'. */
  what: string;
  channel: string;
  send(): Promise<T>;
  /** After a lost answer: the write's result when it landed, undefined when it did not (yet). */
  find(): Promise<T | undefined>;
}

/** Errors after which the write may have landed: no answer from Slack (timeout, reset) or a 5xx. */
export const mayHaveLanded = writeMayHaveLanded;

/** The moment a write's lookup starts from (Slack's ts format). */
export function lookupSince(): string {
  return (Date.now() / 1000 - CLOCK_MARGIN_S).toFixed(6);
}

export async function sendOnce<T>(w: OnceWrite<T>, opts: OnceOptions = {}): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await w.send();
    } catch (err) {
      if (!mayHaveLanded(err) || attempt >= SEND_RETRIES) throw err;
      // Wait first: a write Slack answered late may still be on its way into the conversation.
      await sleep(backoff(attempt));
      const found = await w.find().catch((lookupErr: unknown) => {
        const detail = { channel: w.channel, err: describe(lookupErr), sendErr: describe(err) };
        if (slackError(lookupErr) === 'missing_scope')
          // Group DMs: the app asks for no mpim:history scope (manifest.yml says why), so nothing
          // there can be read back. Sending again keeps the user's answer; a duplicate is possible.
          opts.log?.warn(
            detail,
            `the bot may not read this conversation (a group DM: no mpim:history scope, by design), so a failed Slack ${w.what} cannot be checked; sending it again, a duplicate is possible`,
          );
        else
          opts.log?.warn(
            detail,
            `could not check whether a failed Slack ${w.what} landed; sending it again, a duplicate is possible`,
          );
        return null;
      });
      if (found) {
        opts.log?.info(
          { channel: w.channel, err: describe(err) },
          `a Slack ${w.what} whose answer was lost had landed; not sending it again`,
        );
        return found;
      }
      if (found === undefined)
        opts.log?.info(
          { channel: w.channel, err: describe(err) },
          `a failed Slack ${w.what} had not landed; sending it again`,
        );
    }
  }
}

/** Slack's own error code, whether the client's error or one already mapped to SlackWriteError. */
function slackError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.data?.error ?? e?.code;
}

function backoff(attempt: number): number {
  // p-retry's randomized exponential backoff, which the critical client used.
  return Math.round(Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt * (1 + Math.random())));
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ? `${e.code}: ${e.message ?? ''}` : String(err);
}
