/**
 * InvokeHarness overrides the emulator checks as strictly as the service's model and documentation
 * allow: `tools` (a union per type: remote_mcp {url, headers?}, agentcore_gateway {gatewayArn,
 * outboundAuth?}, inline_function {description ≤ 4096, inputSchema}, agentcore_browser,
 * agentcore_code_interpreter), `allowedTools` (items ≤ 64 characters of `(\*|@?[^/]+(/[^/]+)?)`)
 * and `skills` (exactly one of path, s3 {uri}, git {url}, awsSkills). Duplicate tool names are refused
 * here: the service accepts them and then fails the tools at run time, which is worse for a caller.
 */
import type { HttpError } from './harness-wire.ts';

const TOOL_TYPES: Record<string, string> = {
  remote_mcp: 'remoteMcp',
  agentcore_gateway: 'agentCoreGateway',
  inline_function: 'inlineFunction',
  agentcore_browser: 'agentCoreBrowser',
  agentcore_code_interpreter: 'agentCoreCodeInterpreter',
};
const ALLOWED_TOOL = /^(\*|@?[^/]+(\/[^/]+)?)$/;
const GATEWAY_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:gateway\/[a-zA-Z0-9-]{1,100}$/;
const SKILL_SOURCES = ['path', 's3', 'git', 'awsSkills'];

function invalid(message: string): HttpError {
  return { status: 400, errorType: 'ValidationException', message };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function toolsProblem(tools: unknown): HttpError | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalid('tools must be a list');
  const names = new Set<string>();
  for (const [i, t] of tools.entries()) {
    const at = `tools.${i + 1}`;
    if (!isObj(t) || typeof t.type !== 'string' || !(t.type in TOOL_TYPES))
      return invalid(`${at}.type must be one of ${Object.keys(TOOL_TYPES).join(', ')}`);
    const config = t.config;
    const members = isObj(config) ? Object.keys(config).filter((k) => config[k] !== undefined) : [];
    const want = TOOL_TYPES[t.type]!;
    const needsConfig = t.type !== 'agentcore_browser' && t.type !== 'agentcore_code_interpreter';
    if ((needsConfig || members.length > 0) && (members.length !== 1 || members[0] !== want))
      return invalid(`${at}.config must set exactly ${want} for a ${t.type} tool`);
    const c = (isObj(config) ? config[want] : undefined) as Obj | undefined;
    if (t.type === 'remote_mcp') {
      if (typeof c?.url !== 'string' || !/^https?:\/\/\S+$/.test(c.url))
        return invalid(`${at}.config.remoteMcp.url must be a URL`);
      if (
        c.headers !== undefined &&
        (!isObj(c.headers) || Object.values(c.headers).some((v) => typeof v !== 'string'))
      )
        return invalid(`${at}.config.remoteMcp.headers must map header names to strings`);
    }
    if (
      t.type === 'agentcore_gateway' &&
      (typeof c?.gatewayArn !== 'string' || !GATEWAY_ARN.test(c.gatewayArn))
    )
      return invalid(`${at}.config.agentCoreGateway.gatewayArn must be a gateway ARN`);
    if (t.type === 'inline_function') {
      if (typeof c?.description !== 'string' || c.description.length < 1 || c.description.length > 4096)
        return invalid(`${at}.config.inlineFunction.description must be 1 to 4096 characters`);
      if (!isObj(c.inputSchema))
        return invalid(`${at}.config.inlineFunction.inputSchema must be a JSON Schema object`);
    }
    if (t.name !== undefined && (typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.name)))
      return invalid(`${at}.name must be 1 to 64 letters, digits, - or _`);
    if (t.type !== 'agentcore_browser' && t.type !== 'agentcore_code_interpreter' && t.name === undefined)
      return invalid(`${at}.name is required for a ${t.type} tool`);
    if (typeof t.name === 'string') {
      if (names.has(t.name)) return invalid(`Tool name '${t.name}' already exists`);
      names.add(t.name);
    }
  }
  return undefined;
}

export function allowedToolsProblem(allowed: unknown): HttpError | undefined {
  if (allowed === undefined) return undefined;
  if (!Array.isArray(allowed)) return invalid('allowedTools must be a list of strings');
  for (const a of allowed) {
    if (typeof a !== 'string' || a.length < 1 || a.length > 64 || !ALLOWED_TOOL.test(a))
      return invalid(
        `Value '${String(a)}' at 'allowedTools' failed to satisfy constraint: Member must have length less than or equal to 64 and match pattern (\\*|@?[^/]+(/[^/]+)?)`,
      );
  }
  return undefined;
}

export function skillsProblem(skills: unknown): HttpError | undefined {
  if (skills === undefined) return undefined;
  if (!Array.isArray(skills)) return invalid('skills must be a list');
  for (const [i, s] of skills.entries()) {
    const set = isObj(s) ? SKILL_SOURCES.filter((k) => s[k] !== undefined) : [];
    if (set.length !== 1)
      return invalid(`skills.${i + 1} must set exactly one of ${SKILL_SOURCES.join(', ')}`);
    const src = (s as Obj)[set[0]!];
    if (set[0] === 'path' && (typeof src !== 'string' || !src.startsWith('/')))
      return invalid(`skills.${i + 1}.path must be an absolute path`);
    if (
      set[0] === 's3' &&
      !(isObj(src) && typeof src.uri === 'string' && /^s3:\/\/[a-z0-9.-]{3,63}\/\S*$/.test(src.uri))
    )
      return invalid(`skills.${i + 1}.s3.uri must be an s3:// URI`);
    if (set[0] === 'git' && !(isObj(src) && typeof src.url === 'string' && src.url.startsWith('https://')))
      return invalid(`skills.${i + 1}.git.url must be an https:// URL`);
  }
  return undefined;
}
