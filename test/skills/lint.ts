/**
 * Safety lint rules for skill text. Each function returns the offending snippets (empty = clean), so the
 * tests can show both that the skills are clean and that the rules catch bad text.
 */
import { isMap, isSeq, parseDocument, visit } from 'yaml';

/** Any spelling of the FIS start call: start-experiment, start_experiment, StartExperiment, "fis start". */
export function findStartExperiment(text: string): string[] {
  const hits = [...text.matchAll(/start[-_]?experiment/gi)].map((m) => m[0]);
  hits.push(...[...text.matchAll(/\bfis\s+start\b/gi)].map((m) => m[0]));
  return hits;
}

const MUTATING_AWS_PREFIXES = [
  'accept',
  'add',
  'allocate',
  'apply',
  'assign',
  'associate',
  'attach',
  'authorize',
  'batch-delete',
  'batch-write',
  'cancel',
  'change',
  'copy',
  'create',
  'decrease',
  'delete',
  'deploy',
  'deregister',
  'detach',
  'disable',
  'disassociate',
  'enable',
  'execute',
  'failover',
  'import',
  'increase',
  'invoke',
  'lock',
  'modify',
  'pause',
  'promote',
  'publish',
  'purge',
  'put',
  'reboot',
  'rebuild',
  'recover',
  'register',
  'reject',
  'release',
  'remove',
  'replace',
  'request',
  'reset',
  'restart',
  'restore',
  'resume',
  'revoke',
  'rotate',
  'run',
  'schedule',
  'send',
  'set',
  'start',
  'stop',
  'subscribe',
  'suspend',
  'swap',
  'tag',
  'terminate',
  'test',
  'unassign',
  'unlock',
  'unmask',
  'unsubscribe',
  'untag',
  'update',
  'upload',
  'write',
];
const MUTATING_S3 = new Set(['cp', 'mv', 'rm', 'sync', 'mb', 'rb']);

/**
 * Deliberate exceptions for read-only skills, each with its reason:
 * - `logs start-query` / `logs stop-query`: run and cancel a Logs Insights query; they read logs only.
 * - `eks update-kubeconfig`: writes a local kubeconfig, allowed only with `--kubeconfig` (never ~/.kube/config).
 * - `configure set profile.<alias>.credential_process`: writes the local CLI profile another account is read
 *   through (scripts/target-account.sh); any other `configure set` (keys, regions, other settings) is not.
 */
function allowedReadOnlyException(service: string, op: string, command: string): boolean {
  if (service === 'logs' && (op === 'start-query' || op === 'stop-query')) return true;
  if (service === 'eks' && op === 'update-kubeconfig') return /--kubeconfig\s/.test(command);
  if (service === 'configure' && op === 'set')
    return /^aws configure set "?profile\.[$"{}\w-]+\.credential_process"? /.test(command.trim());
  return false;
}

/** `aws <service> <operation>` commands whose operation changes AWS state. Scans all text. */
export function findMutatingAws(text: string): string[] {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  const hits: string[] = [];
  const re = /\baws((?:\s+--[a-z-]+(?:[ =](?!-)\S+)?)*)\s+([a-z0-9-]+)\s+([a-z0-9-]+)([^\n]*)/g;
  for (const m of joined.matchAll(re)) {
    const service = m[2] ?? '';
    const op = m[3] ?? '';
    const command = m[0];
    if (allowedReadOnlyException(service, op, command)) continue;
    const mutating =
      (service === 's3' && MUTATING_S3.has(op)) ||
      MUTATING_AWS_PREFIXES.some((p) => op === p || op.startsWith(`${p}-`));
    if (mutating) hits.push(`aws ${service} ${op}`);
  }
  return hits;
}

const MUTATING_KUBECTL = new Set([
  'annotate',
  'apply',
  'attach',
  'autoscale',
  'certificate',
  'cordon',
  'cp',
  'create',
  'debug',
  'delete',
  'drain',
  'edit',
  'exec',
  'expose',
  'label',
  'patch',
  'port-forward',
  'proxy',
  'replace',
  'run',
  'scale',
  'set',
  'taint',
  'uncordon',
]);
const MUTATING_ROLLOUT = new Set(['restart', 'undo', 'pause', 'resume']);
const READ_ONLY_CONFIG = new Set(['view', 'get-contexts', 'current-context']);

/** `kubectl <verb>` uses that change the cluster (or the shared kubeconfig). Pass command text only. */
export function findMutatingKubectl(code: string): string[] {
  const hits: string[] = [];
  const re = /\bkubectl((?:\s+--?[a-z-]+(?:[ =](?!-)\S+)?)*)\s+([a-z-]+)(?:\s+([a-z-]+))?/g;
  for (const m of code.matchAll(re)) {
    const verb = m[2] ?? '';
    const sub = m[3] ?? '';
    if (MUTATING_KUBECTL.has(verb)) hits.push(`kubectl ${verb}`);
    else if (verb === 'rollout' && MUTATING_ROLLOUT.has(sub)) hits.push(`kubectl rollout ${sub}`);
    else if (verb === 'config' && !READ_ONLY_CONFIG.has(sub)) hits.push(`kubectl config ${sub}`);
  }
  return hits;
}

/** Commands that would print Secret values. */
export function findSecretReads(code: string): string[] {
  const hits: string[] = [];
  // A Secret listing is safe only when the same command pipes it into jq and keeps no values: metadata, type,
  // and at most the key names. Continuation lines are joined so the projection on the next line counts.
  const joined = code.replace(/\\\r?\n\s*/g, ' ');
  // kubectl itself, or the read-only helper every skill calls it through (scripts/kube.sh, $K, ${KUBE[@]}).
  const kube = /(?:\bkubectl|kube\.sh|\$K\b|\$\{KUBE\[@\]\})[^\n|]*\bget\s+secrets?\b[^\n]*/g;
  for (const m of joined.matchAll(kube)) {
    const keyNamesOnly = m[0].replace(/\(?\s*\.data\s*\/\/\s*\{\}\s*\)?\s*\|\s*keys\b/g, '');
    if (!/\|\s*jq\b/.test(m[0]) || /\.(data|stringData)\b/.test(keyNamesOnly)) hits.push(m[0].trim());
  }
  for (const m of code.matchAll(/\baws\s+secretsmanager\s+get-secret-value\b/g)) hits.push(m[0]);
  for (const m of code.matchAll(/\baws\s+ssm\s+get-parameters?\b[^\n]*--with-decryption/g)) hits.push(m[0]);
  return hits;
}

/** `aws iam` commands that create or change roles, policies or their attachments. Scans all text. */
export function findIamWrites(text: string): string[] {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  const re =
    /\baws(?:\s+--[a-z-]+(?:[ =](?!-)\S+)?)*\s+iam\s+((?:create|put|attach|detach|delete|update|tag|untag|add|remove|set|upload)-[a-z0-9-]+|pass-role)/g;
  return [...joined.matchAll(re)].map((m) => `aws iam ${m[1]}`);
}

/** Every `aws:<service>:<name>` id, skipping ARNs (`arn:aws:...`) and condition keys (`aws:SourceArn`). */
export function fisIds(text: string): string[] {
  return [...text.matchAll(/(?<![\w:/.-])aws:([a-z0-9-]+):([a-z0-9][a-z0-9-]*)/gi)].map((m) =>
    m[0].toLowerCase(),
  );
}

/** Paths of flow-style collections (`[a, b]`, `{k: v}`) in YAML; the strictyaml-based validator rejects them. */
export function flowCollections(yamlText: string): string[] {
  const doc = parseDocument(yamlText);
  const hits: string[] = [];
  visit(doc, {
    Map(_key, node, path) {
      if (isMap(node) && node.flow) hits.push(`map at depth ${path.length}`);
    },
    Seq(_key, node, path) {
      if (isSeq(node) && node.flow) hits.push(`sequence at depth ${path.length}`);
    },
  });
  return hits;
}

/** Tool names that do not exist in the AgentCore harness (Claude Code tools, other MCP servers). */
export function findForeignTools(text: string): string[] {
  const hits = [
    ...text.matchAll(/\b(?:Bash|Write|Read|Edit|MultiEdit|Glob|Grep|WebFetch|WebSearch|TodoWrite)\(/g),
  ].map((m) => m[0]);
  hits.push(...[...text.matchAll(/\bskill\(\s*name\s*=/g)].map((m) => m[0]));
  hits.push(...[...text.matchAll(/\bcontext7\b/gi)].map((m) => m[0]));
  return hits;
}

/** The AWS MCP tools the harness offers (AWS Knowledge MCP server). */
export const KNOWN_AWS_MCP_TOOLS = new Set([
  'aws___search_documentation',
  'aws___read_documentation',
  'aws___recommend',
  'aws___get_regional_availability',
  'aws___list_regions',
  'aws___retrieve_agent_sop',
]);

export function unknownMcpTools(text: string): string[] {
  return [...text.matchAll(/\baws___[a-z_]+/g)].map((m) => m[0]).filter((t) => !KNOWN_AWS_MCP_TOOLS.has(t));
}
