/**
 * One doctor run: parse the arguments, load the bot's configuration (the same loader the bot uses),
 * build the probes and the context, run every check, and render. Returns the text and the exit code
 * instead of printing, so the tests run it exactly as `npm run doctor` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, MissingSlackCredentials } from '../config.ts';
import { AWS_REGION } from '../config-schema.ts';
import { SdkAwsProbe } from './aws-probe.ts';
import { type Finding, runChecks } from './check.ts';
import { DOCTOR_CHECKS, explain } from './checks.ts';
import type { Cluster, DoctorContext } from './context.ts';
import type { DoctorAws, SlackProbe } from './ports.ts';
import { renderText, report } from './report.ts';
import { readSkillFiles } from './skill-actions.ts';
import { WebApiSlackProbe } from './slack-probe.ts';

/** The repository (or the image's /app): manifest.yml and skills/ sit there, two levels above this file. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const USAGE = `Usage: npm run doctor -- [--json] [--cluster <name>@<region> ...] [--bot-role <role ARN>]
  (in the bot's image: node dist/doctor.js [same options])

Checks a deployment with the bot's own configuration (the same environment variables as npm start) and the
AWS credentials of the environment: prints PASS / WARN / FAIL per check with what it found and the fix.
  --json                 machine-readable output (schema: src/doctor/README.md)
  --cluster name@region  an EKS cluster the agent will assess (repeatable): checks the harness role's access entry
  --bot-role arn         the bot's IAM role (BotTaskRole stack output), when the doctor does not run as it
Exit code: 0 nothing failed, 1 something FAILed, 2 the doctor could not run (arguments, no configuration).`;

export interface DoctorArgs {
  json: boolean;
  clusters: Cluster[];
  botRoleArn?: string;
}

export function parseArgs(argv: string[]): DoctorArgs | { error: string } | 'help' {
  const out: DoctorArgs = { json: false, clusters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--json') out.json = true;
    else if (a === '--cluster') {
      const v = argv[++i] ?? '';
      const [name, region] = v.split('@');
      if (!name || !region || !AWS_REGION.test(region))
        return { error: `--cluster takes <name>@<region>, e.g. my-cluster@us-west-2 (got "${v}")` };
      out.clusters.push({ name, region });
    } else if (a === '--bot-role') {
      const v = argv[++i] ?? '';
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(v))
        return { error: `--bot-role takes an IAM role ARN (got "${v}")` };
      out.botRoleArn = v;
    } else return { error: `unknown argument "${a}"` };
  }
  return out;
}

export interface DoctorSeams {
  slack?: SlackProbe;
  aws?: DoctorAws;
  /** Tests: where the AWS stand-in listens, and its credentials. */
  awsEndpoint?: { url: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

export interface DoctorResult {
  output: string;
  exitCode: 0 | 1 | 2;
  findings: Finding[];
}

export function manifestScopes(path = join(ROOT, 'manifest.yml')): string[] | undefined {
  if (!existsSync(path)) return undefined;
  const m = parseYaml(readFileSync(path, 'utf8')) as { oauth_config?: { scopes?: { bot?: string[] } } };
  return m.oauth_config?.scopes?.bot;
}

function notConfigured(problems: string[]): string {
  const checks = DOCTOR_CHECKS.map((c) => `  ${c.id.padEnd(34)} ${c.title}`).join('\n');
  return [
    'The doctor checks a deployment of the bot before the first user does, but nothing is configured here.',
    '',
    'It would check:',
    checks,
    '',
    'To run it, set the same environment variables the bot runs with (README.md → Configuration), at least:',
    '  SLACK_BOT_TOKEN=xoxb-…, SLACK_APP_TOKEN=xapp-… (Socket Mode) or SLACK_SIGNING_SECRET=… (HTTP mode),',
    '  HARNESS_ARN=arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id>, SESSIONS_TABLE=<table>,',
    'plus AWS credentials the usual way (profile, SSO, or the bot task role when run as a one-off ECS task).',
    '',
    `Missing: ${problems.join('; ')}`,
    '',
    USAGE,
  ].join('\n');
}

export async function runDoctor(
  argv: string[],
  env: Record<string, string | undefined>,
  seams: DoctorSeams = {},
): Promise<DoctorResult> {
  const args = parseArgs(argv);
  if (args === 'help') return { output: USAGE, exitCode: 0, findings: [] };
  if ('error' in args) return { output: `${args.error}\n\n${USAGE}`, exitCode: 2, findings: [] };
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof MissingSlackCredentials)
      return { output: notConfigured(err.problems), exitCode: 2, findings: [] };
    if (!(err instanceof ConfigError)) throw err;
    const findings: Finding[] = err.problems.map((p) => ({
      check: 'config.valid',
      status: 'FAIL',
      found: p,
      fix: 'correct the setting (README.md → Configuration) and run the doctor again',
    }));
    const r = report(findings);
    return { output: args.json ? JSON.stringify(r, null, 2) : renderText(r), exitCode: 1, findings };
  }
  const ctx: DoctorContext = {
    config,
    slack:
      seams.slack ??
      new WebApiSlackProbe({
        botToken: config.slack.botToken,
        ...(config.slack.mode.kind === 'socket' ? { appToken: config.slack.mode.appToken } : {}),
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
      }),
    aws:
      seams.aws ??
      new SdkAwsProbe({
        region: config.harness.region,
        storeRegion: config.store.region,
        ...(seams.awsEndpoint
          ? { endpoint: seams.awsEndpoint.url, credentials: seams.awsEndpoint.credentials }
          : {}),
      }),
    manifestScopes: manifestScopes(),
    skills: existsSync(join(ROOT, 'skills')) ? readSkillFiles(join(ROOT, 'skills')) : undefined,
    clusters: args.clusters,
    ...(args.botRoleArn ? { botRoleArn: args.botRoleArn } : {}),
    memo: new Map(),
  };
  const findings = await runChecks(DOCTOR_CHECKS, ctx, explain);
  const r = report(findings);
  return {
    output: args.json ? JSON.stringify(r, null, 2) : renderText(r),
    exitCode: r.ok ? 0 : 1,
    findings,
  };
}
