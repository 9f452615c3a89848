/**
 * The ack burst's floor (bench/ack-burst.ts, BotHooks.ackFloorCommand): through the real receiver, a
 * signed command of the floor's name is answered with an empty 200 and nothing else happens, so the
 * floor measures the receiver's own work (body, signature, form) and no more; a forged one is still
 * refused, so the floor does not skip the signature check the real commands pay for. Without the
 * hook the name is not special.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, type Rig, SIGNING_SECRET, startRig, USER } from '../helpers/rig.ts';

const FLOOR = '/bench-ack-floor';

function signed(port: number, body: string, secret: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': sig,
    },
    body,
    signal: AbortSignal.timeout(5_000),
  });
}

describe('the ack floor command', () => {
  let rig: Rig;
  let plain: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { FIS_APPROVERS: '' }, hooks: { ackFloorCommand: FLOOR } });
    plain = await startRig({ env: { FIS_APPROVERS: '' } });
  });
  afterAll(async () => {
    await rig?.close();
    await plain?.close();
  });

  const form = (r: Rig) =>
    r.slack.slashCommandForm({ command: FLOOR, text: '', user: USER, channel: CHANNEL });

  it('is answered with an empty 200, nothing posted, stored or started', async () => {
    const calls = rig.slack.calls.length;
    const invocations = rig.harness.invocations.length;
    const res = await signed(rig.bot.port!, form(rig), SIGNING_SECRET);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.slack.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(rig.harness.invocations.length).toBe(invocations);
  });

  it('is refused when its signature is forged, as every request is', async () => {
    const res = await signed(rig.bot.port!, form(rig), 'not-the-signing-secret');
    expect(res.status).toBe(401);
  });

  it('leaves the real commands as they are', async () => {
    const res = await rig.slack.slashCommand({
      command: '/assess',
      text: 'help',
      user: USER,
      channel: CHANNEL,
    });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { text: string }).text).toMatch(/Usage of `\/assess`/);
  });

  it('is not special without the hook', async () => {
    const res = await signed(plain.bot.port!, form(plain), SIGNING_SECRET).catch(() => undefined);
    expect(res === undefined || res.status !== 200 || (await res.text()) !== '').toBe(true);
  });
});
