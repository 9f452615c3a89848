/**
 * The harness side of the composition root: one invoke adapter and one session-shell adapter per
 * configured harness, behind routers that send each thread's turns to the harness it started on.
 */
import { AgentCoreHarness } from '../adapters/harness.ts';
import { HarnessRouter, SessionShellRouter } from '../adapters/harness-router.ts';
import { AgentCoreSessionShell } from '../adapters/session-shell.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import { renderTools, type ToolSpec, unrepeatableTool } from '../harness-catalog.ts';

export function buildHarnesses(
  config: Config,
  log: Logger,
): { harness: HarnessRouter; shell: SessionShellRouter } {
  const h = config.harness;
  const invoke = (arn: string, region: string, tools: ToolSpec[], id?: string) =>
    new AgentCoreHarness({
      harnessArn: arn,
      // The qualifier names an endpoint of the default harness; the others are invoked on DEFAULT.
      qualifier: id ? undefined : h.qualifier,
      region,
      idleTimeoutMs: h.idleTimeoutMs,
      maxRunMs: h.maxRunMs,
      maxIterations: h.maxIterations,
      timeoutSeconds: h.timeoutSeconds,
      throttleRetries: h.throttleRetries,
      startsPerSecond: h.startsPerSecond,
      // Only a list the bot can repeat (config.ts refuses others where the approval gate needs them).
      baseTools: unrepeatableTool(tools) ? [] : renderTools(tools),
      endpoint: h.endpoint,
      credentials: h.credentials,
      log: log.child({ component: 'harness', ...(id ? { harness: id } : {}) }),
    });
  const shellOf = (arn: string, region: string, id?: string) =>
    new AgentCoreSessionShell({
      harnessArn: arn,
      qualifier: id ? undefined : h.qualifier,
      region,
      endpoint: h.endpoint,
      credentials: h.credentials,
    });
  return {
    harness: new HarnessRouter(
      invoke(h.arn, h.region, h.tools),
      new Map(h.others.map((o) => [o.id, invoke(o.arn, o.region, o.tools, o.id)])),
    ),
    shell: new SessionShellRouter(
      shellOf(h.arn, h.region),
      new Map(h.others.map((o) => [o.id, shellOf(o.arn, o.region, o.id)])),
    ),
  };
}
