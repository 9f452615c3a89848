// A before_tool_call lifecycle hook for the harness: defence in depth behind IAM. It refuses shell
// commands that would start or change FIS experiments, or make other AWS writes outside a small
// allow-list, so even a harness role widened by hand cannot be used to go around the approval gate.
// Plain JavaScript so the Lambda runs this file as deployed (no bundling); decide() is tested on
// fixtures in deploy/test/tool-guard.test.ts, the handler against AWS's published hook contract in
// deploy/test/tool-guard-contract.test.ts.
//
// The payload is the one the developer guide's "Lifecycle hooks" page documents: common fields
// (hookEventId, name, event, harnessArn, sessionId) and a `context` that, for before_tool_call, holds
// toolName, toolType, toolInput and toolUseId. The answer is `{ decision: 'allow' | 'deny', reason }`;
// anything else would be "an invalid response", which the hook's failureMode (deny) turns into a refusal.
// A payload it cannot read, a truncated tool input, or another lifecycle event is denied with a reason.

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

/** The harness's built-in shell tool (harness-tools: the built-ins are `shell` and `file_operations`). */
const SHELL = 'shell';

/** Operations that only read (AWS CLI verbs). */
const READ =
  /^(describe|get|list|lookup|search|batch-get|filter|scan|query|head|select|tail|wait|help|estimate|simulate|preview|validate|test|check|decode|export|generate-credential-report|ls)(-|$)/;

/** Starting or changing experiments through anything other than the CLI: SDK calls, raw API names. */
const EXPERIMENT_API =
  /\b(start_experiment|StartExperiment|update_experiment_template|UpdateExperimentTemplate|delete_experiment_template|DeleteExperimentTemplate)\b|fis:StartExperiment/;

/**
 * @param {unknown} event the hook payload
 * @returns {{ decision: 'allow' | 'deny', reason: string }}
 */
export function decide(event) {
  const call = toolCall(event);
  if ('refusal' in call) return deny(call.refusal);
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
  let d;
  try {
    d = decide(event);
  } catch (err) {
    // An error would also end in a deny (failureMode), but without a reason anyone could read.
    d = deny(`the guard could not check this call (${err instanceof Error ? err.message : String(err)})`);
  }
  console.log(JSON.stringify({ hook: 'tool-guard', decision: d.decision, reason: d.reason }));
  return d;
}

function allow(reason) {
  return { decision: 'allow', reason: reason.slice(0, 1024) };
}

function deny(reason) {
  return { decision: 'deny', reason: reason.slice(0, 1024) };
}

/** The tool call of a before_tool_call payload, or why it cannot be checked. */
function toolCall(event) {
  if (!event || typeof event !== 'object') return { refusal: 'the hook payload is not a JSON object' };
  const e = /** @type {Record<string, any>} */ (event);
  if (e.event !== 'before_tool_call')
    return {
      refusal: `this guard checks before_tool_call events only, not ${typeof e.event === 'string' ? e.event.slice(0, 40) : 'an event without a type'}: fix the harness hook configuration`,
    };
  const c = e.context;
  if (!c || typeof c !== 'object' || typeof c.toolName !== 'string' || !('toolInput' in c))
    return {
      refusal: 'the before_tool_call payload has no toolName and toolInput, so the call cannot be checked',
    };
  const input = typeof c.toolInput === 'string' ? parse(c.toolInput) : c.toolInput;
  // The harness replaces a context field over its 64 KiB limit with { truncated, preview }.
  if (c.toolName === SHELL && input && typeof input === 'object' && input.truncated === true)
    return {
      refusal: 'the shell command was truncated by the harness (over 64 KiB), so it cannot be checked',
    };
  return { name: c.toolName, input };
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
