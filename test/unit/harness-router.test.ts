/** Each thread's calls reach the harness it started on; a harness no longer configured is said so, not swapped. */
import { describe, expect, it } from 'vitest';
import { HarnessRouter, SessionShellRouter } from '../../src/adapters/harness-router.ts';
import type { AgentEvent } from '../../src/core/events.ts';
import type { HarnessInvocation, HarnessPort, SessionShell } from '../../src/core/ports.ts';

class Recorder implements HarnessPort, SessionShell {
  readonly calls: string[] = [];
  constructor(private readonly name: string) {}
  async *invoke(inv: HarnessInvocation): AsyncIterable<AgentEvent> {
    this.calls.push(`invoke ${inv.runtimeSessionId}`);
    yield { type: 'text', text: this.name } as AgentEvent;
  }
  async stopSession(id: string) {
    this.calls.push(`stop ${id}`);
  }
  async run(id: string, command: string) {
    this.calls.push(`run ${id} ${command}`);
    return { stdout: this.name, stderr: '', exitCode: 0, status: 'COMPLETED' };
  }
}

const inv = (harness?: string): HarnessInvocation => ({
  runtimeSessionId: 's1',
  userId: 'U1',
  prompt: 'hi',
  skillPaths: [],
  ...(harness ? { harness } : {}),
});
const events = async (it: AsyncIterable<AgentEvent>) => {
  const out: AgentEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
};

describe('HarnessRouter', () => {
  it('sends invoke, stop and shell calls to the thread’s harness', async () => {
    const main = new Recorder('main');
    const cost = new Recorder('cost');
    const router = new HarnessRouter(main, new Map([['cost', cost]]));
    const shells = new SessionShellRouter(main, new Map([['cost', cost]]));
    await events(router.invoke(inv('cost')));
    await router.stopSession('s1', 'cost');
    expect((await shells.run('s1', 'ls', undefined, 'cost')).stdout).toBe('cost');
    await events(router.invoke(inv()));
    expect(cost.calls).toEqual(['invoke s1', 'stop s1', 'run s1 ls']);
    expect(main.calls).toEqual(['invoke s1']);
  });

  it('fails a thread whose harness is no longer configured, naming it and the settings', async () => {
    const main = new Recorder('main');
    const router = new HarnessRouter(main, new Map());
    const [e] = await events(router.invoke(inv('chaos')));
    expect(e).toMatchObject({ type: 'failed', failure: { code: 'not_found' } });
    const message = (e as { failure: { message: string } }).failure.message;
    expect(message).toContain('"chaos"');
    expect(message).toContain('HARNESSES');
    await expect(new SessionShellRouter(main, new Map()).run('s1', 'ls', undefined, 'chaos')).rejects.toThrow(
      /chaos/,
    );
    expect(main.calls).toEqual([]);
  });
});
