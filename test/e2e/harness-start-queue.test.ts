/**
 * Runs queued for a start at the harness's admission rate (harness-start-pacer.ts), as a user sees
 * them: the thread says the run is waiting and how many runs are ahead, the note goes once the agent
 * answers, and Stop on a queued run stops it cleanly and lets the runs behind it start sooner.
 * The harness emulator admits 1 start a second, like a harness whose quota is set that low.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

/** Runs that fill the queue ahead of the ones the test watches. */
const AHEAD = 6;
const WAITING = 'Waiting for the agent:';

const channelOf = (name: string) => `C0Q${name.toUpperCase()}`;

function buttonValue(m: StoredMessage, actionId: string): string | undefined {
  type Block = { elements?: { action_id?: string; value?: string }[] };
  for (const block of (m.blocks ?? []) as Block[])
    for (const el of block.elements ?? []) if (el.action_id === actionId) return el.value;
  return undefined;
}

describe('runs waiting for a start at the harness', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { HARNESS_STARTS_PER_SECOND: '1', SHUTDOWN_GRACE_SECONDS: '1' },
      harness: { maxInvocationsPerSecond: 1 },
    });
    for (const name of [...Array.from({ length: AHEAD }, (_, i) => `a${i}`), 'stop1', 'stop2', 'last'])
      rig.slack.addChannel({ id: channelOf(name), name: `q-${name}`, members: [USER, rig.slack.botUserId] });
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  const startedAt = (name: string) =>
    rig.harness.invocations.find((i) => i.status === 200 && i.sessionId.includes(`-${channelOf(name)}-`))
      ?.startedAt;
  const rootOf = (name: string) => rig.slack.rootMessages(channelOf(name))[0];

  it('shows the queue, and Stop on a queued run stops it and moves the runs behind it up', async () => {
    const names = [...Array.from({ length: AHEAD }, (_, i) => `a${i}`), 'stop1', 'stop2', 'last'];
    const replyOf = (name: string) =>
      rootOf(name) &&
      rig.slack.replies(channelOf(name), rootOf(name)!.ts).find((m) => buttonValue(m, 'stop_run'));
    const send = async (name: string) => {
      await rig.slack.slashCommand({
        command: '/assess',
        text: `eks ${name}`,
        user: USER,
        channel: channelOf(name),
      });
      await rig.slack.waitFor(() => replyOf(name), 10_000, `${name}'s reply`);
    };
    // The queue's head at once, then the watched runs one after another, so their order is known.
    await Promise.all(names.slice(0, AHEAD).map(send));
    for (const name of names.slice(AHEAD)) await send(name);
    // The runs to stop wait behind the first ones (the harness admits one a second).
    const stops = ['stop1', 'stop2'].map((name) => replyOf(name)!);
    expect(startedAt('stop1') ?? startedAt('stop2')).toBeUndefined();
    for (const reply of stops)
      await rig.slack.clickButton({
        user: USER,
        channel: reply.channel,
        messageTs: reply.ts,
        actionId: 'stop_run',
        value: buttonValue(reply, 'stop_run')!,
      });

    // Stopped as any run is: the usual stopped footer, no error, and no harness session for it.
    for (const name of ['stop1', 'stop2']) {
      const replies = await finalReplies(rig, channelOf(name), rootOf(name)!.ts);
      const last = JSON.stringify(replies.at(-1)!.blocks);
      expect(last).toContain(`Stopped by <@${USER}>`);
      expect(last).not.toMatch(/Failed|:x:|error/i);
      expect(last).not.toContain(WAITING);
    }

    // The last run takes the first freed start: 1 s after the run before it, not 3 s (two unused starts).
    await rig.slack.waitFor(() => startedAt('last'), 20_000, 'the last run to start');
    for (const name of ['stop1', 'stop2'])
      expect(rig.harness.invocations.some((i) => i.sessionId.includes(`-${channelOf(name)}-`))).toBe(false);
    const before = Math.max(...names.slice(0, AHEAD).map((n) => startedAt(n)!));
    const gap = startedAt('last')! - before;
    expect(gap).toBeLessThan(2_200);

    // Queued runs showed their place in the queue, only moving up, and the note is gone once the agent
    // answers. (Which runs' notes reach Slack depends on the edit budget the runs share.)
    let noted = 0;
    for (const name of [...names.slice(0, AHEAD), 'last']) {
      const replies = await finalReplies(rig, channelOf(name), rootOf(name)!.ts);
      const versions = replies.flatMap((m) => m.versions.map((v) => JSON.stringify(v.blocks ?? [])));
      const places = versions
        .map((v) => /Waiting for the agent: (?:(\d+) runs? ahead of this one|this run is next)\./.exec(v))
        .filter((m) => m !== null)
        .map((m) => Number(m[1] ?? 0));
      if (places.length === 0) continue;
      noted++;
      expect(places).toEqual([...places].sort((a, b) => b - a));
      const answered = versions.findIndex((v) => v.includes('You said:'));
      expect(answered).toBeGreaterThan(versions.findIndex((v) => v.includes(WAITING)));
      expect(versions.slice(answered).some((v) => v.includes(WAITING))).toBe(false);
    }
    expect(noted).toBeGreaterThan(0);
  }, 60_000);
});
