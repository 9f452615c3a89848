/**
 * The bot's timers: the reaper (runs whose owner's lease lapsed become interrupted, with Retry) and the
 * approval sweeper (overdue approvals expire, running experiments are followed). Any replica may run
 * both: every change they make is a conditional write.
 */
import type { ApprovalGate } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';
import type { Runner } from '../core/runner.ts';

export async function startBackground(
  runner: Runner,
  gate: ApprovalGate | undefined,
  timing: { leaseMs: number; approvalTtlMs: number },
  log: Logger,
): Promise<() => void> {
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
    clearInterval(reaper);
  };
}
