/**
 * files.completeUploadExternal without duplicates (slack-once.ts). Completing the same files again
 * shares them again, so after a lost answer the thread is read back for the message that shares
 * them (a message lists its files by id): found, the upload is done; not found, it is completed
 * again with the same file ids. Only thread uploads are made (the bot attaches files to a run's thread).
 *
 * Slack shares the files asynchronously (after its own checks on them), so the message may appear
 * seconds after the call; Slack's SDK maintainers advise polling the conversation until it does.
 * The thread is therefore read a few times, spaced out, before the upload counts as not landed.
 */
import type { FilesCompleteUploadExternalArguments, WebClient } from '@slack/web-api';
import { lookupSince, type OnceOptions, type ScheduleRead, sendOnce } from './slack-once.ts';

/** Enough for the replies a run's thread gets in the time an upload is retried. */
const LOOKUP_LIMIT = 200;
/** How many times, and how far apart, the thread is read for a share still on its way (~16 s). */
const SHARE_POLLS = 8;
const SHARE_POLL_MS = 2_000;

export interface UploadOnceOptions extends OnceOptions {
  /** Where the lookups are paced and their 429s waited out (default: sent at once). */
  read?: ScheduleRead;
}

export async function completeUploadOnce(
  client: WebClient,
  args: FilesCompleteUploadExternalArguments & { channel_id: string; thread_ts: string },
  opts: UploadOnceOptions = {},
): Promise<void> {
  const ids = new Set(args.files.map((f) => f.id));
  const since = lookupSince();
  const read: ScheduleRead = opts.read ?? ((_method, _channel, fn) => fn());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sharedYet = async () => {
    const res = await read('conversations.replies', args.channel_id, () =>
      client.conversations.replies({
        channel: args.channel_id,
        ts: args.thread_ts,
        oldest: since,
        inclusive: true,
        limit: LOOKUP_LIMIT,
      }),
    );
    return (res.messages ?? []).some((m) => {
      const files = (m as { files?: Array<{ id?: string }> }).files ?? [];
      return files.length > 0 && [...ids].every((id) => files.some((f) => f.id === id));
    });
  };
  await sendOnce(
    {
      what: 'file upload',
      channel: args.channel_id,
      send: async () => {
        await client.files.completeUploadExternal(args);
        return true;
      },
      find: async () => {
        for (let poll = 1; ; poll++) {
          if (await sharedYet()) return true;
          if (poll >= SHARE_POLLS) return undefined;
          await sleep(SHARE_POLL_MS);
        }
      },
    },
    opts,
  );
}
