/**
 * The approval card with its interlocks (issue 16): each stop-condition alarm with the state the bot
 * read, the targets as resolved (count of pool, first few, AZs, share) and the limits. Golden file:
 * test/unit/golden/approval-interlocks.json (UPDATE_GOLDEN=1 rewrites it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/core/approval-types.ts';
import { toSlack, toSlackBlocks } from '../../src/core/slack-escape.ts';
import { approvalCard } from '../../src/slack/approval-card.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { approvalFor } from '../helpers/fis-templates.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const inst = (n: number) =>
  `arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaa${String(n).padStart(2, '0')}`;

function withInterlocks(): ApprovalRecord {
  const a = approvalFor(sampleTemplate() as never);
  a.interlocks = {
    checkedAt: 1_795_000_000_000,
    alarms: [
      {
        arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx',
        name: 'checkout-5xx',
        state: 'OK',
        reason: 'Threshold Crossed: 1 datapoint [0.0] was not greater than or equal to the threshold (1.0).',
      },
    ],
    radius: {
      targets: [
        {
          name: 'checkoutInstances',
          resourceType: 'aws:ec2:instance',
          selectionMode: 'COUNT(1)',
          how: 'tags',
          pool: Array.from({ length: 8 }, (_, i) => inst(i + 1)),
          selected: 1,
          azs: ['us-east-1a'],
        },
      ],
    },
    limits: { maxPercent: 30, maxAzs: 1 },
    problems: [],
  };
  return a;
}

describe('the approval card shows the interlocks', () => {
  it('matches its golden file and is valid Block Kit', () => {
    const m = approvalCard(withInterlocks(), { approvers: ['U0CAROL03'] });
    expect(validateBlocks(m.blocks)).toBeUndefined();
    const sent = { text: toSlack(m.text), blocks: toSlackBlocks(m.blocks) };
    const text = `${JSON.stringify(sent, null, 2)}\n`;
    const file = join(GOLDEN, 'approval-interlocks.json');
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
    expect(text).toContain('acts on *1 of 8* (13%)');
    expect(text).toContain('and 3 more');
    expect(text).toContain(':large_green_circle: `checkout-5xx` *OK*');
  });

  it('an alarm in ALARM and a missing one are shown as such', () => {
    const a = withInterlocks();
    a.interlocks!.alarms.push(
      { arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency', name: 'latency', state: 'ALARM' },
      { arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:gone', name: 'gone', state: 'MISSING' },
    );
    const json = JSON.stringify(approvalCard(a, { approvers: [] }).blocks);
    expect(json).toContain(':red_circle: `latency` *ALARM*');
    expect(json).toContain(':x: `gone` *does not exist*');
  });
});
