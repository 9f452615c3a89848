import { describe, expect, it } from 'vitest';
import { AgentSessionCloser, type CloseSchedule } from '../../src/core/agent-session-close.ts';
import type { AgentSessionStatus, SessionRecord, SessionStore, ThreadKey } from '../../src/core/ports.ts';
import { createLogger } from '../../src/log.ts';

const key: ThreadKey = { teamId: 'T1', channel: 'C1', threadTs: '1.1' };
const id = (k: ThreadKey) => `${k.teamId}|${k.channel}|${k.threadTs}`;

/** The shared table, as both replicas see it: a take succeeds once per scheduled time. */
function world() {
  const due = new Map<string, { key: ThreadKey; at: number; listed: boolean }>();
  const schedule: CloseSchedule = {
    async put(k, at) {
      due.set(id(k), { key: k, at, listed: true });
    },
    async due(now) {
      return [...due.values()].filter((d) => d.listed && d.at <= now).map((d) => ({ ...d.key, at: d.at }));
    },
    async take(k, at) {
      const d = due.get(id(k));
      if (!d?.listed || d.at !== at) return false;
      d.listed = false;
      return true;
    },
  };
  const record: Partial<SessionRecord> = { ...key, status: 'idle', updatedAt: 0 };
  const sessions = { get: async () => record as SessionRecord } as unknown as SessionStore;
  const statuses: AgentSessionStatus[] = [];
  let clock = 0;
  const closer = () =>
    new AgentSessionCloser({
      schedule,
      sessions,
      agentSessions: {
        setStatus: async (_k, s) => {
          statuses.push(s);
          return { nativeStop: false };
        },
      },
      idleMs: 10_000,
      log: createLogger('silent'),
      now: () => clock,
    });
  return { record, statuses, closer, at: (t: number) => (clock = t) };
}

describe('AgentSessionCloser', () => {
  it('closes a session once its harness session idled out, once across replicas', async () => {
    const w = world();
    const [a, b] = [w.closer(), w.closer()];
    await a.idleFrom(key);
    w.at(9_000);
    expect(await a.sweep()).toBe(0);
    w.at(10_000);
    const closed = (await Promise.all([a.sweep(), b.sweep()])).reduce((x, y) => x + y);
    expect(closed).toBe(1);
    expect(w.statuses).toEqual(['closed']);
  });

  it('a thread used again before then is closed only at its new idle time', async () => {
    const w = world();
    const a = w.closer();
    await a.idleFrom(key);
    w.record.updatedAt = 8_000; // a follow-up ended at 8 s
    w.at(10_000);
    expect(await a.sweep()).toBe(0);
    w.at(18_000);
    expect(await a.sweep()).toBe(1);
    expect(w.statuses).toEqual(['closed']);
  });

  it('a thread running again (or awaiting an approval) is not closed: its own end schedules the next close', async () => {
    const w = world();
    const a = w.closer();
    await a.idleFrom(key);
    w.record.status = 'running';
    w.at(20_000);
    expect(await a.sweep()).toBe(0);
    expect(w.statuses).toEqual([]);
  });
});
