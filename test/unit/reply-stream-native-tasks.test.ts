import { describe, expect, it } from 'vitest';
import { PendingTasks, statusTask } from '../../src/core/reply-stream-native-tasks.ts';

describe('a native reply’s pending task updates', () => {
  it('a call takes every queued update, the latest state of each task', () => {
    const q = new PendingTasks();
    q.set('t1', 'Describe cluster', 'in_progress');
    q.set('t1', 'Describe cluster', 'complete', 'ok');
    q.set('t2', 'List node groups', 'pending');
    expect(q.take()).toEqual([
      { type: 'task_update', id: 't1', title: 'Describe cluster', status: 'complete', output: 'ok' },
      { type: 'task_update', id: 't2', title: 'List node groups', status: 'pending' },
    ]);
    expect(q.size).toBe(0);
  });

  it('a call that failed gives its updates back, but never over a newer state of the same task', () => {
    const q = new PendingTasks();
    q.set('t1', 'Describe cluster', 'in_progress');
    q.set('t2', 'List node groups', 'in_progress');
    const sent = q.take();
    q.set('t1', 'Describe cluster', 'complete');
    q.giveBack(sent);
    expect(q.take().map((t) => [t.id, t.status])).toEqual([
      ['t1', 'complete'],
      ['t2', 'in_progress'],
    ]);
  });

  it('cuts titles and outputs to the 250 characters Slack shows', () => {
    const q = new PendingTasks();
    q.set('t1', 'x'.repeat(300), 'complete', 'y'.repeat(300));
    const [t] = q.take();
    expect([t?.title.length, t?.output?.length]).toEqual([250, 250]);
    expect(statusTask('error')).toMatchObject({ id: 'reply-status', status: 'error' });
  });
});
