/**
 * Slash commands. Arguments are validated before anything happens: a malformed command gets an
 * ephemeral usage message in the ack and nothing is posted or invoked. Valid commands are acked
 * at once, before the duplicate checks, and run afterwards, never inside the request.
 */

import { createHash } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { AccessPolicy } from '../core/access.ts';
import { parseCommand } from '../core/command-parser.ts';
import { SLASH_COMMANDS } from '../core/commands.ts';
import type { Logger } from '../core/logger.ts';
import type { SessionStore } from '../core/ports.ts';
import type { Runner } from '../core/runner.ts';
import { toSlack } from '../core/slack-escape.ts';
import { StoreUnavailableError } from '../core/store-unavailable.ts';
import type { Accounts } from '../core/target-accounts.ts';
import { AfterAcks } from './after-acks.ts';
import { SLACK_LIMITS } from './limits.ts';

/** What a person is told when the session store cannot record their request: nothing ran, try again. */
export const CANNOT_RECORD =
  'I can’t record this request right now (my session store is unreachable), so nothing was started. ' +
  'Please send it again in a minute.';

/** A signed request is valid for the signature window either way; remember it a little longer than that. */
const SIGNED_REQUEST_MEMORY_SECONDS = 2 * SLACK_LIMITS.signatureToleranceSeconds + 60;

/**
 * A burst of commands is acked before any of them does store work: released 20 ms after the last
 * arrival, and after at most a second (a duplicate's note or a run then starts that much later).
 */
const AFTER_ACKS = { quietMs: 20, maxWaitMs: 1_000 };

const NO_APPROVERS =
  'Running FIS experiments from Slack needs human approvers, and none are configured, so nothing was started. ' +
  'An admin can set `FIS_APPROVERS` (Slack user and user group ids). Meanwhile, `/fis prepare` designs an experiment.';

export interface CommandDeps {
  /** FIS approvers are configured, so `/fis run` may start the gated flow. */
  approvalsEnabled: boolean;
  runner: Runner;
  store: SessionStore;
  access: AccessPolicy;
  defaultRegion: string;
  /** Regions where FIS experiments may run (FIS_REGIONS); empty: any. */
  fisRegions?: readonly string[];
  /** The bot's own account and the other accounts a command may name (`account:<alias>`). */
  accounts?: Accounts;
  /** The same command from the same person in the same channel within this window is a double submit. */
  duplicateWindowSeconds: number;
  log: Logger;
}

/** What the ack of a slash command says: a reason it was refused (ephemeral), or that it runs. */
export type CommandAck =
  | { ok: false; reply: { response_type: 'ephemeral'; text: string } }
  | { ok: true; route: ParsedRoute; params: ParsedParams };

type ParsedCommand = Extract<ReturnType<typeof parseCommand>, { ok: true }>;
type ParsedRoute = ParsedCommand['route'];
type ParsedParams = ParsedCommand['params'];

/** The slash command fields the ack and the work after it read (Slack's form, as Bolt parses it). */
export interface CommandForm {
  command: string;
  text: string;
  team_id: string;
  channel_id: string;
  user_id: string;
}

/** Decides the ack: arguments, approvers, access and whether the bot takes work. Changes nothing. */
export async function decideAck(deps: CommandDeps, name: string, command: CommandForm): Promise<CommandAck> {
  const refuse = (text: string): CommandAck => ({ ok: false, reply: { response_type: 'ephemeral', text } });
  const parsed = parseCommand(name, command.text ?? '', deps.defaultRegion, deps.fisRegions, deps.accounts);
  if (!parsed.ok) return refuse(toSlack(parsed.message));
  if (parsed.route.requiresApprovers && !deps.approvalsEnabled) return refuse(NO_APPROVERS);
  const access = await deps.access.command(name, command.channel_id, command.user_id, parsed.route);
  if (!access.allowed) return refuse(toSlack(access.reason));
  if (!deps.runner.isAccepting) return refuse('The bot is restarting. Run the command again in a minute.');
  return { ok: true, route: parsed.route, params: parsed.params };
}

export interface CommandSurface {
  /**
   * The receiver's early ack (HTTP mode): the ack for a verified slash command, decided before Bolt
   * sees the request. Bolt then handles the command with `ackDecision` in its context, and its
   * listener does not decide or ack again. Call `arrived()` first; `afterAcks` holds the hand-over
   * to Bolt until the burst of commands is acked.
   */
  decide(name: string, command: CommandForm): Promise<CommandAck>;
  afterAcks: AfterAcks;
}

export function register(app: App, deps: CommandDeps): CommandSurface {
  const afterAcks = new AfterAcks(AFTER_ACKS);
  for (const name of SLASH_COMMANDS) {
    app.command(name, async ({ command, ack, respond, context }) => {
      const early = (context as { ackDecision?: CommandAck }).ackDecision;
      if (!early) afterAcks.arrived();
      const decided = early ?? (await decideAck(deps, name, command));
      if (!decided.ok) {
        if (!early) await ack(decided.reply);
        return;
      }
      // Acknowledged at once: the duplicate checks below wait for a store round trip, and 100
      // commands arriving together would make each ack wait behind the others' (bench/results.md).
      // What the checks decide is told through the command's response_url, privately, as before.
      if (!early) await ack();
      const tell = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: toSlack(text) });
      };
      const signature = (context as { requestSignature?: unknown }).requestSignature;
      // Commands that arrived together are all acked before any of them builds and signs its store
      // requests (CPU the other acks would otherwise wait behind).
      await afterAcks.wait();
      let verdict: 'run' | 'replayed' | 'duplicate';
      try {
        verdict = await firstTime(deps, name, command, typeof signature === 'string' ? signature : undefined);
      } catch (err) {
        deps.log.error({ err, command: name, user: command.user_id }, 'cannot record a command');
        await tell(CANNOT_RECORD).catch(() => undefined);
        return;
      }
      if (verdict === 'replayed') {
        deps.log.warn(
          { command: name, user: command.user_id, channel: command.channel_id },
          'a replayed signed command was ignored',
        );
        return;
      }
      if (verdict === 'duplicate') {
        await tell(
          `You just ran \`${name} ${command.text.trim()}\` here; I’m already on it, so I did not start it twice.`,
        ).catch(() => undefined);
        return;
      }
      deps.log.info(
        { command: name, route: decided.route.id, user: command.user_id, channel: command.channel_id },
        'command accepted',
      );
      void deps.runner
        .startCommand({
          teamId: command.team_id,
          channel: command.channel_id,
          userId: command.user_id,
          route: decided.route,
          params: decided.params,
          tellUser: tell,
        })
        .catch(() => undefined);
    });
  }
  return { decide: (name, command) => decideAck(deps, name, command), afterAcks };
}

/**
 * Whether this command should run: not a replay of a signed request still within its signature
 * window (HTTP mode; Slack itself never resends a slash command), and not the same command from the
 * same person in the same channel within the double-submit window. Both checks are conditional
 * writes side by side, so concurrent copies of one command run exactly once. A replay also records
 * the command's fingerprint; it only starts the double-submit window again for a command that ran.
 */
async function firstTime(
  deps: CommandDeps,
  name: string,
  command: { team_id: string; channel_id: string; user_id: string; text: string },
  signature: string | undefined,
): Promise<'run' | 'replayed' | 'duplicate'> {
  const fingerprint = createHash('sha256')
    .update(`${command.team_id}|${command.channel_id}|${command.user_id}|${name}|${command.text.trim()}`)
    .digest('hex');
  // A store that has not answered by then is treated as unreachable, so the person hears promptly.
  const [fresh, first] = await withinDeadline(() =>
    Promise.all([
      signature !== undefined
        ? deps.store.remember(
            `signed:${createHash('sha256').update(signature).digest('hex')}`,
            SIGNED_REQUEST_MEMORY_SECONDS,
          )
        : true,
      deps.duplicateWindowSeconds > 0
        ? deps.store.remember(`command:${fingerprint}`, deps.duplicateWindowSeconds)
        : true,
    ]),
  );
  if (!fresh) return 'replayed';
  return first ? 'run' : 'duplicate';
}

/**
 * A store that has not answered the duplicate checks by then is treated as unreachable. They follow
 * the ack, so Slack's 3-second ack deadline does not bound them; a burst of commands releases all
 * its checks at once, and a store (or the client's connection pool) may take a few seconds to
 * answer them all (bench/results-n200-alone.md: with 2.2 s, 41% of 200 commands were refused).
 */
const STORE_CHECK_DEADLINE_MS = 10_000;

/** Runs `work`, failing as unreachable if it has not answered within STORE_CHECK_DEADLINE_MS. */
async function withinDeadline<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError('no answer to the duplicate checks in time')),
      STORE_CHECK_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
