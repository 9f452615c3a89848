// A before_tool_call lifecycle hook for the harness: defence in depth behind IAM. It refuses shell
// commands that would start or change FIS experiments, or make other AWS writes outside a small
// allow-list, so even a harness role widened by hand cannot be used to go around the approval gate.
// Plain JavaScript so the Lambda runs this file as deployed (no bundling); decide() is tested on
// fixtures in deploy/test/tool-guard.test.ts.
//
// The harness documents what the hook receives (tool name, type, tool-use id, model-generated input)
// but not the JSON field names, so the tool input is looked for under the likely names, and a call
// whose shape is not understood is denied (the hook's failureMode is deny as well).

/**
 * AWS CLI writes the skills make (deploy/test/tool-guard.test.ts fails if a skill runs one not listed here):
 * /fis prepare creates and revises tagged templates (a revision after the card was posted changes the
 * fingerprint, so the gate refuses to start it) and the stack-prefixed stop-condition alarms; an experiment may
 * be stopped; log queries; `eks update-kubeconfig`, which only writes the session's own kubeconfig file; and
 * `sts assume-role`, which changes nothing and gets only roles the harness role may assume (the read-only roles of
 * TARGET_ACCOUNTS, through the skills' scripts/target-account.sh).
 */
const ALLOWED_WRITES = new Set([
  'fis create-experiment-template',
  'fis update-experiment-template',
  'fis stop-experiment',
  'cloudwatch put-metric-alarm',
  'logs start-query',
  'logs stop-query',
  'eks update-kubeconfig',
  'sts assume-role',
]);

/** Operations that only read (AWS CLI verbs). */
const READ =
  /^(describe|get|list|lookup|search|batch-get|filter|scan|query|head|select|tail|wait|help|estimate|simulate|preview|validate|test|check|decode|export|generate-credential-report|ls)(-|$)/;

/** Starting or changing experiments through anything other than the CLI: SDK calls, raw API names. */
const EXPERIMENT_API =
  /\b(start_experiment|StartExperiment|update_experiment_template|UpdateExperimentTemplate|delete_experiment_template|DeleteExperimentTemplate)\b|fis:StartExperiment/;

/**
 * @param {unknown} event the hook event
 * @returns {{ decision: 'allow' | 'deny', reason: string }}
 */
export function decide(event) {
  const call = toolCall(event);
  if (!call) return deny('the tool call could not be read from the hook event, so it cannot be checked');
  const command = commandOf(call.input);
  if (command === undefined) return allow(`${call.name || 'tool'} is not a shell command`);
  if (EXPERIMENT_API.test(command))
    return deny(
      'starting or changing FIS experiments is done only by the bot after a human approves it in Slack',
    );
  for (const segment of segments(command)) {
    const aws = awsCall(segment);
    if (!aws) continue;
    const { service, operation, args } = aws;
    const key = `${service} ${operation}`;
    if (service === 'fis' && operation === 'start-experiment')
      return deny(
        '`aws fis start-experiment` is refused: the bot starts experiments only after a human approves them in Slack',
      );
    if (service === 'fis' && /\bsource=none\b/.test(segment))
      return deny(
        'a FIS template without a stop-condition alarm is refused: every experiment needs one that can stop it',
      );
    if (service === 's3') {
      if (['ls'].includes(operation)) continue;
      if (operation === 'cp' && !args.slice(-1)[0]?.startsWith('s3://')) continue;
      return deny(`\`aws s3 ${operation}\` writes to S3, which is outside the allow-list`);
    }
    if (ALLOWED_WRITES.has(key) || READ.test(operation)) continue;
    return deny(
      `\`aws ${key}\` changes AWS resources, which is outside the allow-list (${[...ALLOWED_WRITES].join(', ')})`,
    );
  }
  return allow('read-only or allow-listed shell command');
}

/** The Lambda entry point: the decision (and reason) the harness reports in its hookEvent. */
export async function handler(event) {
  const d = decide(event);
  console.log(JSON.stringify({ hook: 'tool-guard', decision: d.decision, reason: d.reason }));
  return d;
}

function allow(reason) {
  return { decision: 'allow', reason };
}

function deny(reason) {
  return { decision: 'deny', reason: reason.slice(0, 1024) };
}

/** @returns {{ name: string, input: unknown } | undefined} */
function toolCall(event) {
  if (!event || typeof event !== 'object') return undefined;
  const e = /** @type {Record<string, any>} */ (event);
  const holder = e.toolUse ?? e.tool ?? e.toolCall ?? e.detail ?? e;
  if (!holder || typeof holder !== 'object') return undefined;
  const name = holder.toolName ?? holder.name ?? e.toolName ?? '';
  const input = holder.toolInput ?? holder.input ?? e.toolInput ?? e.input;
  if (input === undefined) return undefined;
  return { name: String(name), input: typeof input === 'string' ? parse(input) : input };
}

function parse(s) {
  try {
    return JSON.parse(s);
  } catch {
    return { command: s };
  }
}

/** The shell command of a tool input, or undefined when the input carries none. */
function commandOf(input) {
  if (typeof input === 'string') return input;
  if (!input || typeof input !== 'object') return undefined;
  for (const k of ['command', 'cmd', 'script', 'commandLine']) {
    const v = /** @type {Record<string, unknown>} */ (input)[k];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ');
  }
  return undefined;
}

/** Simple commands of a shell line: split on ; && || | newlines and inside $( ) and backticks. */
function segments(command) {
  return command
    .replace(/\$\(|`|\)/g, ';')
    .split(/;|&&|\|\||\||\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `aws [global options] <service> <operation> …` in a simple command, after env assignments and sudo/exec wrappers. */
function awsCall(segment) {
  const words = segment.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  let i = 0;
  while (
    i < words.length &&
    (/^\w+=/.test(words[i]) || ['sudo', 'exec', 'env', 'time', 'nohup', 'command'].includes(words[i]))
  )
    i++;
  if (!/(^|\/)aws$/.test(words[i] ?? '')) return undefined;
  const rest = words.slice(i + 1).filter((w, j, all) => {
    // Drop global options and their values (--region x, --profile x, --output json, --no-cli-pager).
    if (w.startsWith('--')) return false;
    const prev = all[j - 1];
    return !(
      prev?.startsWith('--') &&
      !['--no-cli-pager', '--debug', '--dry-run'].includes(prev) &&
      j > 0 &&
      isValueOf(prev)
    );
  });
  const [service, operation, ...args] = rest;
  if (!service || !operation) return undefined;
  return { service, operation, args };
}

function isValueOf(option) {
  return !/^--no-/.test(option);
}
