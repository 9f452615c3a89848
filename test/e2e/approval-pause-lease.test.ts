/**
 * While a run is paused for its approval card, the card's post may take a while or fail (Slack rate
 * limits or refuses it): the pause must not count as a lost claim on the thread, and the agent gets
 * the real outcome: the decision once the card is up, or that the card could not be posted.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent, resumedResult } from '../../src/stand-ins/scenarios.ts';
import { APPROVER, CHANNEL, commandRoot, type Rig, startRig } from '../helpers/rig.ts';

const TEMPLATE = 'EXT1a2b3c4d5e6f7';

async function pausedRig(): Promise<{ rig: Rig; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const rig = await startRig({
    env: { LEASE_SECONDS: '2', LOG_LEVEL: 'warn' },
    harness: { defaultScenario: fisExecuteAgent() },
    log: (config) => createLogger(config.logLevel, sink as never),
  });
  rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  return { rig, logs };
}

describe('approval card posting slowly or not at all', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a card that takes longer than the lease to post: the claim is kept, the approval resumes the agent', async () => {
    const started = await pausedRig();
    rig = started.rig;
    const root = await commandRoot(rig, { command: '/fis', text: `run ${TEMPLATE} us-east-1` });
    await rig.slack.waitFor(() => rig!.slack.replies(CHANNEL, root.ts)[0], 5_000, 'the live reply');
    // The next message the bot posts (the card) is rate limited for longer than the lease.
    rig.slack.rateLimitNext('chat.postMessage', 5, 1);
    const card = await rig.slack.waitFor(
      () =>
        rig!.slack
          .replies(CHANNEL, root.ts)
          .find((m) => JSON.stringify(m.blocks ?? []).includes('fis_approve')),
      20_000,
      'the approval card',
    );
    expect(started.logs.join('')).not.toContain('lost the claim');
    const value = /"action_id":"fis_approve"[^}]*"value":"([^"]+)"/.exec(JSON.stringify(card.blocks))?.[1];
    await rig.slack.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'fis_approve',
      value,
    });
    await rig.slack.waitFor(
      () => rig!.harness.invocations.find((i) => resumedResult(i)),
      20_000,
      'the agent to be resumed with the decision',
    );
    expect(started.logs.join('')).not.toContain('lost the claim');
  }, 60_000);

  it('a card that cannot be posted: the claim is kept and the agent is resumed with that result', async () => {
    const started = await pausedRig();
    rig = started.rig;
    const root = await commandRoot(rig, { command: '/fis', text: `run ${TEMPLATE} us-east-1` });
    await rig.slack.waitFor(() => rig!.slack.replies(CHANNEL, root.ts)[0], 5_000, 'the live reply');
    rig.slack.rateLimitNext('chat.postMessage', 4, 1);
    rig.slack.failNext('chat.postMessage', 'internal_error', 1);
    const resumed = await rig.slack
      .waitFor(
        () => rig!.harness.invocations.find((i) => resumedResult(i)),
        30_000,
        'the agent to hear that the card could not be posted',
      )
      .catch((err) => {
        throw new Error(`${err}\n${started.logs.join('')}`);
      });
    expect(JSON.stringify(resumedResult(resumed))).toMatch(/card|post|error/i);
    expect(started.logs.join('')).not.toContain('lost the claim');
  }, 60_000);
});
