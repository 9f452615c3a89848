/**
 * The command registry: one entry per skill-backed command (slash command, argument grammar, skill,
 * prompt template). Adding a skill is adding one entry here. Parsing the text against it is
 * command-parser.ts.
 */
import { SKILLS, type SkillName } from './skills.ts';
import { accountDetail, accountInstructions } from './target-accounts.ts';

export type SlashCommand = '/assess' | '/chaos' | '/fis' | '/logs' | '/cost';
export const SLASH_COMMANDS: readonly SlashCommand[] = ['/assess', '/chaos', '/fis', '/logs', '/cost'];

export type ArgKind = 'word' | 'region' | 'timeRange' | 'text';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  required: boolean;
  /** For words: what a valid value looks like, and how to say so. */
  pattern?: RegExp;
  hint?: string;
  maxLength?: number;
  /** Filled in when an optional word is not given. */
  fallback?: string;
}

export type Params = Record<string, string>;

export interface CommandRoute {
  id: string;
  command: SlashCommand;
  /** Keyword that selects this route (first argument); undefined for the command's catch-all form. */
  sub?: string;
  skill: SkillName;
  usage: string;
  example: string;
  description: string;
  args: ArgSpec[];
  /**
   * The only tools this command's turns may use (InvokeHarness `allowedTools`: `@builtin`, `shell`,
   * `@<tool name>` for every tool of one MCP server or Gateway, `@<tool name>/<tool>`); unset: all of
   * the harness's tools. The bot's inline approval function is added when it offers it.
   */
  allowedTools?: readonly string[];
  /** Runs only when FIS approvers are configured (the human approval gate). */
  requiresApprovers?: boolean;
  /** Experiments start only where the FIS roles are deployed (FIS_REGIONS); other regions are refused here. */
  fisRegionsOnly?: boolean;
  /** May read another configured account (`account:<alias>`, TARGET_ACCOUNTS); others work only in the bot's own. */
  otherAccounts?: boolean;
  /** Headline for the root message, in Slack mrkdwn. */
  title(p: Params): string;
  /** The user message sent to the agent. Built server-side from validated values only. */
  prompt(p: Params): string;
}

const SERVICE: ArgSpec = {
  name: 'service',
  kind: 'word',
  required: true,
  pattern: /^[a-z][a-z0-9-]{1,39}$/i,
  hint: 'an AWS service name such as rds, dynamodb, lambda or elasticache',
};
const RESOURCE: ArgSpec = {
  name: 'resource',
  kind: 'word',
  required: false,
  pattern: /^[A-Za-z0-9][A-Za-z0-9._:/@+=,-]{0,255}$/,
  hint: 'a resource name, id or ARN',
};
const REGION: ArgSpec = { name: 'region', kind: 'region', required: false };

/** The Gateway tool of the cost harness (deploy settings name it; the cost skill calls its tools). */
export const COST_GATEWAY_TOOL = 'billing';
export const DEFAULT_COST_PERIOD = '30d';

const REPORT_NOTE =
  'Answer in English unless asked otherwise. Lead with a short summary, then the findings, each with the evidence you observed.';

function target(p: Params): string {
  return p.resource ? `\`${p.resource}\` (${p.service})` : `${p.service}`;
}

const BASE_ROUTES: readonly CommandRoute[] = [
  {
    id: 'assess-eks',
    otherAccounts: true,
    command: '/assess',
    sub: 'eks',
    skill: SKILLS.eks,
    usage: '/assess eks <cluster> [region]',
    example: '/assess eks my-cluster us-west-2',
    description: 'Assess an EKS cluster and its workloads against best practices',
    args: [
      {
        name: 'cluster',
        kind: 'word',
        required: true,
        pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
        hint: 'an EKS cluster name (letters, digits, - and _, up to 100 characters)',
      },
      REGION,
    ],
    title: (p) => `EKS best-practice assessment of \`${p.cluster}\` in ${p.region}`,
    prompt: (p) =>
      `Use the ${SKILLS.eks} skill to assess the Amazon EKS cluster "${p.cluster}" in region ${p.region} ` +
      `and its workloads. Stay read-only. ${REPORT_NOTE}`,
  },
  {
    id: 'assess-service',
    otherAccounts: true,
    command: '/assess',
    skill: SKILLS.bestPractice,
    usage: '/assess <service> [resource] [region]',
    example: '/assess rds orders-db eu-central-1',
    description: 'Research best practices for an AWS service and check a resource against them',
    args: [SERVICE, RESOURCE, REGION],
    title: (p) => `Best-practice review of ${target(p)} in ${p.region}`,
    prompt: (p) =>
      `Use the ${SKILLS.bestPractice} skill to review the AWS service ${p.service}` +
      (p.resource ? `, resource "${p.resource}",` : '') +
      ` in region ${p.region} against AWS best practices. Stay read-only. ${REPORT_NOTE}`,
  },
  {
    id: 'chaos',
    otherAccounts: true,
    command: '/chaos',
    skill: SKILLS.chaos,
    usage: '/chaos <service> [resource] [region]',
    example: '/chaos rds orders-db us-east-1',
    description: 'Research failure modes and the FIS experiments that test them',
    args: [SERVICE, RESOURCE, REGION],
    title: (p) => `Chaos research for ${target(p)} in ${p.region}`,
    prompt: (p) =>
      `Use the ${SKILLS.chaos} skill to research how the AWS service ${p.service}` +
      (p.resource ? ` (resource "${p.resource}")` : '') +
      ` in region ${p.region} can fail and which AWS FIS experiments would test it. Do not change anything. ${REPORT_NOTE}`,
  },
  {
    id: 'fis-prepare',
    command: '/fis',
    sub: 'prepare',
    skill: SKILLS.fisPrepare,
    usage: '/fis prepare <what to test>',
    example: '/fis prepare stop one EC2 instance of the checkout ASG in us-east-1 for 5 minutes',
    description: 'Prepare an AWS FIS experiment template (never starts it)',
    args: [
      {
        name: 'goal',
        kind: 'text',
        required: true,
        maxLength: 2000,
        hint: 'what the experiment should test',
      },
    ],
    title: (p) => `FIS experiment preparation: ${plainInTitle(truncate(p.goal ?? '', 120))}`,
    prompt: (p) =>
      `Use the ${SKILLS.fisPrepare} skill to prepare an AWS FIS experiment template for this goal, ` +
      `unless it names another region use ${p.region}. Never start an experiment.\n\nGoal (from the user):\n${p.goal}\n\n${REPORT_NOTE}`,
  },
  {
    id: 'fis-run',
    command: '/fis',
    sub: 'run',
    skill: SKILLS.fisExecute,
    usage: '/fis run <experiment-template-id> [region]',
    example: '/fis run EXT1a2b3c4d5e6f7 us-east-1',
    description: 'Run an FIS experiment template after a human approves it',
    args: [
      {
        name: 'template',
        kind: 'word',
        required: true,
        pattern: /^EXT[A-Za-z0-9]{1,61}$/,
        hint: 'an experiment template id such as EXT1a2b3c4d5e6f7',
      },
      REGION,
    ],
    requiresApprovers: true,
    fisRegionsOnly: true,
    title: (p) => `FIS experiment run: \`${p.template}\` in ${p.region}`,
    prompt: (p) =>
      `Use the ${SKILLS.fisExecute} skill for the AWS FIS experiment template ${p.template} in region ${p.region}. ` +
      `Run the pre-flight checks, then request approval; never start the experiment yourself. ${REPORT_NOTE}`,
  },
  {
    id: 'logs',
    otherAccounts: true,
    command: '/logs',
    skill: SKILLS.logs,
    usage: '/logs <log group or service> [time range] [region]',
    example: '/logs /aws/lambda/checkout 1h us-east-1',
    description: 'Analyze application or service logs (CloudWatch Logs Insights)',
    args: [
      {
        name: 'source',
        kind: 'word',
        required: true,
        pattern: /^[A-Za-z0-9._/#-]{1,512}$/,
        hint: 'a CloudWatch log group name such as /aws/lambda/checkout, or a service name',
      },
      { name: 'range', kind: 'timeRange', required: false },
      REGION,
    ],
    title: (p) => `Log analysis of \`${p.source}\`, last ${p.range}, in ${p.region}`,
    prompt: (p) =>
      `Use the ${SKILLS.logs} skill to analyze the logs of "${p.source}" in region ${p.region} ` +
      `over the last ${p.range}. If it is not a log group name, find the matching log groups first. Stay read-only. ${REPORT_NOTE}`,
  },
  {
    id: 'cost',
    command: '/cost',
    skill: SKILLS.cost,
    usage: '/cost <service|account> [period]',
    example: '/cost ec2 3m',
    description: 'Explain what a service or the account costs and why it changed (read-only)',
    args: [
      {
        name: 'target',
        kind: 'word',
        required: true,
        pattern: /^([a-z][a-z0-9-]{1,39}|\d{12})$/i,
        hint: 'an AWS service such as ec2, rds or s3, `account` for the whole account, or a 12-digit linked account id',
      },
      {
        name: 'period',
        kind: 'word',
        required: false,
        pattern: /^(([1-9]\d?)[dwm]|mtd|ytd|\d{4}-(0[1-9]|1[0-2]))$/i,
        hint: 'a period such as 7d, 4w, 3m, mtd, ytd or a month like 2026-10',
        fallback: DEFAULT_COST_PERIOD,
      },
    ],
    // Cost data comes from the billing Gateway; the shell only for the read-only Cost Explorer fallback.
    allowedTools: ['@builtin', `@${COST_GATEWAY_TOOL}`, '@aws-knowledge-mcp'],
    title: (p) => `Cost analysis of ${costTarget(p.target ?? '')}, ${costPeriod(p.period!)}`,
    prompt: (p) =>
      `Use the ${SKILLS.cost} skill to explain the AWS cost of ${costTarget(p.target ?? '')} ` +
      `for the period "${p.period}": the total, the main drivers, ` +
      `what changed against the previous period of the same length, and savings worth checking. ` +
      `Use the ${COST_GATEWAY_TOOL} Gateway tools first. Stay read-only. ${REPORT_NOTE}`,
  },
];

/**
 * The registry. A run in another account (params.account, set only by the parser from TARGET_ACCOUNTS) tells the
 * agent which account and role to use, after the route's own prompt.
 */
export const ROUTES: readonly CommandRoute[] = BASE_ROUTES.map((r) =>
  r.otherAccounts
    ? { ...r, prompt: (p: Params) => r.prompt(p) + accountInstructions(p, p.accountExternalId) }
    : r,
);

/** The facts under a run's title on its root message: the region and the account it works in. */
export function rootDetails(p: Params): Array<[string, string]> {
  const account = accountDetail(p);
  return [...(p.region ? [['Region', p.region] as [string, string]] : []), ...(account ? [account] : [])];
}

function costTarget(t: string): string {
  if (/^\d{12}$/.test(t)) return `linked account \`${t}\``;
  return t.toLowerCase() === 'account' ? 'the whole account' : `\`${t.toLowerCase()}\``;
}

function costPeriod(p: string): string {
  const m = /^(\d+)([dwm])$/i.exec(p);
  if (!m) return { mtd: 'month to date', ytd: 'year to date' }[p.toLowerCase()] ?? p;
  const unit = { d: 'day', w: 'week', m: 'month' }[m[2]!.toLowerCase() as 'd' | 'w' | 'm'];
  return `last ${m[1]} ${unit}${m[1] === '1' ? '' : 's'}`;
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * User words shown inside the bold title: Slack's mrkdwn has no escape character, so a `*`, `~` or
 * backtick typed by the user would end the bold or start other formatting. Look-alike characters keep
 * the words readable and the title whole.
 */
export function plainInTitle(s: string): string {
  return s.replace(/\*/g, '\u2217').replace(/~/g, '\u223C').replace(/`/g, '\u02CB');
}
