/**
 * The harnesses and their tools, as one definition that both the bot (src/config.ts) and the deploy
 * (deploy/lib/constructs/harness.ts) read. The deploy creates each harness with exactly these tools;
 * the bot repeats the same list when an invocation adds its inline approval function (`tools` on
 * InvokeHarness replaces the harness's list). No SDK or CDK types: plain data and its validation.
 */
import { z } from 'zod';

/** The public AWS Knowledge MCP server: the default tool of the default harness. */
export const AWS_KNOWLEDGE_MCP = {
  type: 'remote_mcp',
  name: 'aws-knowledge-mcp',
  url: 'https://knowledge-mcp.global.api.aws',
} as const satisfies RemoteMcpTool;

/** Tool names become `@name` in allowedTools and prefixes of the tools the agent sees. */
const TOOL_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,47}$/;
/** `@builtin` in allowedTools means the built-in tools (src/harness-allowed-tools.ts): no server may take the name. */
const toolName = (example: string) =>
  z
    .string()
    .regex(TOOL_NAME, `must be a tool name such as ${example}`)
    .refine((n) => n !== 'builtin', {
      error: '"builtin" is reserved: @builtin in allowedTools means the built-in tools',
    });
// [:] keeps the colons around "secret" from reading as a Slack emoji code to the sandbox fidelity check.
const SECRET_ARN = /^arn:aws[a-z-]*[:]secretsmanager[:][a-z0-9-]+[:]\d{12}[:]secret[:][\w/+=.@-]+$/;
const GATEWAY_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:gateway\/[a-zA-Z0-9-]{1,100}$/;
const RUNTIME_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime\/[a-zA-Z0-9_-]{1,100}$/;
/** HTTP header names (RFC 9110 token characters). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Harness ids name a harness in settings and in deploy resource names. */
export const HARNESS_ID = /^[a-z][a-z0-9]{0,19}$/;

const secretRef = z
  .object(
    {
      /** A Secrets Manager secret: the header's value never appears in settings. */
      secretArn: z.string().regex(SECRET_ARN, 'must be a Secrets Manager secret ARN'),
      /** For a JSON secret, the key that holds the value; without it, the whole secret string. */
      jsonKey: z
        .string()
        .regex(/^[\w.-]{1,128}$/)
        .optional(),
    },
    {
      error:
        'must be {"secretArn": "arn:aws:secretsmanager:…", "jsonKey"?: "…"}: header values come from Secrets Manager, never a plain value',
    },
  )
  .strict();

const remoteMcp = z
  .object({
    type: z.literal('remote_mcp'),
    name: toolName('github-mcp'),
    url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
    headers: z
      .record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), secretRef, {
        error: 'header values must be {"secretArn": "...", "jsonKey"?: "..."} (never a plain value)',
      })
      .optional(),
  })
  .strict();

const gateway = z
  .object({
    type: z.literal('agentcore_gateway'),
    name: toolName('billing'),
    /** An existing Gateway (its inbound auth must be AWS_IAM)… */
    gatewayArn: z.string().regex(GATEWAY_ARN, 'must be an AgentCore Gateway ARN').optional(),
    /** …or one the stack creates with one MCP server target behind IAM outbound auth. */
    create: z
      .object({
        targetName: z.string().regex(/^[a-zA-Z0-9-]{1,80}$/, 'must be a target name such as billing-mcp'),
        /** An MCP server on AgentCore Runtime (SigV4): the Gateway's role may invoke exactly it. */
        runtimeArn: z.string().regex(RUNTIME_ARN, 'must be an AgentCore Runtime ARN'),
        /** The runtime's MCP endpoint URL (https://bedrock-agentcore.<region>.amazonaws.com/runtimes/…/invocations…). */
        endpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((g) => (g.gatewayArn === undefined) !== (g.create === undefined), {
    error: 'an agentcore_gateway tool needs exactly one of gatewayArn (existing) or create (stack-created)',
  });

export const toolSpec = z.discriminatedUnion('type', [remoteMcp, gateway]);
export type ToolSpec = z.infer<typeof toolSpec>;
export type RemoteMcpTool = z.infer<typeof remoteMcp>;
export type GatewayTool = z.infer<typeof gateway>;

const uniqueNames = (tools: ToolSpec[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  for (const t of tools) {
    // The service accepts duplicates at deploy time and then disables the tools at runtime.
    if (seen.has(t.name)) ctx.addIssue({ code: 'custom', message: `tool name "${t.name}" is used twice` });
    seen.add(t.name);
  }
};

export const toolList = z.array(toolSpec).max(20).superRefine(uniqueNames);

export const harnessSpec = z
  .object({
    id: z.string().regex(HARNESS_ID, 'must be lowercase letters and digits, starting with a letter'),
    /** Slash commands this harness answers, e.g. ["/cost"]; follow-ups stay where the thread started. */
    commands: z.array(z.string().regex(/^\/[a-z]+$/, 'must be a slash command such as /cost')).min(1),
    tools: toolList.default([]),
  })
  .strict();
export type HarnessSpec = z.infer<typeof harnessSpec>;

export const harnessList = z
  .array(harnessSpec)
  .max(10)
  .superRefine((list, ctx) => {
    const ids = new Set<string>();
    const commands = new Map<string, string>();
    for (const h of list) {
      if (h.id === 'default' || ids.has(h.id))
        ctx.addIssue({ code: 'custom', message: `harness id "${h.id}" is reserved or used twice` });
      ids.add(h.id);
      for (const c of h.commands) {
        const other = commands.get(c);
        if (other) ctx.addIssue({ code: 'custom', message: `${c} is on both "${other}" and "${h.id}"` });
        commands.set(c, h.id);
      }
    }
  });

/** Parses a JSON setting with a schema; returns the value or a one-line problem. */
export function parseJsonSetting<T>(schema: z.ZodType<T>, raw: string): T | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return `is not valid JSON (${(err as Error).message})`;
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  return r.error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** The wire/CloudFormation shape of one tool ({type, name, config}); header values are filled in by `header`. */
export interface RenderedTool {
  type: 'remote_mcp' | 'agentcore_gateway';
  name: string;
  config:
    | { remoteMcp: { url: string; headers?: Record<string, string> } }
    | { agentCoreGateway: { gatewayArn: string; outboundAuth: { awsIam: Record<string, never> } } };
}

/**
 * Renders the tool list. `gatewayArn` resolves stack-created gateways (the deploy passes their ARNs);
 * `header` resolves a secret reference (the deploy: a CloudFormation dynamic reference). The bot has
 * neither secrets nor a way to create gateways, so it renders only lists without either.
 */
export function renderTools(
  tools: readonly ToolSpec[],
  resolve: {
    gatewayArn?: (tool: GatewayTool) => string;
    header?: (ref: { secretArn: string; jsonKey?: string }) => string;
  } = {},
): RenderedTool[] {
  return tools.map((t) => {
    if (t.type === 'remote_mcp') {
      const headers = t.headers
        ? Object.fromEntries(
            Object.entries(t.headers).map(([k, ref]) => {
              if (!resolve.header)
                throw new Error(`tool ${t.name}: secret-backed headers cannot be rendered here`);
              return [k, resolve.header(ref)];
            }),
          )
        : undefined;
      return {
        type: 'remote_mcp',
        name: t.name,
        config: { remoteMcp: { url: t.url, ...(headers ? { headers } : {}) } },
      };
    }
    const arn = t.gatewayArn ?? resolve.gatewayArn?.(t);
    if (!arn) throw new Error(`tool ${t.name}: the gateway the stack creates has no ARN here`);
    return {
      type: 'agentcore_gateway',
      name: t.name,
      // The harness signs its calls to the Gateway with its own role (the Gateway's inbound auth is AWS_IAM).
      config: { agentCoreGateway: { gatewayArn: arn, outboundAuth: { awsIam: {} } } },
    };
  });
}

/**
 * Why the bot could not repeat this list on an invocation, or undefined when it can. `deployed`: the list as
 * the deploy hands it to the bot, where the ARNs of the gateways the stack creates are filled in.
 */
export function unrepeatableTool(tools: readonly ToolSpec[], deployed = false): string | undefined {
  for (const t of tools) {
    if (t.type === 'remote_mcp' && t.headers)
      return `${t.name} has secret-backed headers, which only the harness holds`;
    if (t.type === 'agentcore_gateway' && !t.gatewayArn && !deployed)
      return `${t.name} is a gateway the stack creates; set its gatewayArn (the deploy does)`;
  }
  return undefined;
}

/**
 * With FIS approvers set, every /fis invocation adds the bot's inline approval function, and `tools` on
 * InvokeHarness then replaces the harness's whole list: the bot must repeat that list, so the harness that
 * answers /fis (a HARNESSES entry, or the default harness) may only have tools the bot can repeat. Returns
 * which harness breaks this and why, or undefined. The bot (src/config.ts) and the deploy (synth) both ask.
 */
export function approvalGateToolProblem(
  defaultTools: readonly ToolSpec[],
  harnesses: ReadonlyArray<Pick<HarnessSpec, 'id' | 'commands' | 'tools'>>,
  deployed = false,
): { harness?: string; why: string } | undefined {
  const fis = harnesses.find((h) => h.commands.includes('/fis'));
  const why = unrepeatableTool(fis?.tools ?? defaultTools, deployed);
  if (!why) return undefined;
  return fis ? { harness: fis.id, why } : { why };
}
