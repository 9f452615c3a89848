/** Driving the FIS approval card in end-to-end tests: request a run, read the card, click its buttons. */
import { resumedResult } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, type Rig, USER } from './rig.ts';

export const TEMPLATE = 'EXT1a2b3c4d5e6f7';

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
