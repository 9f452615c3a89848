/**
 * The counting store (dynamo-counter.ts) in a process of its own. Under the scale case's load, in
 * the bench process it competed with the fake Slack and the harness emulator for one event loop and
 * answered late enough for the bot's store timeouts to fire (runs refused as "cannot record"): a
 * stand-in's own overload, which production's remote DynamoDB does not have.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Units } from './dynamo-capacity.ts';
import { type CountingDynamo, startCountingDynamo } from './dynamo-counter.ts';
import type { ThreadEnd } from './run-ends.ts';

type Reply = { type: string; id: number; value?: unknown };

/** Starts the counting store in a child process; the handle asks it over IPC. */
export async function startCountingDynamoProcess(region: string): Promise<CountingDynamoHandle> {
  const here = dirname(fileURLToPath(import.meta.url));
  const child = fork(join(here, 'dynamo-process.ts'), [region], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const ask = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      const on = (m: Reply) => {
        if (m.id !== id) return;
        child.off('message', on);
        resolve(m.value as T);
      };
      child.on('message', on);
      child.send({ type, id });
    });
  const endpoint = await ask<string>('endpoint');
  return {
    endpoint,
    counts: () => ask('counts'),
    units: () => ask('units'),
    serviceMs: () => ask('serviceMs'),
    ends: () => ask('ends'),
    reset: () => ask('reset'),
    close: async () => {
      await ask('close');
      child.kill();
    },
  };
}

export interface CountingDynamoHandle {
  endpoint: string;
  counts(): Promise<Record<string, number>>;
  units(): Promise<Record<string, Units>>;
  serviceMs(): Promise<Record<string, number[]>>;
  ends(): Promise<Record<string, ThreadEnd>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

// In the child: serve the store and answer the parent.
if (process.send && process.argv[1]?.endsWith('dynamo-process.ts')) {
  const store: Promise<CountingDynamo> = startCountingDynamo(process.argv[2] ?? 'us-east-1');
  process.on('message', async (m: { type: string; id: number }) => {
    const d = await store;
    const reply = (value?: unknown) => process.send?.({ type: m.type, id: m.id, value });
    if (m.type === 'endpoint') reply(d.endpoint);
    else if (m.type === 'counts') reply(d.counts());
    else if (m.type === 'units') reply(d.units());
    else if (m.type === 'serviceMs') reply(d.serviceMs());
    else if (m.type === 'ends') reply(d.ends());
    else if (m.type === 'reset') reply(d.reset());
    else if (m.type === 'close') {
      await d.close();
      reply();
      process.exit(0);
    }
  });
}
