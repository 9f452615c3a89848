/**
 * The task updates a native reply has still to send (reply-stream-native.ts): the latest state of
 * each task, queued until the next call to Slack carries them. Kept apart from the stream's lifecycle
 * because both a send and its failure touch it: a call takes what is queued, and a call that fails
 * gives back what was not superseded meanwhile, so a newer state of a task is never overwritten by an
 * older one.
 */
import type { StreamChunkTask } from './ports.ts';

/** The task that shows the reply is being worked on, opened with the first streamed message. */
const STATUS_TASK = 'reply-status';

export function statusTask(status: StreamChunkTask['status']): StreamChunkTask {
  return { type: 'task_update', id: STATUS_TASK, title: 'Working on it', status };
}

export class PendingTasks {
  private readonly tasks = new Map<string, StreamChunkTask>();

  /** Queues a task's latest state (Slack shows at most 250 characters of a title or output). */
  set(id: string, title: string, status: StreamChunkTask['status'], output?: string): void {
    this.tasks.set(id, {
      type: 'task_update',
      id,
      title: title.slice(0, 250),
      status,
      ...(output ? { output: output.slice(0, 250) } : {}),
    });
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Takes every queued update, for one call. */
  take(): StreamChunkTask[] {
    const out = [...this.tasks.values()].map((t) => ({ ...t }));
    this.tasks.clear();
    return out;
  }

  /** Puts back the updates of a call that did not land, unless a newer state was queued since. */
  giveBack(tasks: StreamChunkTask[]): void {
    for (const t of tasks) if (!this.tasks.has(t.id)) this.tasks.set(t.id, t);
  }
}
