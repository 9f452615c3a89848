/**
 * The bot's timers: the reaper (runs whose owner's lease lapsed become interrupted, with Retry) and the
 * approval sweeper (overdue approvals expire, running experiments are followed) and the closer of idle
 * agent sessions. Any replica may run them all: every change they make is a conditional write.
 */
import type { AgentSessionCloser } from '../core/agent-session-close.ts';
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';
import type { Runner } from '../core/runner.ts';

export async function startBackground(
  runner: Runner,
  gate: ApprovalGate | undefined,
  timing: { leaseMs: number; approvalTtlMs: number; sessionIdleMs?: number },
  log: Logger,
  closer?: AgentSessionCloser,
): Promise<() => void> {
  // Agent sessions whose harness session idled out are closed in Slack (any replica; one wins each).
  const idleMs = timing.sessionIdleMs ?? 0;
  const closing =
    closer && idleMs > 0
      ? setInterval(
          () => void closer.sweep().catch((err) => log.warn({ err }, 'closing idle agent sessions failed')),
          Math.min(60_000, Math.max(500, Math.floor(idleMs / 4))),
        )
      : undefined;
  closing?.unref();
  await runner.reap().catch((err) => log.warn({ err }, 'startup reap failed'));
  const reaper = setInterval(
    () => void runner.reap().catch((err) => log.warn({ err }, 'reap failed')),
    Math.max(500, Math.floor(timing.leaseMs / 2)),
  );
  reaper.unref();

  const sweepMs = Math.min(15_000, Math.max(500, Math.floor(timing.approvalTtlMs / 5)));
  let sweeping = false;
  const sweeper = gate
    ? setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        gate
          .sweep()
          .catch((err) => log.warn({ err }, 'approval sweep failed'))
          .finally(() => {
            sweeping = false;
          });
      }, sweepMs)
    : undefined;
  sweeper?.unref();
  return () => {
    if (sweeper) clearInterval(sweeper);
    if (closing) clearInterval(closing);
    clearInterval(reaper);
  };
}
