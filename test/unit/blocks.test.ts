import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/core/approval-types.ts';
import { parseCommand } from '../../src/core/command-parser.ts';
import { rootDetails } from '../../src/core/commands.ts';
import { explainFailure, explainStopReason } from '../../src/core/explain.ts';
import { fingerprint } from '../../src/core/fingerprint.ts';
import { mention, toSlack, toSlackBlocks } from '../../src/core/slack-escape.ts';
import { startQueueNote } from '../../src/core/start-queue-note.ts';
import { approvalCard } from '../../src/slack/approval-card.ts';
import { formatDuration, noteMessage, replyMessage, rootMessage } from '../../src/slack/blocks.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { approvalFor, longChain, multiAccount, TARGET_ACCOUNTS } from '../helpers/fis-templates.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

/**
 * Compares what the Slack writer would send (after `toSlack`) with test/unit/golden/<name>.json;
 * UPDATE_GOLDEN=1 rewrites the file.
 */
function golden(name: string, message: { text: string; blocks: unknown[] }): void {
  const file = join(GOLDEN, `${name}.json`);
  const sent = { text: toSlack(message.text), blocks: toSlackBlocks(message.blocks) };
  const text = `${JSON.stringify(sent, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

const template = sampleTemplate();
const approval: ApprovalRecord = {
  id: 'apprv_0123456789abcdef',
  thread: { teamId: 'T1', channel: 'C1', threadTs: '1700000000.000100' },
  runtimeSessionId: 'slack-T1-C1-1700000000_000100-0123456789abcdef',
  toolUseId: 'tooluse_1',
  assistantMessage: {},
  input: {
    experimentTemplateId: template.id,
    region: 'us-east-1',
    summary: 'Stop one checkout instance for 5 minutes <!channel>',
    expectedImpact: 'One instance fewer; p99 may rise.',
  },
  templateId: template.id,
  region: 'us-east-1',
  fingerprint: fingerprint(template),
  template,
  requester: 'U0ALICE01',
  createdAt: 1_795_000_000_000,
  expiresAt: 1_795_000_900_000,
  status: 'pending',
};
const cardCtx = { approvers: ['U0CAROL03', 'S0SRE0001'], account: '123456789012' };
const eksInProd = parseCommand('/assess', 'eks my-cluster us-west-2 account:prod', 'us-east-1', [], {
  home: '123456789012',
  others: [{ alias: 'prod', accountId: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/ReadOnly' }],
});
if (!eksInProd.ok) throw new Error(eksInProd.message);

const cases = {
  'approval-pending': approvalCard(approval, { ...cardCtx, commandTemplateId: 'EXTother000001' }),
  'approval-started': approvalCard(
    {
      ...approval,
      status: 'started',
      decidedBy: 'U0CAROL03',
      decidedAt: 1_795_000_100_000,
      experimentId: 'EXP123',
      experimentStatus: 'running',
    },
    cardCtx,
  ),
  'approval-late-start': approvalCard(
    {
      ...approval,
      status: 'started',
      decidedBy: 'U0CAROL03',
      decidedAt: 1_795_000_100_000,
      experimentId: 'EXP456',
      experimentStatus: 'stopping',
      stoppedBy: 'bot',
      lateStart: {
        concludedReason:
          'FIS did not answer (InternalServerException: Internal error.); FIS has no experiment for this approval',
      },
    },
    cardCtx,
  ),
  'approval-refused': approvalCard(
    {
      ...approval,
      status: 'refused',
      template: { ...template, stopConditions: [{ source: 'none' }] },
      reason: 'No stop conditions.',
    },
    cardCtx,
  ),
  'approval-long-chain': approvalCard(approvalFor(longChain(30)), cardCtx),
  'approval-too-large': approvalCard(approvalFor(longChain(150)), cardCtx),
  'approval-multi-account': approvalCard(
    { ...approvalFor(multiAccount()), targetAccounts: TARGET_ACCOUNTS },
    cardCtx,
  ),
  'approval-multi-account-unlisted': approvalCard(
    {
      ...approvalFor(multiAccount()),
      targetAccountsError:
        'AccessDeniedException: not authorized to perform fis:ListTargetAccountConfigurations',
    },
    cardCtx,
  ),
  'root-eks': rootMessage({
    title: 'EKS best-practice assessment of `my-cluster` in us-west-2',
    requester: 'U0ALICE01',
    skill: 'eks-workload-best-practice-assessment',
    details: [['Region', 'us-west-2']],
  }),
  // The root message of a run in another account, built as the runner builds it.
  'root-eks-account': rootMessage({
    title: eksInProd.route.title(eksInProd.params),
    requester: 'U0ALICE01',
    skill: eksInProd.route.skill,
    details: rootDetails(eksInProd.params),
  }),
  'reply-starting': replyMessage({ body: '', live: { elapsedMs: 400, activity: [] } }),
  // A run whose start waits its turn at the harness's admission rate (harness-start-pacer.ts).
  'reply-queued': replyMessage({
    body: '',
    live: { elapsedMs: 3_000, activity: [], note: startQueueNote(4) },
  }),
  'reply-streaming': replyMessage({
    body: '## Findings\n\n- Endpoint is public',
    live: {
      elapsedMs: 42_000,
      activity: [
        { label: 'running `aws eks describe-cluster --name my-cluster`', state: 'done' },
        { label: 'running `kubectl get nodes -o wide`', state: 'running', elapsedMs: 4_000 },
      ],
    },
  }),
  'reply-tool-running': replyMessage({
    body: '',
    live: {
      elapsedMs: 9_000,
      activity: [
        { label: 'running `aws eks describe-cluster --name my-cluster`', state: 'running', elapsedMs: 3_000 },
      ],
    },
  }),
  'reply-continued': replyMessage({ body: 'First part of a long answer.', continued: true }),
  // Under load (core/reply-spill.ts): the first reply keeps the text it showed, the status and Stop;
  // the answer goes on in plain replies below; after the final only the text and the note remain.
  'reply-spilled-head-live': replyMessage({
    body: 'The cluster has **3 nodes**; checking',
    spilled: true,
    live: {
      elapsedMs: 42_000,
      activity: [{ label: 'running `kubectl top nodes`', state: 'running', elapsedMs: 2_000 }],
      stopValue: 'stop-1',
    },
  }),
  'reply-spill': replyMessage({ body: ' their pods next.\n\n- `ip-10-0-1-12`: 31 pods' }),
  'reply-spilled-head-final': replyMessage({ body: 'The cluster has **3 nodes**; checking', spilled: true }),
  'reply-done': replyMessage({
    body: '**Score: 78 / 100**',
    result: {
      outcome: 'done',
      elapsedMs: 192_000,
      toolCalls: 14,
      usage: { inputTokens: 10_000, outputTokens: 2_345, totalTokens: 12_345 },
    },
  }),
  'reply-failed': replyMessage({
    body: 'Partial findings.',
    result: {
      outcome: 'failed',
      elapsedMs: 5_000,
      toolCalls: 1,
      notice: explainFailure({
        code: 'access_denied',
        message: 'User: arn:aws:sts::123:assumed-role/bot is not authorized',
      }),
    },
  }),
  'reply-limit': replyMessage({
    body: 'Checked 20 of 39.',
    result: {
      outcome: 'warning',
      elapsedMs: 3_600_000,
      toolCalls: 50,
      notice: explainStopReason('max_iterations_exceeded'),
    },
  }),
  'note-busy': noteMessage(
    `${mention('U0BOB0002')} I’m still answering the previous message in this thread.`,
  ),
};

describe('Block Kit builders', () => {
  for (const [name, message] of Object.entries(cases)) {
    it(`${name} matches its golden file and is valid Block Kit`, () => {
      expect(validateBlocks(message.blocks)).toBeUndefined();
      expect(message.text.length).toBeGreaterThan(0);
      golden(name, message);
    });
  }

  it('sends broadcast mentions from agent output as text, and the bot’s own mentions live', () => {
    const msg = replyMessage({ body: 'Alert <!everyone>', live: { elapsedMs: 0, activity: [] } });
    expect(JSON.stringify(toSlackBlocks(msg.blocks))).not.toContain('<!everyone>');
    const root = rootMessage({ title: 'x <!here>', requester: 'U0ALICE01', skill: 's', details: [] });
    expect(toSlack(root.text)).toBe('x @\u2060here (requested by <@U0ALICE01>)');
  });

  it('names the running tool and how long it has run in the status line, not "Starting"', () => {
    const text = JSON.stringify(cases['reply-tool-running']);
    expect(text).toContain('Running `aws eks describe-cluster --name my-cluster` for 3s · 9s in all');
    expect(text).not.toContain('Starting');
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });
});
