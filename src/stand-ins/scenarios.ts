/**
 * Scripted agents for the harness emulator (the EKS assessment, the FIS approval flow, an agent that recalls its
 * session) built from the step builders in scenario-steps.ts, which this module re-exports for tests.
 */
import type { Invocation, Reply, Scenario } from './harness-emulator.ts';
import { userText } from './harness-emulator.ts';
import { answer, assistantText, nextToolUseId, toolCall, usage } from './scenario-steps.ts';

export {
  answer,
  assistantText,
  hookDeniedTool,
  reasoning,
  toolCall,
  toolsReusingIndex,
  usage,
} from './scenario-steps.ts';

export const EKS_REPORT = `## EKS assessment: my-cluster (us-west-2)

**Score: 78 / 100** — 31 checks passed, 6 failed, 2 could not be assessed.

### High
- **Cluster endpoint is public without CIDR restrictions.** \`endpointPublicAccess=true\`, \`publicAccessCidrs=["0.0.0.0/0"]\`. Restrict it to your office and CI ranges, or make the endpoint private.
- **3 deployments run a single replica** (\`checkout\`, \`payments\`, \`cart\`). Scale them to at least 2 and add PodDisruptionBudgets.

### Medium
- **No resource requests on 11 containers.** The scheduler cannot place them reliably; set CPU and memory requests.
- **Control plane logging is off for \`audit\` and \`authenticator\`.**

| Pillar | Passed | Failed |
|---|---|---|
| Security | 8 | 2 |
| Reliability | 9 | 3 |

\`\`\`bash
kubectl get deploy -A -o json | jq -r '.items[] | select(.spec.replicas == 1) | .metadata.name'
\`\`\`
`;

/** A realistic EKS assessment stream: shell and MCP tool use, then the report. */
export function eksAssessment(opts: { delayMs?: number } = {}): Reply {
  const d = opts.delayMs;
  return answer(EKS_REPORT, {
    delayMs: d,
    tools: [
      toolCall(
        'shell',
        { command: 'aws eks describe-cluster --name my-cluster --region us-west-2' },
        '{"cluster":{"version":"1.31"}}',
        { delayMs: d },
      ),
      toolCall(
        'shell',
        { command: 'kubectl get nodes -o wide' },
        'NAME STATUS ROLES AGE VERSION\nip-10-0-1-5 Ready',
        {
          delayMs: d,
        },
      ),
      toolCall(
        'aws___search_documentation',
        { search_phrase: 'EKS best practices pod disruption budgets' },
        '[{"url":"https://docs.aws.amazon.com/eks/latest/best-practices/"}]',
        { serverName: 'aws-knowledge-mcp', delayMs: d },
      ),
    ],
  });
}

/** Picks a plausible reply from the prompt, for runs no test scripted. */
export const demoScenario: Scenario = (inv) => {
  const text = userText(inv);
  if (/eks-workload-best-practice-assessment/.test(text)) return eksAssessment({ delayMs: 20 });
  return answer(`Here is what I found about: ${text.slice(0, 200)}`, { delayMs: 10 });
};

/** The inline approval tool, as the bot offers it. */
export const APPROVAL_TOOL_NAME = 'request_fis_experiment_approval';

/** True when this invocation offered the named inline function. */
export function offered(inv: Invocation, name: string): boolean {
  return (inv.body.tools ?? []).some(
    (t) =>
      (t as { type?: string; name?: string }).type === 'inline_function' &&
      (t as { name?: string }).name === name,
  );
}

/** The toolResult JSON this invocation resumes with, if it is a resume. */
export function resumedResult(inv: Invocation): Record<string, unknown> | undefined {
  const block = inv.body.messages.at(-1)?.content?.find((b) => 'toolResult' in b) as
    | { toolResult: { content?: Array<{ json?: Record<string, unknown>; text?: string }> } }
    | undefined;
  const c = block?.toolResult.content?.[0];
  if (!c) return undefined;
  return c.json ?? (c.text ? (JSON.parse(c.text) as Record<string, unknown>) : undefined);
}

/** The agent pauses the turn by calling the approval tool (an inline function the bot runs). */
export function requestApproval(
  input: { experimentTemplateId: string; region: string; summary?: string; expectedImpact?: string },
  preface = 'Pre-flight checks passed: the stop alarm is OK and the targets resolve to 1 instance. Requesting approval.',
): Reply {
  const toolUseId = nextToolUseId('tooluse_approval');
  const json = JSON.stringify({
    summary: 'Stop one checkout instance in us-east-1a for 5 minutes to verify the ASG replaces it.',
    expectedImpact: 'Checkout capacity drops by one instance; p99 latency may rise briefly.',
    ...input,
  });
  return {
    steps: [
      { event: 'messageStart', data: { role: 'assistant' } },
      ...assistantText(preface),
      {
        event: 'contentBlockStart',
        data: {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId, name: APPROVAL_TOOL_NAME, type: 'tool_use' } },
        },
      },
      { event: 'contentBlockDelta', data: { contentBlockIndex: 1, delta: { toolUse: { input: json } } } },
      { event: 'contentBlockStop', data: { contentBlockIndex: 1 } },
      { event: 'messageStop', data: { stopReason: 'tool_use' } },
      usage(2400, 180),
    ],
  };
}

/**
 * An FIS execute agent: asks for approval when it can, and on resume reports what the tool result
 * says; it proceeds only on "approved".
 */
/** How the bot's own messages to the agent begin (approval-gate-late.ts). */
const BOT_MESSAGE = '[Message from the Slack bot, not from a person]';

export function fisExecuteAgent(templateId?: string, region?: string): Scenario {
  return (inv) => {
    const result = resumedResult(inv);
    if (result) {
      if (result.decision === 'approved') {
        return answer(
          `Experiment \`${String(result.experimentId)}\` is running (approved by <@${String(result.approver)}>). Monitoring with \`aws fis get-experiment\`: steady state held, the ASG replaced the instance in 94 s. **Result: hypothesis confirmed.**`,
        );
      }
      return answer(
        `The experiment was not started (decision: ${String(result.decision)}). Nothing was changed.`,
      );
    }
    if (!offered(inv, APPROVAL_TOOL_NAME)) {
      return answer(
        'I cannot request approval for an experiment in this conversation, so I will not start anything.',
      );
    }
    // The bot reporting what happened to an approval after the fact: acknowledge, start nothing.
    if (userText(inv).includes(BOT_MESSAGE)) {
      const id = /`(EXP[A-Za-z0-9]+)`/.exec(userText(inv))?.[1] ?? 'the experiment';
      return answer(
        `Correction: FIS created experiment \`${id}\` late, after I reported it not started, and the bot stopped it. Nothing else runs; a new approval is needed to run it.`,
      );
    }
    // Otherwise take the template and region from the request, as the agent would.
    const text = userText(inv);
    // The bot's recovery verdict after the experiment: the report agrees with it.
    if (text.startsWith('[Bot measurement'))
      return answer(`Noted the bot's measurement for the report: ${text.replace(/^\[[^\]]*\]\s*/, '')}`);
    const id = templateId ?? /EXT[A-Za-z0-9]+/.exec(text)?.[0] ?? 'EXT1a2b3c4d5e6f7';
    const where = region ?? /\b[a-z]{2}-[a-z]+-\d\b/.exec(text)?.[0] ?? 'us-east-1';
    return requestApproval({ experimentTemplateId: id, region: where });
  };
}

/**
 * An agent that can only use what it was told in this microVM: its conversation so far and this
 * request. It answers with the cluster names it knows, or says it has no context.
 */
export const recallingAgent: Scenario = (inv) => {
  const seen = [...inv.history, ...inv.body.messages]
    .filter((m) => m.role === 'user')
    .flatMap((m) => m.content.map((b) => (typeof b.text === 'string' ? b.text : '')))
    .join('\n');
  const clusters = [...new Set(seen.match(/\bcluster-[a-z0-9]+\b/g) ?? [])];
  return answer(
    clusters.length > 0
      ? `From this conversation I know about ${clusters.join(', ')}.`
      : 'I have no earlier context in this session.',
  );
};
