/**
 * One harness per function: routes each call to the harness its thread started on (the session
 * record's `harness`, a HARNESSES id; unset means the default harness). A thread whose harness is no
 * longer configured fails with a message that says so, rather than silently moving to another agent.
 */
import type { AgentEvent } from '../core/events.ts';
import type { HarnessInvocation, HarnessPort, SessionShell } from '../core/ports.ts';

function unknownHarness(id: string): string {
  return `This thread ran on the harness "${id}", which this bot is no longer configured with (HARNESSES / HARNESS_ARNS). Start a new run with the command.`;
}

export class HarnessRouter implements HarnessPort {
  constructor(
    private readonly fallback: HarnessPort,
    private readonly named: ReadonlyMap<string, HarnessPort>,
  ) {}

  private pick(id: string | undefined): HarnessPort | undefined {
    return id === undefined ? this.fallback : this.named.get(id);
  }

  async *invoke(inv: HarnessInvocation, signal?: AbortSignal): AsyncIterable<AgentEvent> {
    const target = this.pick(inv.harness);
    if (!target) {
      yield {
        type: 'failed',
        failure: { code: 'not_found', message: unknownHarness(inv.harness!) },
      };
      return;
    }
    yield* target.invoke(inv, signal);
  }

  async stopSession(runtimeSessionId: string, harness?: string): Promise<void> {
    await this.pick(harness)?.stopSession(runtimeSessionId);
  }
}

export class SessionShellRouter implements SessionShell {
  constructor(
    private readonly fallback: SessionShell,
    private readonly named: ReadonlyMap<string, SessionShell>,
  ) {}

  run(runtimeSessionId: string, command: string, timeoutSeconds?: number, harness?: string) {
    const target = harness === undefined ? this.fallback : this.named.get(harness);
    if (!target) return Promise.reject(new Error(unknownHarness(harness!)));
    return target.run(runtimeSessionId, command, timeoutSeconds);
  }
}
