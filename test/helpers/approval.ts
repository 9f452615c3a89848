/** Driving the FIS approval card in end-to-end tests: request a run, read the card, click its buttons. */
import { type FisExperimentRecord, sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent, resumedResult } from '../../src/stand-ins/scenarios.ts';
import { APPROVER, CHANNEL, commandRoot, type Rig, startRig, USER } from './rig.ts';

export const TEMPLATE = 'EXT1a2b3c4d5e6f7';

/** The tag the bot puts on each experiment it starts, naming the approval (written out: the test's own word). */
export const APPROVAL_TAG = 'agentcore-slack-bot:approval-id';

/**
 * A rig whose agent asks to run the sample FIS template (in FIS already). `ttlMinutes` is how long a
 * card waits; a short one also makes the late-start sweep run about every second.
 */
export async function startFisRig(ttlMinutes: string): Promise<Rig> {
  const rig = await startRig({
    env: { FIS_APPROVAL_TTL_MINUTES: ttlMinutes, LEASE_SECONDS: '2' },
    harness: { defaultScenario: fisExecuteAgent() },
  });
  rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  return rig;
}

export type Card = {
  ts: string;
  blocks: Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
  text: string;
};

type SlackRig = Pick<Rig, 'slack'>;

/**
 * Sends `/fis run` and waits for its card. `session` is the harness session of this run: the first
 * new session id after the command (an earlier test's resumed turn may land in between).
 */
export async function requestRun(rig: Pick<Rig, 'slack' | 'harness'>, template = TEMPLATE, user = USER) {
  const known = new Set(rig.harness.invocations.map((i) => i.sessionId));
  const root = await commandRoot(rig as Rig, { command: '/fis', text: `run ${template} us-east-1`, user });
  const card = (await rig.slack.waitFor(
    () =>
      rig.slack
        .replies(CHANNEL, root.ts)
        .find(
          (m) => JSON.stringify(m.blocks ?? []).includes('fis_approve') || m.text.includes('FIS experiment:'),
        ),
    15_000,
    'the approval card',
  )) as unknown as Card;
  const session = rig.harness.invocations.find((i) => !known.has(i.sessionId))!.sessionId;
  // Snapshot: the stored message changes as the card is updated.
  return { root, session, card: { ...card, blocks: [...card.blocks] } };
}

/**
 * Puts this template in FIS and has the agent ask to run it (in us-east-1), then waits for the card as
 * requestRun does: for tests whose cases each bring their own template.
 */
export async function requestTemplateRun(
  rig: Pick<Rig, 'slack' | 'harness' | 'fis'>,
  template: { id: string },
) {
  rig.fis.addTemplate(template as never);
  rig.harness.enqueue(fisExecuteAgent(template.id, 'us-east-1'));
  return requestRun(rig, template.id);
}

/** The approver approves the card; resolves once the thread says the experiment started. */
export async function approveAndWaitForStart(rig: SlackRig, card: Card, rootTs: string): Promise<void> {
  await click(rig, APPROVER, card, 'fis_approve');
  await rig.slack.waitFor(() => /started from template/.test(threadText(rig, rootTs)), 15_000, 'the start');
}

/** Waits for the recovery watch's verdict in the thread and returns its line (the first matching `word`). */
export async function verdictLine(
  rig: SlackRig,
  rootTs: string,
  word = /Recovered:|Not recovered:/,
): Promise<string> {
  await rig.slack.waitFor(() => word.test(threadText(rig, rootTs)), 30_000, 'the verdict');
  return threadText(rig, rootTs)
    .split('\n')
    .find((l) => word.test(l))!;
}

/** The experiments FIS holds for this card's approval, found by the tag. */
export const experimentsOf = (rig: Pick<Rig, 'fis'>, card: Card): FisExperimentRecord[] =>
  rig.fis.started.filter((e) => e.tags[APPROVAL_TAG] === approvalId(card));

/** The bot has called StopExperiment for this experiment. */
export const stopRequested = (rig: Pick<Rig, 'fis'>, experimentId: string): boolean =>
  rig.fis.calls.some((c) => c.op === 'StopExperiment' && c.path.endsWith(experimentId));

export function approvalId(card: Card): string {
  for (const b of card.blocks)
    for (const e of b.elements ?? []) if (e.action_id === 'fis_approve') return e.value!;
  throw new Error('no approve button on the card');
}

export const click = (rig: SlackRig, user: string, card: Card, actionId: string, value?: string) =>
  rig.slack.clickButton({
    user,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId,
    value: value ?? approvalId(card),
  });

export const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));
export const cardNow = (rig: SlackRig, card: Card) => rig.slack.message(CHANNEL, card.ts)!;
export const cardJson = (rig: SlackRig, card: Card) => JSON.stringify(cardNow(rig, card).blocks);
export const threadText = (rig: SlackRig, rootTs: string) =>
  rig.slack
    .replies(CHANNEL, rootTs)
    .map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`)
    .join('\n');
export const resumes = (rig: Pick<Rig, 'harness'>) => rig.harness.invocations.filter((i) => resumedResult(i));
/** The tool result the agent was resumed with for this approval card's thread. */
export const resumeIn = (rig: Pick<Rig, 'harness'>, sessionId: string) =>
  rig.harness.invocations
    .filter((i) => i.sessionId === sessionId)
    .map((i) => resumedResult(i))
    .find(Boolean);
