/**
 * Access lists hold on every path, for the person acting: a mention, a follow-up in someone else's
 * thread, Retry and Stop cannot reach what a slash command would refuse (issue 12, item 2).
 *
 * Alice (USER) and Bob (OTHER_USER) are outside the SRE group; Dave (GROUP_MEMBER) is in it; Carol
 * (APPROVER) is a bot admin. `/logs` and `/fis` are limited to the SRE group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import type { Invocation, Reply } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText, fisExecuteAgent, offered } from '../../src/stand-ins/scenarios.ts';
import {
  APPROVER,
  CHANNEL,
  commandRoot,
  finalReplies,
  GROUP,
  GROUP_MEMBER,
  OTHER_USER,
  type Rig,
  startRig,
  USER,
} from '../helpers/rig.ts';

const hang = (text: string): Reply => ({
  steps: [{ event: 'messageStart', data: { role: 'assistant' } }, ...assistantText(text), { hang: true }],
});
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));
const skills = (inv: Invocation) => (inv.body.skills ?? []).map((s) => s.path?.split('/').pop());

type Msg = { ts: string; blocks?: unknown[] };
function buttonValue(m: Msg, actionId: string): string | undefined {
  for (const b of (m.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
    for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value;
  return undefined;
}

describe('access lists on every path', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { COMMAND_ACCESS: `/logs=${GROUP};/fis=${GROUP}`, BOT_ADMINS: APPROVER },
    });
  });
  afterAll(async () => {
    await rig.close();
  });

  const ephemeralsFor = (user: string) => rig.slack.ephemerals.filter((e) => e.user === user);

  it('a mention only offers the skills its author could run as commands', async () => {
    rig.harness.enqueue(answer('Here is a read-only answer.'));
    const n = rig.harness.invocations.length;
    const { ts } = await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: `<@${rig.slack.botUserId}> use the log analysis skill on /aws/lambda/checkout`,
    });
    await rig.harness.waitForInvocations(n + 1);
    const inv = rig.harness.invocations[n]!;
    expect(skills(inv)).not.toContain('app-service-log-analysis');
    expect(skills(inv)).toContain('aws-best-practice-research');
    await finalReplies(rig, CHANNEL, ts);

    // A group member asking the same gets the log skill.
    rig.harness.enqueue(answer('Logs checked.'));
    const m = await rig.slack.userMessage({
      user: GROUP_MEMBER,
      channel: CHANNEL,
      text: `<@${rig.slack.botUserId}> use the log analysis skill on /aws/lambda/checkout`,
    });
    await rig.harness.waitForInvocations(n + 2);
    expect(skills(rig.harness.invocations[n + 1]!)).toContain('app-service-log-analysis');
    await finalReplies(rig, CHANNEL, m.ts);
  });

  it('a follow-up in someone else’s /logs thread is refused privately and runs nothing', async () => {
    rig.harness.enqueue(answer('Log findings.'));
    const root = await commandRoot(rig, {
      command: '/logs',
      text: '/aws/lambda/checkout',
      user: GROUP_MEMBER,
    });
    await finalReplies(rig, CHANNEL, root.ts);
    const n = rig.harness.invocations.length;
    const before = ephemeralsFor(OTHER_USER).length;
    await rig.slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      threadTs: root.ts,
      text: 'and yesterday?',
    });
    const refusal = await rig.slack.waitFor(
      () => ephemeralsFor(OTHER_USER)[before],
      5000,
      'a private refusal for Bob',
    );
    expect(refusal.text).toContain('/logs');
    expect(refusal.text).toContain(`<!subteam^${GROUP}>`);
    await settle();
    expect(rig.harness.invocations.length).toBe(n);
  });

  it('“run it” in someone else’s /fis prepare thread: refused privately; the card names whoever asked', async () => {
    rig.fis.addTemplate(sampleTemplate('EXT1a2b3c4d5e6f7'));
    rig.harness.enqueue(answer('Template EXT1a2b3c4d5e6f7 prepared.'));
    const root = await commandRoot(rig, {
      command: '/fis',
      text: 'prepare stop one instance',
      user: GROUP_MEMBER,
    });
    await finalReplies(rig, CHANNEL, root.ts);
    const n = rig.harness.invocations.length;
    const before = ephemeralsFor(USER).length;
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, threadTs: root.ts, text: 'run it' });
    const refusal = await rig.slack.waitFor(
      () => ephemeralsFor(USER)[before],
      5000,
      'a private refusal for Alice',
    );
    expect(refusal.text).toContain('/fis');
    await settle();
    expect(rig.harness.invocations.length).toBe(n);

    // Dave may: the tool is offered, and the card names Dave, whose message led to it.
    rig.harness.enqueue(fisExecuteAgent('EXT1a2b3c4d5e6f7', 'us-east-1'));
    await rig.slack.userMessage({ user: GROUP_MEMBER, channel: CHANNEL, threadTs: root.ts, text: 'run it' });
    await rig.harness.waitForInvocations(n + 1);
    expect(offered(rig.harness.invocations[n]!, 'request_fis_experiment_approval')).toBe(true);
    const card = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('FIS experiment:')),
      10_000,
      'the approval card',
    );
    expect(JSON.stringify(card.blocks)).toContain(`*Requested by:* <@${GROUP_MEMBER}>`);
  });

  it('Stop: only the requester, the asker or an admin; others are refused privately', async () => {
    rig.harness.enqueue(hang('Working on a long check…'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks stop-policy', user: USER });
    const reply = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => buttonValue(m, 'stop_run')),
      10_000,
      'the Stop button',
    );
    const value = buttonValue(reply, 'stop_run')!;
    const before = ephemeralsFor(OTHER_USER).length;
    await rig.slack.clickButton({
      user: OTHER_USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    const refusal = await rig.slack.waitFor(() => ephemeralsFor(OTHER_USER)[before], 5000, 'refusal');
    expect(refusal.text).toContain('can stop this run');
    await settle();
    expect(JSON.stringify(rig.slack.replies(CHANNEL, root.ts).at(-1)!.blocks)).not.toContain('Stopped');
    await rig.slack.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(JSON.stringify(replies.at(-1)!.blocks)).toContain(`Stopped by <@${APPROVER}>`);
  });

  it('Retry: only the asker (or an admin), only once, and the button is disabled after use', async () => {
    rig.harness.enqueue(hang('Checking the cluster…'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks retry-policy', user: USER });
    await rig.slack.waitFor(
      () => rig.harness.invocations.some((i) => i.endedAt === undefined),
      10_000,
      'the run',
    );
    await rig.bot.stop(0);
    await rig.restartBot();
    const notice = rig.slack.replies(CHANNEL, root.ts).find((m) => buttonValue(m, 'retry_run'))!;
    const value = buttonValue(notice, 'retry_run')!;
    const n = rig.harness.invocations.length;

    // Bob is neither the asker nor an admin.
    const before = ephemeralsFor(OTHER_USER).length;
    await rig.slack.clickButton({
      user: OTHER_USER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: 'retry_run',
      value,
    });
    const refusal = await rig.slack.waitFor(() => ephemeralsFor(OTHER_USER)[before], 5000, 'refusal');
    expect(refusal.text).toContain('can retry it');
    await settle();
    expect(rig.harness.invocations.length).toBe(n);

    // Alice retries once: it runs as her, and the button is gone.
    rig.harness.enqueue(answer('Retried answer.'));
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: 'retry_run',
      value,
    });
    await rig.harness.waitForInvocations(n + 1);
    expect(rig.harness.invocations[n]!.userId).toBe(USER);
    await finalReplies(rig, CHANNEL, root.ts);
    await rig.slack.waitFor(
      () => buttonValue(rig.slack.message(CHANNEL, notice.ts)!, 'retry_run') === undefined,
      5000,
      'the Retry button to be disabled',
    );

    // The old button, clicked again (a stale client), starts nothing.
    await settle();
    const again = ephemeralsFor(USER).length;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: 'retry_run',
      value,
    });
    const stale = await rig.slack.waitFor(() => ephemeralsFor(USER)[again], 5000, 'stale retry answer');
    expect(stale.text).toContain('already used');
    await settle();
    expect(rig.harness.invocations.length).toBe(n + 1);
  });
});

describe('access per subcommand: /fis prepare open, /fis run limited', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { COMMAND_ACCESS: `/fis run=${GROUP}` } });
    rig.fis.addTemplate(sampleTemplate('EXT1a2b3c4d5e6f7'));
  });
  afterAll(async () => {
    await rig.close();
  });

  it('“run it” in a /fis prepare thread offers no approval tool to someone refused /fis run', async () => {
    rig.harness.enqueue(answer('Template EXT1a2b3c4d5e6f7 prepared.'));
    const root = await commandRoot(rig, {
      command: '/fis',
      text: 'prepare stop one instance',
      user: GROUP_MEMBER,
    });
    await finalReplies(rig, CHANNEL, root.ts);
    const n = rig.harness.invocations.length;
    rig.harness.enqueue(fisExecuteAgent('EXT1a2b3c4d5e6f7', 'us-east-1'));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, threadTs: root.ts, text: 'run it' });
    await rig.harness.waitForInvocations(n + 1);
    const inv = rig.harness.invocations[n]!;
    expect(offered(inv, 'request_fis_experiment_approval')).toBe(false);
    expect(skills(inv)).not.toContain('aws-fis-experiment-execute');
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('may not run FIS experiments')),
      5000,
      'a note that Alice cannot start the execute flow',
    );
    await settle();
    expect(rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('FIS experiment:'))).toBe(false);
  });
});
