/**
 * The environment variables the bot reads and their validation (zod). Parsing happens in config.ts,
 * the only module that reads process.env; this file only describes the settings.
 */
import { z } from 'zod';
import { parsePriceTable } from './core/cost.ts';
import { parseTargetAccounts } from './core/target-accounts.ts';
import { AWS_KNOWLEDGE_MCP, harnessList, parseJsonSetting, toolList } from './harness-catalog.ts';

export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
export const HARNESS_ARN =
  /^arn:aws(-[a-z]+)*:bedrock-agentcore:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):(\d{12}):harness\/[a-zA-Z][a-zA-Z0-9_]{0,39}-[a-zA-Z0-9]{10}$/;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};
const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );
const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, wholeNumber(min, max).default(fallback));

/** A JSON-valued setting: parsed and validated here, so a bad value is one clear config problem. */
const jsonSetting = <T>(inner: z.ZodType<T>, fallback: T) =>
  z.preprocess(emptyToUndefined, z.string().optional()).transform((raw, ctx): T => {
    if (raw === undefined) return fallback;
    const v = parseJsonSetting(inner, raw);
    if (typeof v === 'string') {
      ctx.addIssue({ code: 'custom', message: v });
      return z.NEVER;
    }
    return v;
  });

export const schema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^xapp-/,
        'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
      )
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  SLACK_CALL_TIMEOUT_SECONDS: intInRange(1, 120, 20).describe(
    'How long the bot waits for Slack to answer one Web API call of a run (posts, final edits, streams, uploads) before it counts the call as failed and tries again. A post or file upload that timed out is looked for in the thread before it is sent again, so a slow Slack does not get the same reply or file twice.',
  ),
  PORT: intInRange(0, 65535, 3000),
  HARNESS_ARN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(HARNESS_ARN, 'must look like arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id>')
      .optional(),
  ),
  HARNESS_TOOLS: jsonSetting(toolList, [AWS_KNOWLEDGE_MCP]).describe(
    'JSON list of the default harness\'s tools: {"type":"remote_mcp","name","url","headers"?:{"<Header>":{"secretArn","jsonKey"?}}} or {"type":"agentcore_gateway","name","gatewayArn"} (or "create":{"targetName","runtimeArn","endpoint"} for a Gateway the stack creates). Default: the AWS Knowledge MCP server.',
  ),
  HARNESSES: jsonSetting(harnessList, []).describe(
    'JSON list of further harnesses, one per function: {"id":"cost","commands":["/cost"],"tools":[…]} (tools as in HARNESS_TOOLS). Their commands (any skill command, and /investigate for the command, Investigate clicks and automatic investigations) run there; every other command runs on HARNESS_ARN.',
  ),
  HARNESS_ARNS: z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^\s*[a-z][a-z0-9]{0,19}\s*=\s*arn:\S+(\s*;\s*[a-z][a-z0-9]{0,19}\s*=\s*arn:\S+)*\s*;?\s*$/,
          'must look like cost=arn:aws:bedrock-agentcore:…:harness/…;chaos=arn:…',
        )
        .optional(),
    )
    .describe(
      'Where each harness of HARNESSES lives: id=harness ARN, separated by ";" (the deploy sets it).',
    ),
  HARNESS_QUALIFIER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'must be a harness endpoint name')
      .optional(),
  ),
  AWS_REGION: z.preprocess(
    emptyToUndefined,
    z.string().regex(AWS_REGION, 'must be an AWS region').optional(),
  ),
  DEFAULT_TARGET_REGION: z.preprocess(
    emptyToUndefined,
    z.string().regex(AWS_REGION, 'must be an AWS region such as us-west-2').optional(),
  ),
  SESSIONS_TABLE: optionalString,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
  SKILLS_BASE_PATH: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(\/[^\s]*|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]*)$/,
        'must be an absolute path inside the harness image, or the s3:// prefix the skills are loaded from',
      )
      .default('/opt/.agents/skills/'),
  ),
  HARNESS_IDLE_TIMEOUT_SECONDS: intInRange(1, 3600, 600),
  HARNESS_MAX_RUN_MINUTES: intInRange(1, 60, 60),
  HARNESS_MAX_ITERATIONS: z.preprocess(emptyToUndefined, wholeNumber(1, 1000).optional()),
  HARNESS_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, wholeNumber(60, 3599).optional()),
  HARNESS_THROTTLE_RETRIES: intInRange(0, 10, 3),
  HARNESS_STARTS_PER_SECOND: intInRange(1, 1000, 25),
  STREAM_EDIT_INTERVAL_MS: intInRange(100, 60_000, 1000),
  STREAM_MODE: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['edit', 'native'], { error: 'must be "edit" or "native"' }).default('edit'),
  ),
  STREAM_ROLLOVER_SECONDS: intInRange(10, 290, 240),
  SPILL_REPLIES: booleanFlag(true).describe(
    'Edit mode under load: a run whose text has waited 5 s for an edit (the workspace shares about 50 edits a minute) posts that text as a new plain reply in its thread, at most one every 10 s per run; the first reply keeps the status and Stop. false: every answer stays in edited messages, which under load are updated less often (about once a minute per run with 50 runs in a workspace).',
  ),
  LONG_ANSWER_FILE_CHARS: intInRange(0, 10_000_000, 11_000),
  MAX_ANSWER_REPLIES: intInRange(1, 200, 10),
  REPORT_FILES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(off|\/[^\s'"`;|&$]*\*?[^\s'"`;|&$]*)$/,
        'must be "off" or an absolute path pattern such as /tmp/reports/*.md',
      )
      .default('/tmp/reports/*.md'),
  ),
  TOKEN_PRICES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .superRefine((v, ctx) => {
        if (v.trim().toLowerCase() === 'off') return;
        const p = parsePriceTable(v);
        if (typeof p === 'string')
          ctx.addIssue({
            code: 'custom',
            message: `must be "off" or "<model>:input=<usd>,output=<usd>[,cache_read=<usd>,cache_write=<usd>]" in USD per million tokens (${p})`,
          });
      })
      .optional(),
  ),
  SESSION_TTL_DAYS: intInRange(1, 3650, 30),
  LEASE_SECONDS: intInRange(2, 600, 30),
  DUPLICATE_COMMAND_WINDOW_SECONDS: intInRange(0, 300, 5),
  MAX_QUEUED_FOLLOW_UPS: intInRange(0, 50, 5),
  HARNESS_SESSION_IDLE_SECONDS: intInRange(0, 28_800, 900),
  SHUTDOWN_GRACE_SECONDS: intInRange(0, 3600, 25),
  ALLOWED_CHANNELS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[CGD][A-Z0-9]{2,}(\s*,\s*[CGD][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack channel ids (C…/G…)',
      )
      .optional(),
  ),
  COMMAND_ACCESS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*\/[a-z]+( [a-z]+)?\s*=\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*(\s*;\s*\/[a-z]+( [a-z]+)?\s*=\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*)*\s*;?\s*$/,
        'must look like /fis=S0123ABCD,U0456EFGH;/fis run=S0789IJKL;/chaos=S0789IJKL (command or "command subcommand" = user or user group ids)',
      )
      .optional(),
  ),
  ALERT_NOTES: booleanFlag(true).describe(
    "Read other apps' messages for alarm notifications (Amazon Q Developer / AWS Chatbot, SNS JSON, Alertmanager, PagerDuty) and add an Investigate note under each alarm episode; false turns the alert surface off",
  ),
  ALERT_AUTO_INVESTIGATE_CHANNELS: z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^\s*[CGD][A-Z0-9]{2,}(\s*,\s*[CGD][A-Z0-9]{2,})*\s*$/,
          'must be a comma-separated list of Slack channel ids (C…/G…)',
        )
        .optional(),
    )
    .describe(
      'Channels where a recognised alarm starts its investigation at once instead of offering the Investigate button',
    ),
  ALERT_EPISODE_MINUTES: intInRange(1, 1440, 60).describe(
    'Notifications of the same alarm within this many minutes of the previous one belong to one episode (one note)',
  ),
  BOT_ADMINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack user ids (U…/W…) and user group ids (S…)',
      )
      .optional(),
  ),
  FIS_APPROVERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack user ids (U…/W…) and user group ids (S…)',
      )
      .optional(),
  ),
  // Where the FIS roles are deployed (deploy/ sets its region); /fis run refuses other regions. Unset: any.
  FIS_REGIONS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d(\s*,\s*[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d)*\s*$/,
        'must be a comma-separated list of AWS regions such as us-east-1',
      )
      .optional(),
  ),
  TARGET_ACCOUNTS: z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .superRefine((v, ctx) => {
          const parsed = parseTargetAccounts(v);
          if (parsed.length > 0 && typeof parsed[0] === 'string')
            ctx.addIssue({ code: 'custom', message: `is not valid: ${(parsed as string[]).join('; ')}` });
        })
        .optional(),
    )
    .describe(
      'Other AWS accounts commands may read, by alias: prod=111122223333,staging=arn:aws:iam::210987654321:role/OpsRead (an account id uses the AgentCoreSlackBotReadOnly role the target-account template deploys there). `/assess … account:prod` then reads prod through that role; the deploy lets the harness assume exactly these roles.',
    ),
  TARGET_ACCOUNT_EXTERNAL_ID: z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^[\w+=,.@:/-]{2,1224}$/,
          'must be an external id (2-1224 characters: letters, digits, +=,.@:/-)',
        )
        .optional(),
    )
    .describe(
      'The external id the target-account roles were deployed with (their ExternalId parameter); the agent presents it when it assumes them. A confused-deputy guard, not a secret.',
    ),
  FIS_ALLOW_SELF_APPROVAL: booleanFlag(false),
  FIS_ALLOW_NO_STOP_CONDITIONS: booleanFlag(false),
  FIS_APPROVAL_TTL_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of minutes from 0.05 to 1440' })
      .min(0.05, 'must be a number of minutes from 0.05 to 1440')
      .max(1440, 'must be a number of minutes from 0.05 to 1440')
      .default(15),
  ),
  FIS_ALLOW_ALARM_STATE: booleanFlag(false).describe(
    'Let an FIS approval proceed while a stop-condition alarm is already in ALARM (default: refused, the alarm would stop it at once).',
  ),
  FIS_ALLOW_INSUFFICIENT_DATA: booleanFlag(false).describe(
    'Let an FIS approval proceed while a stop-condition alarm has INSUFFICIENT_DATA (default: refused, such an alarm cannot stop anything).',
  ),
  FIS_MAX_TARGET_PERCENT: z
    .preprocess(emptyToUndefined, wholeNumber(1, 100).optional())
    .describe(
      'Most of a target group an FIS experiment may act on, in percent (e.g. 30); a template over it is refused before the card is posted. Unset: no limit.',
    ),
  FIS_MAX_TARGET_AZS: z
    .preprocess(emptyToUndefined, wholeNumber(1, 10).optional())
    .describe(
      'Most Availability Zones one FIS target may span (e.g. 1); a target not limited to named AZs cannot be verified and is refused. Unset: no limit.',
    ),
  FIS_RECOVERY_MINUTES: z
    .preprocess(
      emptyToUndefined,
      z.coerce
        .number({ error: 'must be a number of minutes from 0.05 to 240' })
        .min(0.05, 'must be a number of minutes from 0.05 to 240')
        .max(240, 'must be a number of minutes from 0.05 to 240')
        .default(15),
    )
    .describe(
      'After an experiment ends, how long its stop-condition alarms have to be back to OK and its resolved targets healthy (EC2 instances running with status checks ok, ECS services at their desired count, Auto Scaling groups at their desired capacity, EKS node groups ACTIVE without health issues, Lambda functions Active after a successful update) before the approvers are paged as not recovered.',
    ),
  FIS_START_ROLE_ARN: z
    .preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^arn:aws[a-z-]*:(?:iam)::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')
        .optional(),
    )
    .describe(
      'The start-only role the bot assumes for each approved start, with a session policy for that one template (deploy/ creates it). Unset: the bot starts experiments with its own credentials (local development only).',
    ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_CONTENT: booleanFlag(false),
  // CloudWatch embedded metrics (turns, failures by kind, approvals, experiments) in the log stream; unset: none.
  METRICS_NAMESPACE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(?!AWS\/)[\w.\-/#: ]{1,255}$/,
        'must be a CloudWatch namespace (letters, digits, . - _ / # : space; not starting with AWS/)',
      )
      .optional(),
  ),
  BOT_MODE: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['sandbox', 'slack'], { error: 'must be "sandbox" or "slack"' }).optional(),
  ),
  SANDBOX_PORT: intInRange(0, 65535, 3030),
});
