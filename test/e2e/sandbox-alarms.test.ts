/**
 * The sandbox's "simulate an alarm" control (issue 19): each demo notification, posted through the
 * page's API as another app, gets the bot's note with an Investigate button; clicking it (as the page
 * does) runs the demo investigation in the alert's thread; /investigate reads the demo's CloudWatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src/config.ts';
import { DEMO_ALARMS } from '../../src/sandbox/demo-alarms.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';

describe('sandbox: simulate an alarm', () => {
  let sandbox: Sandbox;
  let token: string;
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(new URL(path, sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-token': token },
      body: JSON.stringify({ user: 'U0ALICE01', channel: 'C0GENERAL', ...body }),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const botReplies = (ts: string) =>
    sandbox.slack.replies('C0GENERAL', ts).filter((m) => m.botId === sandbox.slack.botId);

  beforeAll(async () => {
    sandbox = await startSandbox(
      loadSandboxConfig({ SANDBOX_PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      { timeScale: 0.05 },
    );
    const page = await (await fetch(sandbox.url)).text();
    token = /<meta name="sandbox-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
    const state = (await (
      await fetch(new URL('/api/state?user=U0ALICE01', sandbox.url), {
        headers: { 'x-sandbox-token': token },
      })
    ).json()) as { alarms: Array<{ id: string }> };
    expect(state.alarms.map((a) => a.id)).toEqual(DEMO_ALARMS.map((a) => a.id));
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  for (const alarm of DEMO_ALARMS) {
    it(`${alarm.label}: a note with Investigate, and the click investigates in its thread`, async () => {
      const r = await post('/api/alarm', { source: alarm.id });
      expect(r.ok).toBe(true);
      const ts = String(r.ts);
      const note = await sandbox.slack.waitFor(
        () => botReplies(ts).find((m) => JSON.stringify(m.blocks).includes('alert_investigate')),
        8000,
        'the note',
      );
      await post('/api/click', { messageTs: note.ts, actionId: 'alert_investigate' });
      await sandbox.slack.waitFor(
        () => botReplies(ts).some((m) => /Done in/.test(JSON.stringify(m.blocks))),
        30_000,
        'the demo investigation to finish',
      );
      expect(sandbox.slack.message('C0GENERAL', note.ts)!.text).toMatch(/Investigation of alarm/);
    }, 45_000);
  }

  it('/investigate reads the demo alarm from the emulated CloudWatch', async () => {
    const before = sandbox.slack.rootMessages('C0GENERAL').length;
    await post('/api/command', { command: '/investigate', text: 'checkout-5xx us-east-1' });
    const root = await sandbox.slack.waitFor(
      () => sandbox.slack.rootMessages('C0GENERAL')[before],
      8000,
      'the root',
    );
    expect(root.text).toMatch(/Investigation of alarm checkout-5xx/);
  });
});
