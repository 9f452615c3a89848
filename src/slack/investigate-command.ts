/**
 * `/investigate <alarm name or ARN> [region]`: the bot reads the alarm from CloudWatch (definition,
 * state and the last day's state changes), posts a root naming it, and runs the same read-only
 * investigation an Investigate click would. Bad input and unknown alarms get a private answer and
 * change nothing.
 */
import type { App } from '@slack/bolt';
import { type AlarmLookup, AlarmLookupError } from '../alerts/alarm-lookup.ts';
import { parseInvestigate } from '../alerts/investigate-command.ts';
import { investigationFor } from '../alerts/investigation.ts';
import type { AccessPolicy } from '../core/access.ts';
import type { Logger } from '../core/logger.ts';
import { SlackWriteError, type SlackWriter } from '../core/ports.ts';
import type { Presenter } from '../core/reply-view.ts';
import type { Runner } from '../core/runner.ts';
import { toSlack } from '../core/slack-escape.ts';
import { INVESTIGATE_COMMAND } from './alerts.ts';

export interface InvestigateDeps {
  runner: Runner;
  access: AccessPolicy;
  writer: SlackWriter;
  presenter: Presenter;
  alarms: AlarmLookup;
  defaultRegion: string;
  log: Logger;
}

export function register(app: App, deps: InvestigateDeps): void {
  app.command(INVESTIGATE_COMMAND, async ({ command, ack, respond }) => {
    const args = parseInvestigate(command.text ?? '', deps.defaultRegion);
    if (!args.ok) {
      await ack({ response_type: 'ephemeral', text: toSlack(args.message) });
      return;
    }
    const access = await deps.access.command(INVESTIGATE_COMMAND, command.channel_id, command.user_id);
    if (!access.allowed) {
      await ack({ response_type: 'ephemeral', text: toSlack(access.reason) });
      return;
    }
    await ack();
    const tell = async (text: string) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: toSlack(text) }).catch(
        (err) => deps.log.warn({ err }, 'could not answer /investigate'),
      );
    };
    void (async () => {
      let facts: Awaited<ReturnType<AlarmLookup['find']>>;
      try {
        facts = await deps.alarms.find(args.region, args.name);
      } catch (err) {
        if (!(err instanceof AlarmLookupError)) throw err;
        deps.log.warn({ err, region: args.region }, 'could not read the alarm');
        return tell(
          `I could not read the alarm \`${args.name}\` in ${args.region} (${err.code}). ${err.advice}`,
        );
      }
      if (!facts) {
        return tell(
          `CloudWatch has no alarm named \`${args.name}\` in ${args.region}. Names are case-sensitive; check the name and the Region (or paste the alarm's ARN).`,
        );
      }
      const inv = investigationFor(facts, deps.defaultRegion);
      const root = deps.presenter.root({
        title: inv.title,
        requester: command.user_id,
        skill: inv.skills.join(' + '),
        details: inv.details,
      });
      const threadTs = await postRoot(deps.writer, command.channel_id, root).catch((err: unknown) => {
        deps.log.warn({ err, channel: command.channel_id }, 'could not post the investigation root');
        const code = err instanceof SlackWriteError ? err.code : 'error';
        void tell(
          code === 'not_in_channel' || code === 'channel_not_found'
            ? 'I’m not a member of this channel, so I can’t start a thread here. Invite me with `/invite @AgentCore Ops`, then run the command again.'
            : `Slack refused my message (\`${code}\`). Try again; if it keeps failing, tell the bot’s admins.`,
        );
        return undefined;
      });
      if (!threadTs) return;
      await deps.runner.startInvestigation({
        teamId: command.team_id,
        channel: command.channel_id,
        threadTs,
        userId: command.user_id,
        skills: inv.skills,
        prompt: inv.prompt,
        showRoot: async () => undefined,
        tell,
      });
    })().catch((err) => {
      deps.log.error({ err }, '/investigate failed');
      return tell('Something went wrong starting the investigation. Nothing was started; try again.');
    });
  });
}

/** Posts in the channel, joining it first when it is public and the bot is not in it yet. */
async function postRoot(writer: SlackWriter, channel: string, root: ReturnType<Presenter['root']>) {
  try {
    return await writer.post(channel, root);
  } catch (err) {
    if (!(err instanceof SlackWriteError) || err.code !== 'not_in_channel') throw err;
    await writer.join(channel);
    return writer.post(channel, root);
  }
}
