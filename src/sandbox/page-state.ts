/**
 * What the sandbox page is told about its workspace (people, channels, each person's DM with the
 * bot, user groups, the Try list), and the page's own answers that Slack's client gives itself.
 */
import { ROUTES } from '../core/commands.ts';
import { DEMO_TEMPLATE, DEMO_TEMPLATE_REGION } from './demo-fis.ts';
import { APPROVERS_GROUP, BOT_NAME, CHANNELS, dmOf, PEOPLE } from './people.ts';
import type { Timeline } from './timeline.ts';

export interface Try {
  text: string;
  /** What to look for, or what to do next. */
  hint?: string;
}

/** The Try list: every row of the README's command table, a mention, a long answer and the approval story. */
export function tries(emulated: boolean): Try[] {
  const approver = PEOPLE.find((p) => p.role === 'approver')!;
  const list: Try[] = [
    { text: '/assess eks my-cluster us-west-2' },
    { text: '/assess rds orders-db eu-central-1' },
    { text: '/chaos rds orders-db us-east-1' },
    {
      text: `/fis prepare stop one EC2 instance of the checkout ASG in ${DEMO_TEMPLATE_REGION} for 5 minutes`,
      hint: 'then reply “run it” in its thread',
    },
    {
      text: `/fis run ${DEMO_TEMPLATE} ${DEMO_TEMPLATE_REGION}`,
      hint: `approve as ${approver.name} (in @${APPROVERS_GROUP.handle}); switch under “You are”`,
    },
    { text: '/logs /aws/lambda/checkout 1h us-east-1' },
    {
      text: '/logs /aws/lambda/checkout 7d us-east-1',
      hint: 'a long answer: continued replies and answer.md',
    },
    { text: '/cost ec2 3m', hint: 'runs on its own harness (cost), through the billing Gateway tools' },
    { text: `@${BOT_NAME} why is checkout slow?`, hint: 'a mention starts a conversation' },
    { text: '/investigate checkout-5xx us-east-1', hint: 'reads the alarm from CloudWatch (emulated)' },
    { text: '/fis help' },
  ];
  // With a real harness the demo ids mean nothing: keep the commands that work anywhere.
  return emulated
    ? list
    : list.filter((t) => !t.text.includes(DEMO_TEMPLATE) && !t.text.startsWith('/investigate'));
}

/** Channels a person can use: the shared ones and their own DM with the bot. */
export function channelsFor(user: string): Array<{ id: string; name: string; dm?: boolean }> {
  return [...CHANNELS, { id: dmOf(user), name: BOT_NAME, dm: true }];
}

export function channelFor(requested: string | undefined, user: string): string {
  return channelsFor(user).some((c) => c.id === requested) ? requested! : CHANNELS[0]!.id;
}

export function commandList() {
  return ROUTES.map((r) => ({
    command: r.command,
    usage: r.usage,
    example: r.example,
    description: r.description,
    available: true,
  }));
}

export const userGroups = () => [{ id: APPROVERS_GROUP.id, handle: APPROVERS_GROUP.handle }];

/**
 * A slash command typed in a thread's reply box. Slack sends slash commands without the thread, so
 * the run would start in the channel, away from the thread being read: explain instead of running.
 */
export function explainThreadCommand(
  timeline: Timeline,
  where: { channel: string; user: string; threadTs: string; command: string },
): void {
  timeline.addEphemeral({
    channel: where.channel,
    user: where.user,
    threadTs: where.threadTs,
    text: `Slash commands start a new run in the channel, so \`${where.command}\` was not sent from this thread. Type it in the channel’s message box; in a thread, ask the agent a question instead.`,
  });
}
