/**
 * The approval card shows the whole template (issue 12, item 4): no action hidden behind "…", the
 * total duration from the action graph, every target's resources, account targeting, target
 * parameters and the template's fingerprint; what cannot fit is said in bold and attached in full.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/core/approval-types.ts';
import { toSlack, toSlackBlocks } from '../../src/core/slack-escape.ts';
import { approvalCard, approvalCardFile } from '../../src/slack/approval-card.ts';
import { SLACK_LIMITS } from '../../src/slack/limits.ts';
import { templateFile } from '../../src/slack/template-view.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';
import { ARNS, approvalFor, longChain, multiAccount, TARGET_ACCOUNTS } from '../helpers/fis-templates.ts';

/** What Slack would receive. */
function sent(a: ApprovalRecord) {
  const m = approvalCard(a, { approvers: ['U0CAROL03'] });
  const blocks = toSlackBlocks(m.blocks);
  return { blocks, text: toSlack(m.text), json: JSON.stringify(blocks) };
}

function blockText(blocks: unknown[]): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) if (k === 'text' || typeof x === 'object') walk(x);
  };
  walk(blocks);
  return n;
}

describe('the approval card shows the whole template', () => {
  it('a dangerous action after 29 harmless ones is on the card, with its targets’ ARNs', () => {
    const card = sent(approvalFor(longChain(30)));
    expect(card.json).toContain('aws:ec2:terminate-instances');
    expect(card.json).toContain('*terminateAll*');
    for (const arn of ARNS) expect(card.json).toContain(arn);
    expect(card.json).not.toContain('Not shown in full');
    expect(validateBlocks(card.blocks)).toBeUndefined();
  });

  it('the duration follows the action graph: a chain of 29 one-minute waits lasts 29 minutes', () => {
    const card = sent(approvalFor(longChain(30)));
    // The last action has no duration parameter, so the total is a lower bound.
    expect(card.json).toContain('*Duration:* at least 29 min');
    const parallel = sent(approvalFor(multiAccount()));
    // cpuStress (10 min) then network (5 min), alongside an instant pod delete: 15 minutes.
    expect(parallel.json).toContain('*Duration:* at least 15 min');
  });

  it('multi-account settings, selection modes and target parameters are shown', () => {
    const card = sent(approvalFor(multiAccount()));
    expect(card.json).toContain('*Account targeting:* multi-account');
    expect(card.json).toContain('*If a target resolves to nothing:* skip');
    expect(card.json).toContain('selection *PERCENT(50)*');
    expect(card.json).toContain('selectorValue=app=checkout');
  });

  it('a multi-account template lists every target account FIS has for it, with the role used there', () => {
    const card = sent({ ...approvalFor(multiAccount()), targetAccounts: TARGET_ACCOUNTS });
    expect(card.json).toContain('*Target accounts (2, it acts in each)*');
    for (const c of TARGET_ACCOUNTS) {
      expect(card.json).toContain(`account \`${c.accountId}\` as role \`${c.roleArn}\``);
    }
    expect(card.json).toContain('payments prod');
    expect(card.json).not.toContain('Multi-account experiment:');
    expect(validateBlocks(card.blocks)).toBeUndefined();
  });

  it('when FIS would not list the target accounts, the card says so in bold with the reason', () => {
    const card = sent({
      ...approvalFor(multiAccount()),
      targetAccountsError: 'AccessDeniedException: not authorized',
    });
    expect(card.json).toMatch(
      /\*Multi-account experiment: the bot could not list its target accounts \(AccessDeniedException: not authorized\)[^*]+\*/,
    );
    expect(card.json).not.toContain('*Target accounts');
  });

  it('shows the full fingerprint as the template’s version', () => {
    const a = approvalFor(multiAccount());
    expect(sent(a).json).toContain(a.fingerprint);
  });

  it('a template too large for Slack: the card says so in bold, stays within limits, and the file has everything', () => {
    const a = approvalFor(longChain(150));
    const card = sent(a);
    expect(card.json).toMatch(/\*Not shown in full on this card: [^*]+actions[^*]+\*/);
    expect(validateBlocks(card.blocks)).toBeUndefined();
    expect(card.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(blockText(card.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.cumulativeBlockText);
    const file = approvalCardFile(a)!;
    expect(card.json).toContain(file.filename);
    for (const name of Object.keys(a.template.actions)) expect(file.content).toContain(`| ${name} |`);
    expect(file.content).toContain('aws:ec2:terminate-instances');
    for (const arn of ARNS) expect(file.content).toContain(arn);
    expect(file.content).toContain(a.fingerprint);
    expect(file.content).toContain('| 2:29:00 |');
  });

  it('the attached file matches its golden file', () => {
    const file = templateFile(approvalFor(multiAccount()));
    const path = join(import.meta.dirname, 'golden', 'template-file-multi-account.txt');
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, file.content);
    expect(file.content).toBe(readFileSync(path, 'utf8'));
  });

  it('a template that fits needs no file', () => {
    expect(approvalCardFile(approvalFor(longChain(30)))).toBeUndefined();
  });
});
