/**
 * Runtime sessions as AgentCore keeps them: one microVM per session id, holding the agent's
 * conversation and its files. What the emulator copies from the service:
 * - A session idle longer than the harness's `idleRuntimeSessionTimeout` (default 900 s) is
 *   terminated; the next call with the same id silently gets a new microVM with an empty
 *   conversation (no memory is attached in the emulator, the strictest case: aws/agentcore-cli#1218
 *   reports context lost even with memory configured).
 * - Idle means no agent loop is running. A loop keeps running when the client disconnects: session
 *   activity follows the agent, not the HTTP connection (runtime-lifecycle-settings).
 * - StopRuntimeSession terminates the microVM at once and ends the streams in flight.
 */

/** A message the agent holds in its conversation. */
export interface ConversationMessage {
  role: string;
  content: Array<Record<string, unknown>>;
}

export interface RuntimeSession {
  id: string;
  /** Counts the microVMs this session id has had; a recycle or a stop starts the next one. */
  microVm: number;
  /** Everything the agent saw and said in this microVM. */
  conversation: ConversationMessage[];
  files: Map<string, string>;
  lastActiveAt: number;
  /** Agent loops running in this microVM. */
  running: Set<AbortController>;
  /** The reasoning of the assistant message paused on an inline call, which its resume must replay. */
  pausedReasoning?: Array<{ text: string; signature?: string }>;
}

export interface RuntimeSessionsOptions {
  /** idleRuntimeSessionTimeout in milliseconds. */
  idleMs: number;
  now: () => number;
}

export class RuntimeSessions {
  private readonly live = new Map<string, RuntimeSession>();
  private readonly vms = new Map<string, number>();
  /** Session ids whose microVM was terminated for idleness, in order. */
  readonly recycled: string[] = [];
  /** Session ids terminated by StopRuntimeSession, in order. */
  readonly stopped: string[] = [];

  constructor(private readonly o: RuntimeSessionsOptions) {}

  /** The session's live microVM, or a new one (cold start) when it has none or it sat idle too long. */
  open(id: string): RuntimeSession {
    const existing = this.current(id);
    if (existing) return existing;
    const microVm = (this.vms.get(id) ?? 0) + 1;
    this.vms.set(id, microVm);
    const s: RuntimeSession = {
      id,
      microVm,
      conversation: [],
      files: new Map(),
      lastActiveAt: this.o.now(),
      running: new Set(),
    };
    this.live.set(id, s);
    return s;
  }

  /** The live microVM of a session, if it has one (after applying the idle timeout). */
  current(id: string): RuntimeSession | undefined {
    const s = this.live.get(id);
    if (!s) return undefined;
    if (s.running.size === 0 && this.o.now() - s.lastActiveAt > this.o.idleMs) {
      this.terminate(s);
      this.recycled.push(id);
      return undefined;
    }
    return s;
  }

  /** Runs an agent loop in the session; the session stays active until the loop ends. */
  begin(s: RuntimeSession): AbortController {
    const loop = new AbortController();
    s.running.add(loop);
    s.lastActiveAt = this.o.now();
    return loop;
  }

  end(s: RuntimeSession, loop: AbortController): void {
    s.running.delete(loop);
    s.lastActiveAt = this.o.now();
  }

  touch(s: RuntimeSession): void {
    s.lastActiveAt = this.o.now();
  }

  /** StopRuntimeSession: false when the session has no live microVM. */
  stop(id: string): boolean {
    const s = this.current(id);
    if (!s) return false;
    this.terminate(s);
    this.stopped.push(id);
    return true;
  }

  /** Sessions with a live microVM (they count against the active-session quota). */
  liveCount(): number {
    for (const id of [...this.live.keys()]) this.current(id);
    return this.live.size;
  }

  /** Agent loops running now in this session. */
  runningLoops(id: string): number {
    return this.live.get(id)?.running.size ?? 0;
  }

  private terminate(s: RuntimeSession): void {
    for (const loop of s.running) loop.abort(new Error('session terminated'));
    s.running.clear();
    this.live.delete(s.id);
  }
}
