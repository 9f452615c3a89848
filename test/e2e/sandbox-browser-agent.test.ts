/**
 * The sandbox page in a real browser, Slack's agent surfaces: each run's thread is an agent session
 * (status and title, Slack's own stop button while the agent works), the agent's steps stay visible
 * after the answer (a timeline, long lists collapsed), final answers carry feedback buttons whose
 * votes are stored, and the app's Home tab. Set-up: test/helpers/sandbox-page.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { openSandboxPage, type SandboxPage, skipBrowser } from '../helpers/sandbox-page.ts';

describe.skipIf(skipBrowser)('sandbox page in Chromium: agent sessions, steps, feedback, Home', () => {
  let opened: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;

  beforeAll(async () => {
    opened = await openSandboxPage();
    ({ sandbox, page } = opened);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('the steps stay after the answer, collapsed with “See more”; a feedback click is stored for its person', async () => {
    const composer = page.locator('#composer-input');
    await composer.fill('/assess eks steps-cluster us-west-2');
    await composer.press('Enter');
    const root = page.locator('#messages .msg', { hasText: 'steps-cluster' }).last();
    await root.locator('.replies-link').click({ timeout: 15_000 });
    const thread = page.locator('#thread-messages');
    const answer = thread.locator('.msg', { hasText: 'EKS assessment' }).last();
    await answer.getByText(/Done in/).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('#thread-session .session-status').textContent())
      .toBe('Waiting for a follow-up');
    // The step timeline: every command with its outcome, the long list folded until asked for.
    const steps = answer.locator('.bk-section', { hasText: 'Steps' });
    await expect.poll(() => steps.textContent()).toContain('kubectl get nodes -o wide');
    expect(await steps.getAttribute('class')).toContain('collapsed');
    await steps.getByRole('button', { name: 'See more' }).click();
    expect(await steps.getAttribute('class')).not.toContain('collapsed');

    const thumbs = answer.locator('.bk-feedback .bk-button');
    await expect.poll(() => thumbs.count()).toBe(2);
    await thumbs.first().click();
    await expect.poll(() => thumbs.first().getAttribute('class')).toContain('pressed');
    const answerTs = await answer.getAttribute('data-ts');
    await expect
      .poll(async () =>
        (await sandbox.bot.feedback.since(Date.now() - 600_000))
          .filter((f) => f.turnTs === answerTs)
          .map((f) => `${f.verdict}`),
      )
      .toEqual(['good']);
    await opened.shot('sandbox-agent-steps-feedback');
    await page.locator('#thread-close').click();
  });

  it('Slack’s stop button on the thread’s agent session stops the run; a follow-up is answered (not the whole assessment again), after one "context restored" notice', async () => {
    await page.locator('#identity').selectOption({ label: 'alice (requester)' });
    await page.locator('#channels li', { hasText: 'general' }).click();
    const composer = page.locator('#composer-input');
    await composer.fill('/assess eks stop-cluster us-west-2');
    await composer.press('Enter');
    const root = page.locator('#messages .msg', { hasText: 'stop-cluster' }).last();
    await root.locator('.replies-link').click({ timeout: 15_000 });
    const thread = page.locator('#thread-messages');
    await thread
      .getByText(/kubectl get nodes -o wide/)
      .first()
      .waitFor({ timeout: 10_000 });
    // The thread is an agent session: working, titled with what was asked, with Slack's own stop
    // button instead of the bot's.
    const session = page.locator('#thread-session');
    await expect.poll(() => session.locator('.session-status').textContent()).toBe('Working');
    expect(await session.locator('.session-title').textContent()).toContain('stop-cluster');
    expect(await thread.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);
    await opened.shot('sandbox-agent-working');
    await page.locator('#session-stop').click();
    await thread
      .getByText(/Stopped by/)
      .first()
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => session.locator('.session-status').textContent()).toBe('Waiting for a follow-up');
    expect(await page.locator('#session-stop').count()).toBe(0);
    const runsBefore = sandbox.harness!.invocations.length;

    const reply = page.locator('#thread-input');
    await reply.fill('How do I fix the single-replica deployments?');
    await reply.press('Enter');
    const answer = thread.locator('.msg', { hasText: 'PodDisruptionBudget' }).last();
    await answer.getByText(/Done in/).waitFor({ timeout: 30_000 });
    // One new agent turn, and it answers the question: not the assessment again.
    expect(sandbox.harness!.invocations.length).toBe(runsBefore + 1);
    expect(await answer.locator('.bk-markdown h2', { hasText: 'EKS assessment' }).count()).toBe(0);
    // The notice appears once, and before the answer it explains.
    const texts = await thread.locator('.msg').allTextContents();
    const notices = texts.flatMap((t, i) => (/Context restored/.test(t) ? [i] : []));
    expect(notices).toHaveLength(1);
    const answerAt = texts.findIndex((t) => t.includes('PodDisruptionBudget') && /Done in/.test(t));
    expect(notices[0]!).toBeLessThan(answerAt);
    await opened.shot('sandbox-stop-follow-up');
    await page.locator('#thread-close').click();
  });

  it('the Home tab shows my runs, with links, and a how-to', async () => {
    await page.locator('#home-tab').click();
    await expect.poll(() => page.locator('#channel-title').textContent()).toContain('Home');
    const home = page.locator('#messages .home-view');
    await expect.poll(() => home.textContent(), { timeout: 15_000 }).toContain('How to use me');
    expect(await home.textContent()).toContain('steps-cluster');
    expect(await home.locator('a[href*="/archives/"]').count()).toBeGreaterThan(0);
    await opened.shot('sandbox-home');
    await page.locator('#channels li', { hasText: 'general' }).click();
    await expect.poll(() => page.locator('#composer-input').isVisible()).toBe(true);
  });
});

describe.skipIf(skipBrowser)('sandbox page in Chromium, STREAM_MODE=native', () => {
  let opened: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;

  beforeAll(async () => {
    // The demo's own pace: at a quarter of it the answer is complete before a person could press Stop.
    opened = await openSandboxPage({ STREAM_MODE: 'native' }, { timeScale: 1 });
    ({ sandbox, page } = opened);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('the reply fills in while it streams, shows its steps, and Slack’s stop button ends it; the steps stay', async () => {
    const composer = page.locator('#composer-input');
    // The long demo answer, so a person has time to press Stop while it streams.
    await composer.fill('/logs /aws/lambda/checkout 7d us-east-1');
    await composer.press('Enter');
    const root = page.locator('#messages .msg', { hasText: 'Log analysis of' });
    await root.locator('.replies-link').click({ timeout: 15_000 });
    const thread = page.locator('#thread-messages');
    // Tool activity while the stream is open.
    await thread
      .locator('.tasks .task', { hasText: 'aws logs describe-log-groups' })
      .first()
      .waitFor({ timeout: 15_000 });
    // Text arrives while the stream is still open; Slack's stop is the agent session's own button.
    const streaming = thread.locator('.msg', { has: page.locator('.steps') }).last();
    await expect
      .poll(async () => ((await streaming.locator('.bk-markdown').textContent()) ?? '').length, {
        timeout: 20_000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    expect(await page.locator('#thread-session .session-status').textContent()).toBe('Working');
    const runs = sandbox.harness!.invocations.length;
    await page.locator('#session-stop').click();
    await thread
      .getByText(/Stopped by/)
      .first()
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#session-stop').count()).toBe(0);
    expect(await thread.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);
    const session = sandbox.harness!.invocations[runs - 1]!.sessionId;
    await expect.poll(() => sandbox.harness!.stoppedSessions.includes(session)).toBe(true);
    // The steps stay after the stream ended, each with its outcome and duration.
    await expect.poll(() => thread.locator('.steps .task-output').count()).toBeGreaterThan(0);
    expect(await thread.locator('.steps .task-output').first().textContent()).toMatch(/ · \d/);
    await opened.shot('sandbox-native-stopped');
  });
});
