/**
 * The sandbox page in a real browser, its channels and threads: commands, streamed answers,
 * ephemerals, buttons with confirm dialogs, the FIS story, mentions and DMs, phone width. Slack's
 * agent surfaces (session status and its stop, the step timeline, feedback, the Home tab) are in
 * sandbox-browser-agent.test.ts. Set-up: test/helpers/sandbox-page.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEMPLATE } from '../../src/sandbox/demo-fis.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { openSandboxPage, type SandboxPage, skipBrowser } from '../helpers/sandbox-page.ts';

describe.skipIf(skipBrowser)('sandbox page in Chromium', () => {
  let opened: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;

  beforeAll(async () => {
    opened = await openSandboxPage();
    ({ sandbox, page } = opened);
    // The packaged browser unpacks itself on first use, which takes a while on a busy machine.
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('runs /assess eks with a live-streamed answer, then answers a follow-up in the thread', async () => {
    await expect
      .poll(() => page.locator('#sim-banner').textContent())
      .toContain('not a real Slack workspace');
    const composer = page.locator('#composer-input');
    await composer.fill('/assess eks my-cluster us-west-2');
    await composer.press('Enter');

    const root = page.locator('#messages .msg', { hasText: 'EKS best-practice assessment' });
    await root.waitFor({ timeout: 10_000 });
    await expect.poll(() => root.textContent()).toContain('Requested by @alice');
    await root.locator('.replies-link').click({ timeout: 10_000 });

    const thread = page.locator('#thread-messages');
    // While the agent works, the reply shows its tool activity; it is edited live as the stream goes on.
    await thread
      .getByText(/kubectl get nodes -o wide/)
      .first()
      .waitFor({ timeout: 10_000 });
    const answer = thread.locator('.msg', { hasText: 'EKS assessment' });
    await answer.getByText(/Done in/).waitFor({ timeout: 20_000 });
    await expect.poll(() => answer.locator('.edited').count()).toBe(1);
    await expect
      .poll(() => answer.locator('.bk-markdown h2').textContent())
      .toContain('EKS assessment: my-cluster (us-west-2)');
    // Slack's markdown blocks do not render tables: the agent's table arrives as an aligned monospace block.
    await expect.poll(() => answer.locator('.bk-markdown pre', { hasText: 'Pillar' }).count()).toBe(1);
    expect(await answer.locator('.bk-markdown table').count()).toBe(0);
    await expect.poll(() => answer.locator('.bk-context').textContent()).toContain('✅ Done in');
    expect(await answer.textContent()).not.toContain(':white_check_mark:');

    const reply = page.locator('#thread-input');
    await reply.fill('How do I fix the single-replica deployments?');
    await reply.press('Enter');
    await thread.locator('.msg', { hasText: 'How do I fix the single-replica' }).waitFor({ timeout: 5000 });
    const followUp = thread.locator('.msg', { hasText: 'PodDisruptionBudget' }).last();
    await followUp.getByText(/Done in/).waitFor({ timeout: 20_000 });
    await expect.poll(() => thread.locator('.bk-context', { hasText: 'Done in' }).count()).toBe(2);
    // Both turns went to one harness session.
    const sessions = new Set(sandbox.harness!.invocations.map((i) => i.sessionId));
    expect(sandbox.harness!.invocations).toHaveLength(2);
    expect(sessions.size).toBe(1);

    // Emoji come from the npm font the page loads, not from the machine: the screenshot shows them.
    // (A string, because this file is type-checked without the DOM library.)
    const emojiFont = await page.evaluate(`(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.family.includes('Sandbox Emoji')).map((f) => f.status);
    })()`);
    expect(emojiFont).toEqual(['loaded']);
    await opened.shot('sandbox-assess-eks');
  });

  it('shows an ephemeral usage message only to the person who typed the command', async () => {
    const composer = page.locator('#composer-input');
    await composer.fill('/lo');
    // Enter with the command menu open picks the highlighted command, as in Slack; the next sends it.
    await expect.poll(() => page.locator('#command-menu .item.selected').textContent()).toContain('/logs');
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue()).toBe('/logs ');
    await composer.press('Enter');
    const ephemeral = page.locator('#messages .msg.ephemeral', { hasText: 'Only visible to you' });
    await ephemeral.waitFor({ timeout: 5000 });
    await expect.poll(() => ephemeral.textContent()).toContain('/logs');

    await page.locator('#identity').selectOption({ label: 'bob (someone else)' });
    await expect.poll(() => page.locator('#identity-hint').textContent()).toContain('@bob');
    await expect.poll(() => page.locator('#messages .msg.ephemeral').count()).toBe(0);
    await page.locator('#identity').selectOption({ label: 'alice (requester)' });
    await expect.poll(() => page.locator('#messages .msg.ephemeral').count()).toBe(1);
  });

  it('shows a button’s confirm dialog before the click is sent as a signed block_actions payload', async () => {
    const clicks: Array<{ user: string; actionId: string; value?: string }> = [];
    const original = sandbox.slack.clickButton.bind(sandbox.slack);
    sandbox.slack.clickButton = async (input) => {
      clicks.push({ user: input.user, actionId: input.actionId, value: input.value });
      return original(input);
    };
    // A message with buttons, posted the way the bot posts (chat.postMessage with its token).
    const res = await fetch(`${sandbox.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0GENERAL',
        text: 'Approval needed',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Approval needed' } },
          { type: 'divider' },
          {
            type: 'actions',
            block_id: 'approval',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                style: 'primary',
                value: 'run-1',
                text: { type: 'plain_text', text: 'Approve' },
                confirm: {
                  title: { type: 'plain_text', text: 'Start the experiment?' },
                  text: { type: 'mrkdwn', text: 'This stops *one* instance.' },
                  confirm: { type: 'plain_text', text: 'Start it' },
                  deny: { type: 'plain_text', text: 'Not yet' },
                  style: 'danger',
                },
              },
              {
                type: 'button',
                action_id: 'deny',
                value: 'run-1',
                text: { type: 'plain_text', text: 'Deny' },
              },
            ],
          },
        ],
      }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    await page.locator('#identity').selectOption({ label: 'erin (approver)' });
    const card = page.locator('#messages .msg', { hasText: 'Approval needed' });
    await expect.poll(() => card.locator('.bk-header').textContent()).toBe('Approval needed');

    await card.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.locator('#confirm');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => dialog.textContent()).toContain('Start the experiment?');
    await expect.poll(() => dialog.locator('b').textContent()).toBe('one');
    await dialog.getByRole('button', { name: 'Not yet' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(clicks).toHaveLength(0);

    await card.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByRole('button', { name: 'Start it' }).click();
    await sandbox.slack.waitFor(() => clicks.length === 1, 5000, 'the click');
    expect(clicks[0]).toEqual({ user: 'U0ERIN003', actionId: 'approve', value: 'run-1' });
  });

  it('tells one FIS story: /fis prepare, "run it", a refused self-approval in the thread, the approval, the report', async () => {
    await page.locator('#identity').selectOption({ label: 'alice (requester)' });
    // From the Try list, as a newcomer would.
    await page.locator('#tries li', { hasText: '/fis prepare' }).click();
    await page.locator('#composer-input').press('Enter');
    const root = page.locator('#messages .msg', { hasText: 'FIS experiment preparation' });
    await root.waitFor({ timeout: 10_000 });
    await expect.poll(() => root.textContent()).toContain('Region: us-east-1');
    await root.locator('.replies-link').click({ timeout: 10_000 });
    const thread = page.locator('#thread-messages');
    const prepared = thread.locator('.msg', { hasText: 'Created as template' });
    await prepared.getByText(/Done in/).waitFor({ timeout: 20_000 });
    const preparedText = (await prepared.textContent()) ?? '';
    expect(preparedText).toContain(`Created as template ${DEMO_TEMPLATE} in us-east-1`);
    expect(preparedText).toContain('arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx-high');

    const reply = page.locator('#thread-input');
    await reply.fill('run it');
    await reply.press('Enter');
    const card = thread.locator('.msg', { hasText: 'approval needed' });
    await card.waitFor({ timeout: 20_000 });
    const cardText = (await card.textContent()) ?? '';
    for (const same of [
      DEMO_TEMPLATE,
      'us-east-1',
      'checkout-5xx-high',
      'COUNT(1)',
      'aws:ec2:stop-instances',
    ])
      expect(cardText).toContain(same);
    expect(cardText).toContain('@fis-approvers');
    expect(cardText).not.toContain('subteam');
    // The interlocks as read by the bot: the stop alarm's state and the targets resolved by tag.
    expect(cardText).toMatch(/checkout-5xx-high\s*OK/);
    expect(cardText).toMatch(/acts on 1 of 3 \(33%\)/);
    expect(cardText).toContain('i-0c0ffee000000001');

    // The requester cannot approve her own run: she is told privately, in this thread, nothing starts.
    await card.getByRole('button', { name: 'Approve and start' }).click();
    await page.locator('#confirm').getByRole('button', { name: 'Start experiment' }).click();
    await expect
      .poll(() => thread.locator('.msg.ephemeral').last().textContent(), { timeout: 5000 })
      .toMatch(/not an approver|someone else/);
    expect(sandbox.fis!.started).toHaveLength(0);

    await page.locator('#identity').selectOption({ label: 'erin (approver)' });
    const erinCard = page.locator('#thread-messages .msg', { hasText: 'approval needed' });
    await erinCard.getByRole('button', { name: 'Approve and start' }).click();
    await page.locator('#confirm').getByRole('button', { name: 'Start experiment' }).click();
    const report = page.locator('#thread-messages .msg', { hasText: 'So far the hypothesis holds' });
    await report.getByText(/Done in/).waitFor({ timeout: 30_000 });
    expect(sandbox.fis!.started).toHaveLength(1);
    expect(sandbox.fis!.started[0]!.experimentTemplateId).toBe(DEMO_TEMPLATE);
    const reportText = (await report.textContent()) ?? '';
    for (const same of [DEMO_TEMPLATE, 'us-east-1', 'checkout-5xx-high']) expect(reportText).toContain(same);
    expect(reportText).not.toMatch(/hypothesis confirmed/i);
    const id = sandbox.fis!.started[0]!.id;
    await expect.poll(() => thread.textContent()).toContain(`Experiment ${id} started`);
    await expect.poll(() => thread.textContent()).toContain('Emergency stop');
    await opened.shot('sandbox-fis-approval');
  });

  it('a slash command typed in a thread is explained there, not run in the channel', async () => {
    const runsBefore = sandbox.harness!.invocations.length;
    const reply = page.locator('#thread-input');
    await reply.fill('/assess eks other-cluster');
    await reply.press('Enter');
    await expect
      .poll(() => page.locator('#thread-messages .msg.ephemeral').last().textContent())
      .toContain('was not sent from this thread');
    await page.waitForTimeout(300);
    expect(sandbox.harness!.invocations.length).toBe(runsBefore);
    await page.locator('#thread-close').click();
  });

  it('a long answer continues in further replies with answer.md; a follow-up sent meanwhile shows its hourglass', async () => {
    await page.locator('#identity').selectOption({ label: 'alice (requester)' });
    await page.locator('#tries li', { hasText: '/logs /aws/lambda/checkout 7d' }).click();
    await page.locator('#composer-input').press('Enter');
    const root = page.locator('#messages .msg', { hasText: 'Log analysis of' }).last();
    await root.locator('.replies-link').click({ timeout: 10_000 });
    const thread = page.locator('#thread-messages');
    await thread
      .getByText(/aws logs describe-log-groups/)
      .first()
      .waitFor({ timeout: 10_000 });
    const reply = page.locator('#thread-input');
    await reply.fill('How much did these queries cost?');
    await reply.press('Enter');
    // Queued behind the running answer: the bot marks it, and the page shows the reaction.
    const queued = thread.locator('.msg', { hasText: 'How much did these queries cost?' });
    await expect
      .poll(() => queued.locator('.reaction').first().textContent(), { interval: 50, timeout: 10_000 })
      .toContain('⏳');
    const file = thread.locator('.file', { hasText: 'answer.md' });
    await file.waitFor({ timeout: 30_000 });
    await file.locator('summary').click();
    await expect.poll(() => file.locator('.file-body').textContent()).toContain('Errors per hour');
    // The report went out in more than one reply, split between days: every day's table keeps its
    // header (tables arrive as aligned monospace blocks, as Slack shows them).
    await expect.poll(() => thread.getByText('continued in the next message').count()).toBeGreaterThan(0);
    await expect
      .poll(() => thread.locator('.bk-markdown pre', { hasText: 'Hour (UTC)' }).count())
      .toBeGreaterThanOrEqual(7);
    expect(await thread.locator('.bk-markdown p', { hasText: '| 23:00 |' }).count()).toBe(0);
    await expect
      .poll(
        () =>
          thread
            .locator('.msg', { hasText: 'Logs Insights queries' })
            .getByText(/Done in/)
            .count(),
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
    await expect.poll(() => queued.locator('.reaction').count()).toBe(0);
    await file.scrollIntoViewIfNeeded();
    await opened.shot('sandbox-long-answer');
    await page.locator('#thread-close').click();
  });

  it('a mention typed with @ and autocomplete starts a conversation; a DM with the bot works too', async () => {
    const composer = page.locator('#composer-input');
    await composer.fill('');
    await composer.pressSequentially('@ops');
    await expect
      .poll(() => page.locator('#command-menu .item.selected').textContent())
      .toContain('@opsagent');
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue()).toBe('@opsagent ');
    await composer.pressSequentially('why is checkout slow?');
    await composer.press('Enter');
    const mention = page.locator('#messages .msg', { hasText: 'why is checkout slow?' }).last();
    await expect.poll(() => mention.locator('.mention').textContent()).toBe('@opsagent');
    await mention.locator('.replies-link').click({ timeout: 15_000 });
    const answer = page.locator('#thread-messages .msg', { hasText: 'operations agent' });
    await answer.getByText(/Done in/).waitFor({ timeout: 20_000 });
    expect(await answer.textContent()).not.toMatch(/report above/);

    await page.locator('#dms li', { hasText: 'opsagent' }).click();
    await composer.fill('hello');
    await composer.press('Enter');
    const dm = page.locator('#messages .msg', { hasText: 'hello' });
    await dm.locator('.replies-link').click({ timeout: 15_000 });
    await page
      .locator('#thread-messages .msg', { hasText: 'operations agent' })
      .getByText(/Done in/)
      .waitFor({ timeout: 20_000 });
    await opened.shot('sandbox-dm');
    await page.locator('#thread-close').click();
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#channels li', { hasText: 'general' }).click();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await expect.poll(() => page.locator('#composer-input').isVisible()).toBe(true);
    await page.locator('#messages .msg .replies-link').first().click();
    await expect.poll(() => page.locator('#thread-input').isVisible()).toBe(true);
    await opened.shot('sandbox-phone');
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
