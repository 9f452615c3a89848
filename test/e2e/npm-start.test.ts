/**
 * `npm start` as an operator runs it: a real child process configured only through environment
 * variables, pointed at the stand-ins with SLACK_API_URL and AWS_ENDPOINT_URL_BEDROCK_AGENTCORE;
 * and without any Slack credential, the local sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer, eksAssessment } from '../../src/stand-ins/scenarios.ts';
import { freePort, npmStart } from '../helpers/processes.ts';
import { CHANNEL, HARNESS_ARN, OTHER_USER, SIGNING_SECRET, USER } from '../helpers/rig.ts';

describe('npm start', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('without Slack credentials starts the sandbox, labelled as a simulation, and serves its page', async () => {
    const port = await freePort();
    const run = npmStart({ SANDBOX_PORT: String(port) });
    cleanups.push(async () => {
      run.signal('SIGTERM');
      await run.exit;
    });
    const url = `http://127.0.0.1:${port}/`;
    const deadline = Date.now() + 45_000;
    while (!run.output().includes(url)) {
      if (Date.now() > deadline || run.child.exitCode !== null)
        throw new Error(`no sandbox URL:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run.output()).toContain('SIMULATION');
    expect(run.output()).toContain('not a real Slack workspace');
    expect(run.output()).toContain('No AWS calls');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('not a real Slack workspace');
    // The API needs the per-run token the page carries.
    const token = /name="sandbox-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const state = (await (
      await fetch(`${url}api/state`, { headers: { 'x-sandbox-token': token } })
    ).json()) as {
      harness: string;
      people: unknown[];
    };
    expect(state.harness).toBe('emulator');
    expect(state.people).toHaveLength(3);
    // SIGTERM stops everything the sandbox started: the page goes away.
    run.signal('SIGTERM');
    await run.exit;
    const gone = Date.now() + 10_000;
    while (
      await fetch(url).then(
        () => true,
        () => false,
      )
    ) {
      if (Date.now() > gone) throw new Error('the sandbox still serves its page after SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  it('with BOT_MODE=slack and no Slack credentials exits 1 and says what is missing and how to set it up', async () => {
    const run = npmStart({ BOT_MODE: 'slack' });
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain('SLACK_BOT_TOKEN');
    expect(run.output()).toContain('manifest.yml');
    expect(run.output()).toContain('HARNESS_ARN');
  }, 60_000);

  it('with bad settings exits 1 naming each problem', async () => {
    const run = npmStart({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      HARNESS_ARN: 'nope',
      PORT: 'x',
    });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/HARNESS_ARN/);
    expect(run.output()).toMatch(/PORT/);
    expect(run.output()).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);

  it('in HTTP mode serves /assess eks end to end, a follow-up, and a retried delivery once', async () => {
    const slack = new FakeSlack();
    await slack.start();
    const harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
    await harness.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const port = await freePort();
    const run = npmStart({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
      DATA_DIR: dataDir,
      STREAM_EDIT_INTERVAL_MS: '250',
    });
    cleanups.push(async () => {
      run.signal('SIGTERM');
      await run.exit;
      await slack.stop();
      await harness.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await slack.waitFor(
      () => run.output().includes('listening for Slack'),
      45_000,
      `the bot to listen:\n${run.output()}`,
    );
    expect(run.output()).toContain('"level":30'); // JSON logs
    expect(run.output()).not.toContain(slack.botToken);
    slack.connectApp({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });

    harness.enqueue(eksAssessment({ delayMs: 10 }));
    const ack = await slack.slashCommand({
      command: '/assess',
      text: 'eks my-cluster us-west-2',
      user: USER,
      channel: CHANNEL,
    });
    expect(ack.status).toBe(200);
    const rootMsg = await slack.waitFor(() => slack.rootMessages(CHANNEL)[0], 10_000, 'root');
    await slack.waitFor(
      () => slack.replies(CHANNEL, rootMsg.ts).some((m) => JSON.stringify(m.blocks).includes('Done in')),
      20_000,
      'the assessment',
    );

    harness.enqueue((inv) => answer(`About ${userText(inv)}: three nodes run 1.29.`));
    await slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      text: 'node versions?',
      threadTs: rootMsg.ts,
      retries: 2,
    });
    await slack.waitFor(
      () => slack.replies(CHANNEL, rootMsg.ts).some((m) => m.text.includes('three nodes run 1.29')),
      20_000,
      'the follow-up answer',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(harness.invocations).toHaveLength(2);
    expect(harness.invocations[1]!.sessionId).toBe(harness.invocations[0]!.sessionId);
  }, 90_000);
});
