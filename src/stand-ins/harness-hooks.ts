/**
 * Lifecycle hooks configured on the emulated harness, run the way AgentCore's "Lifecycle hooks" page
 * describes (test/fixtures/agentcore/harness-lifecycle-hooks.json):
 * - A Lambda target gets the documented payload (hookEventId, name, event, harnessArn, sessionId,
 *   context) and must answer `{ decision: 'allow' | 'deny', reason? }`. An error, a timeout
 *   (timeoutSeconds, default 60) or any other answer applies the hook's failureMode (default deny).
 *   The reason is limited to 1,024 characters.
 * - Every hook that fires is reported in the stream as a hookEvent with the applied decision.
 * - before_invocation deny: the run stops before the agent starts, messageStop{hook_stopped}.
 * - before_tool_call deny: the tool is skipped and the loop goes on. What the model then gets as the
 *   tool's result is not documented; here it is an error result naming the hook and its reason.
 * Hooks of one event run concurrently; any deny applies, the first denying hook (in configured
 * order) supplying the reason.
 *
 * Not modeled: context truncation (64 KiB), after_* hooks, and a denied inline function (which the
 * harness skips without handing it to the client); a script that would need the last is refused.
 */
import { randomUUID } from 'node:crypto';
import type { Step } from './harness-types.ts';

export type HookEventType = 'before_invocation' | 'before_tool_call';

export interface EmulatedHook {
  /** Unique on the harness, [a-zA-Z0-9_-]{1,64} (API_HarnessBeforeToolCallHook). */
  name: string;
  event: HookEventType;
  /** The Lambda function: gets the payload, returns its answer (it may also throw or never answer). */
  lambda: (payload: unknown) => unknown;
  failureMode?: 'allow' | 'deny';
  /** 1–900, default 60. */
  timeoutSeconds?: number;
}

export interface HookCall {
  name: string;
  payload: Record<string, unknown>;
  answer?: unknown;
  error?: string;
  applied: 'allow' | 'deny';
  reason?: string;
}

/** CreateHarness's checks of the hook list: at most 20, unique names, the documented limits. */
export function hooksProblem(hooks: readonly EmulatedHook[]): string | undefined {
  if (hooks.length > 20) return 'A harness supports up to 20 hooks';
  const names = new Set<string>();
  for (const h of hooks) {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(h.name)) return `Invalid hook name: ${h.name}`;
    if (names.has(h.name)) return `Hook names must be unique within the harness: ${h.name}`;
    names.add(h.name);
    const t = h.timeoutSeconds ?? 60;
    if (!Number.isInteger(t) || t < 1 || t > 900) return `timeoutSeconds must be 1-900: ${t}`;
  }
  return undefined;
}

interface Where {
  harnessArn: string;
  sessionId: string;
  messages: unknown[];
}

/** Runs the hooks over a script: the hookEvents they produce are inserted, denied steps changed. */
export async function withHooks(
  steps: Step[],
  hooks: readonly EmulatedHook[],
  where: Where,
  calls: HookCall[],
): Promise<Step[]> {
  if (hooks.length === 0) return steps;
  const fire = (event: HookEventType, context: Record<string, unknown>) =>
    decide(
      hooks.filter((h) => h.event === event),
      event,
      context,
      where,
      calls,
    );
  const start = await fire('before_invocation', {
    messageCount: where.messages.length,
    messages: where.messages,
  });
  if (start.denied) return [...start.events, { event: 'messageStop', data: { stopReason: 'hook_stopped' } }];

  const out: Step[] = [...start.events];
  let role: string | undefined;
  let tools: Array<{ toolUseId: string; name: string; type?: string; input: string; index: number }> = [];
  const denied = new Map<string, string>();
  /** Result blocks (by index) of denied tools, whose content is replaced. */
  const skipping = new Map<number, string>();
  for (const step of steps) {
    if (!('event' in step)) {
      out.push(step);
      continue;
    }
    const data = step.data as Frame;
    if (step.event === 'messageStart') {
      role = data.role;
      if (role === 'assistant') tools = [];
    } else if (step.event === 'contentBlockStart' && data.start?.toolUse && role === 'assistant') {
      const u = data.start.toolUse;
      tools.push({
        toolUseId: u.toolUseId,
        name: u.name,
        type: u.type,
        input: '',
        index: data.contentBlockIndex,
      });
    } else if (step.event === 'contentBlockDelta' && data.delta?.toolUse && role === 'assistant') {
      const t = tools.findLast((x) => x.index === data.contentBlockIndex);
      if (t) t.input += data.delta.toolUse.input ?? '';
    } else if (
      step.event === 'contentBlockStart' &&
      data.start?.toolResult &&
      denied.has(data.start.toolResult.toolUseId)
    ) {
      const id = data.start.toolResult.toolUseId as string;
      skipping.set(data.contentBlockIndex, denied.get(id)!);
      out.push({
        ...step,
        data: { ...data, start: { toolResult: { ...data.start.toolResult, status: 'error' } } },
      });
      out.push({
        event: 'contentBlockDelta',
        data: {
          contentBlockIndex: data.contentBlockIndex,
          delta: { toolResult: [{ text: denied.get(id)! }] },
        },
      });
      continue;
    } else if (
      step.event === 'contentBlockDelta' &&
      skipping.has(data.contentBlockIndex) &&
      data.delta?.toolResult
    ) {
      continue;
    } else if (step.event === 'contentBlockStop') {
      skipping.delete(data.contentBlockIndex);
    }
    out.push(step);
    if (step.event === 'messageStop' && role === 'assistant' && data.stopReason === 'tool_use') {
      // Tools of one response run in order; each one's before_tool_call hooks run before it does.
      for (const t of tools) {
        const r = await fire('before_tool_call', {
          toolName: t.name,
          toolType: TOOL_TYPE[t.type ?? ''] ?? 'builtin',
          toolInput: parse(t.input),
          toolUseId: t.toolUseId,
        });
        out.push(...r.events);
        if (!r.denied) continue;
        if (t.type === 'tool_use')
          throw new Error(
            'the harness emulator does not model a before_tool_call hook denying an inline function',
          );
        denied.set(
          t.toolUseId,
          `Tool call denied by hook ${r.denied.name}: ${r.denied.reason ?? 'no reason given'}`,
        );
      }
    }
  }
  return out;
}

/** The parts of stream frames the hooks read. */
interface Frame {
  role?: string;
  stopReason?: string;
  contentBlockIndex: number;
  start?: {
    toolUse?: { toolUseId: string; name: string; type?: string };
    toolResult?: { toolUseId: string; status?: string };
  };
  delta?: { toolUse?: { input?: string }; toolResult?: unknown };
}

/** The stream's toolUse type → the hook payload's toolType (harness-lifecycle-hooks lists the latter). */
const TOOL_TYPE: Record<string, string> = {
  server_tool_use: 'builtin',
  mcp_tool_use: 'remote_mcp',
  tool_use: 'inline_function',
};

async function decide(
  hooks: readonly EmulatedHook[],
  event: HookEventType,
  context: Record<string, unknown>,
  where: Where,
  calls: HookCall[],
): Promise<{ events: Step[]; denied?: { name: string; reason?: string } }> {
  const results = await Promise.all(
    hooks.map(async (h) => {
      const hookEventId = randomUUID();
      const payload = {
        hookEventId,
        name: h.name,
        event,
        harnessArn: where.harnessArn,
        sessionId: where.sessionId,
        // The Lambda gets JSON: whatever does not survive serialization does not reach it.
        context: JSON.parse(JSON.stringify(context)) as Record<string, unknown>,
      };
      const call: HookCall = { name: h.name, payload, applied: h.failureMode ?? 'deny' };
      try {
        call.answer = await invoke(h, payload);
        const a = call.answer as { decision?: unknown; reason?: unknown } | null;
        if (a && typeof a === 'object' && (a.decision === 'allow' || a.decision === 'deny')) {
          call.applied = a.decision;
          if (typeof a.reason === 'string') call.reason = a.reason.slice(0, 1024);
        }
      } catch (err) {
        call.error = err instanceof Error ? err.message : String(err);
      }
      calls.push(call);
      return { hookEventId, call };
    }),
  );
  const events: Step[] = results.map(({ hookEventId, call }) => ({
    event: 'hookEvent',
    data: {
      hookEventId,
      name: call.name,
      type: event,
      decision: call.applied,
      ...(call.reason !== undefined ? { reason: call.reason } : {}),
    },
  }));
  const first = results.find((r) => r.call.applied === 'deny')?.call;
  return { events, ...(first ? { denied: { name: first.name, reason: first.reason } } : {}) };
}

function invoke(h: EmulatedHook, payload: unknown): Promise<unknown> {
  const ms = (h.timeoutSeconds ?? 60) * 1000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hook ${h.name} timed out after ${ms} ms`)), ms);
    Promise.resolve()
      .then(() => h.lambda(payload))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
