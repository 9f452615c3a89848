/**
 * A valid slash command is acknowledged by the receiver as soon as its signature is verified and its
 * arguments are checked, before Bolt's middleware chain runs (issue 21: with 100 commands at once,
 * every ack waited behind the others' pass through Bolt). Bolt still handles the command afterwards
 * (the run starts), and bad input still gets its usage message in the ack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('slash command ack before Bolt', () => {
  let rig: Rig;
  // Bolt's global middleware waits here until the test opens it (or 5 s pass, so an ack that
  // waits for Bolt still comes, just after the gate instead of before it).
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  let opened: 'test' | 'timeout' | undefined;
  const closeGate = () => {
    opened = undefined;
    gate = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        opened ??= 'timeout';
        resolve();
      }, 5_000);
      open = () => {
        clearTimeout(t);
        opened ??= 'test';
        resolve();
      };
    });
  };

  beforeAll(async () => {
    rig = await startRig({ env: { DUPLICATE_COMMAND_WINDOW_SECONDS: '0' } });
    rig.bot.app.use(async ({ next }) => {
      await gate;
      await next();
    });
  });
  afterAll(async () => {
    open();
    await rig.close();
  });

  it('acks a valid command while Bolt is still busy, then Bolt starts the run', async () => {
    rig.harness.enqueue(answer('All nodes are healthy.'));
    closeGate();
    const res = await rig.slack.slashCommand({
      command: '/assess',
      text: 'eks ack-first us-west-2',
      user: USER,
      channel: CHANNEL,
    });
    const ackedBeforeBolt = opened === undefined;
    open();
    expect(res.status).toBe(200);
    expect(ackedBeforeBolt).toBe(true);
    await rig.slack.waitFor(
      () => rig.slack.rootMessages(CHANNEL).find((m) => m.text.includes('ack-first')),
      10_000,
      'the run started by Bolt after the ack',
    );
  });

  it('still answers bad input in the ack, before Bolt', async () => {
    closeGate();
    const res = await rig.slack.slashCommand({
      command: '/assess',
      text: 'eks',
      user: USER,
      channel: CHANNEL,
    });
    const ackedBeforeBolt = opened === undefined;
    open();
    expect(ackedBeforeBolt).toBe(true);
    expect((JSON.parse(res.body) as { text: string }).text).toMatch(/Missing an EKS cluster name/);
  });
});
