/**
 * Other accounts by alias (TARGET_ACCOUNTS), end to end through the Bolt app: `account:<alias>` starts a run whose
 * root message names the account and whose agent is told the account and the role to assume; an unknown alias and
 * FIS in another account are refused privately before anything is posted or invoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { commandRoot, type Rig, slashOutcome, startRig } from '../helpers/rig.ts';

const PROD = '111122223333';

describe('commands that name another account', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { TARGET_ACCOUNTS: `prod=${PROD}`, TARGET_ACCOUNT_EXTERNAL_ID: 'ops-bot-7' },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const slash = (command: string, text: string) => slashOutcome(rig, command, text);

  it('runs in the named account: the root message shows it, the agent is told the role to assume', async () => {
    rig.harness.enqueue(answer('Cluster assessed.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks orders us-west-2 account:prod' });
    expect(JSON.stringify(root.blocks)).toContain(`*Account:* prod (${PROD})`);
    await expect.poll(() => rig.harness.invocations.length).toBeGreaterThanOrEqual(1);
    const prompt = JSON.stringify(rig.harness.invocations.at(-1)!.body);
    expect(prompt).toContain(`AWS account ${PROD} (alias \\"prod\\")`);
    expect(prompt).toContain(
      `--role-arn arn:aws:iam::${PROD}:role/AgentCoreSlackBotReadOnly --external-id ops-bot-7`,
    );
  });

  it('without an alias, the root message shows the bot’s own account (from its harness ARN)', async () => {
    rig.harness.enqueue(answer('Cluster assessed.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks orders us-west-2' });
    expect(JSON.stringify(root.blocks)).toContain("*Account:* 123456789012 (this bot's own)");
  });

  it.each([
    ['an unknown alias', '/assess', 'eks orders account:prd', 'Known accounts: `prod` (111122223333)'],
    [
      'FIS in another account',
      '/fis',
      'run EXT1a2b3c4d5e6f7 account:prod',
      "FIS experiments are prepared and run only in this bot's own account (123456789012)",
    ],
  ])(
    '%s: refused privately with the reason, nothing posted or invoked',
    async (_n, command, text, reason) => {
      const r = await slash(command, text);
      expect(r.ack.response_type).toBe('ephemeral');
      expect(r.ack.text).toContain(reason);
      expect(r.posted).toBe(0);
      expect(r.invoked).toBe(0);
    },
  );
});
