/**
 * The sandbox's cost harness: `/cost` runs on its own harness (an emulator of its own behind the same
 * regional endpoint), whose agent reads billing data through the billing Gateway tools
 * (`billing___…`, server `billing`). Invented sample data, as in the other demos.
 */
import { COST_GATEWAY_TOOL } from '../core/commands.ts';
import { type Invocation, type Scenario, userText } from '../stand-ins/harness-emulator.ts';
import { toolCall } from '../stand-ins/scenarios.ts';
import { report, TOOL_MS, type Tool } from './demo-kit.ts';

export const SANDBOX_COST_HARNESS_ID = 'cost';

const billing = (tool: string, input: unknown, output: unknown): Tool =>
  toolCall(`${COST_GATEWAY_TOOL}-mcp___${tool}`, input, JSON.stringify(output), {
    serverName: COST_GATEWAY_TOOL,
    delayMs: TOOL_MS,
  });

interface CostTopic {
  target: string;
  period: string;
}

function topicOf(prompt: string): CostTopic | undefined {
  const m = /explain the AWS cost of (.+?) for the period "([^"]+)"/.exec(prompt);
  return m ? { target: m[1]!.replace(/`/g, ''), period: m[2]! } : undefined;
}

function firstReport(t: CostTopic) {
  const account = t.target === 'the whole account';
  const lines = account
    ? [
        ['Amazon Elastic Compute Cloud - Compute', 5120.4, 4310.12],
        ['Amazon Relational Database Service', 2380.0, 2391.55],
        ['EC2 - Other', 1544.87, 1012.3],
        ['Amazon Simple Storage Service', 612.09, 598.44],
        ['AWS Lambda', 210.5, 187.2],
      ]
    : [
        ['BoxUsage:m6i.2xlarge', 2980.11, 2310.4],
        ['NatGateway-Bytes', 1011.2, 620.7],
        ['EBS:VolumeUsage.gp3', 640.45, 631.2],
        ['BoxUsage:t3.medium', 488.64, 512.02],
        ['DataTransfer-Out-Bytes', 301.0, 210.9],
      ];
  const now = lines.reduce((a, l) => a + (l[1] as number), 0);
  const before = lines.reduce((a, l) => a + (l[2] as number), 0);
  const pct = (n: number, b: number) => `${n >= b ? '+' : ''}${(((n - b) / b) * 100).toFixed(1)}%`;
  const rows = lines
    .map(([k, n, b]) => `| ${k} | $${(n as number).toFixed(2)} | ${pct(n as number, b as number)} |`)
    .join('\n');
  return report(
    `## Cost of ${t.target}, period ${t.period}

**$${Math.round(now).toLocaleString('en-US')}**, ${pct(now, before)} against the previous period of the same length ($${Math.round(before).toLocaleString('en-US')}). ${account ? 'EC2 compute and EC2 - Other (NAT gateway data) explain most of the rise.' : 'On-demand m6i.2xlarge hours and NAT gateway data explain most of the rise.'}

| Group | Cost | Change |
|---|---|---|
${rows}

### Savings worth checking
- **Steady on-demand compute**: m6i hours ran around the clock all period; a Compute Savings Plan covering the baseline is worth pricing. Not executed.
- **NAT gateway data grew 63%**: check whether S3 and DynamoDB traffic goes through gateway endpoints. Not executed.

_Source: billing Gateway tools (UnblendedCost). The current month is estimated._`,
    [
      billing(
        'get_dimension_values',
        { dimension: 'SERVICE', search: account ? undefined : t.target },
        { values: lines.map((l) => l[0]) },
      ),
      billing(
        'get_cost_and_usage',
        { period: t.period, group_by: account ? 'SERVICE' : 'USAGE_TYPE', metric: 'UnblendedCost' },
        { total: now.toFixed(2), unit: 'USD', estimated: true },
      ),
      billing(
        'get_cost_and_usage',
        { period: `previous ${t.period}`, group_by: account ? 'SERVICE' : 'USAGE_TYPE' },
        { total: before.toFixed(2), unit: 'USD' },
      ),
    ],
  );
}

function followUp(question: string, t: CostTopic | undefined) {
  if (/savings plan|commit|reserv/i.test(question))
    return report(
      'The steady baseline is about 6 m6i.2xlarge instances around the clock. A 1-year Compute Savings Plan at that commitment would cover it; I only read cost data, so buying one is for you to decide. Not executed.',
    );
  if (/nat|data transfer|endpoint/i.test(question))
    return report(
      'NAT gateway bytes rose from 14 TB to 23 TB. Most of it goes to S3 in the same Region: a gateway endpoint for S3 (free) would take that traffic off the NAT gateway.',
      [
        billing(
          'get_cost_and_usage',
          { group_by: 'USAGE_TYPE', filter: 'NatGateway-Bytes' },
          { total: '1011.20' },
        ),
      ],
    );
  return report(
    `For ${t?.target ?? 'this account'} I can break the cost down by service, usage type, Region or linked account, or look at one line in detail. Ask for example “by region” or “what about NAT gateway data?”.`,
  );
}

/** The cost harness's scripted agent: first a cost report, then answers in the thread. */
export function costScenarios(): Scenario {
  const topics = new Map<string, CostTopic>();
  return (inv: Invocation) => {
    const text = userText(inv);
    const t = topicOf(text);
    if (t) {
      topics.set(inv.sessionId, t);
      return firstReport(t);
    }
    return followUp(text, topics.get(inv.sessionId));
  };
}
