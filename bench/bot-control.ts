/** Starting, asking and stopping the bot under test (bench/bot-process.ts) in its own process. */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The V8 heap flags the deployed bot runs with (deploy/Dockerfile's CMD), so the bench measures the
 * process's memory as deployed: without them V8 sizes its heap from this machine's memory (4 GB here,
 * against a 1 GiB task) and lets garbage pile up far longer than the task would.
 */
export function deployedHeapFlags(
  dockerfile = readFileSync(join(here, '..', 'deploy', 'Dockerfile'), 'utf8'),
): string[] {
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
  return argv.filter((a) => /^--max-(old|semi)-space-size=\d+$/.test(a));
}

/** Forks the bot with `env`; resolves with its HTTP port once it is ready. `cpuProfDir`: write a CPU profile there. */
export function startBotProcess(
  env: Record<string, string>,
  cpuProfDir?: string,
): Promise<{ child: ChildProcess; port: number; ports: number[] }> {
  // The sampling interval (V8's default is 1 ms, coarse beside an ack's few hundred µs of CPU).
  const us = process.env.BENCH_CPU_PROF_INTERVAL_US;
  const interval = us ? [`--cpu-prof-interval=${us}`] : [];
  const child = fork(join(here, 'bot-process.ts'), [], {
    execArgv: [
      ...deployedHeapFlags(),
      '--import',
      'tsx',
      ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, ...interval] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bot process exited early (${code})`)));
    child.on('message', (m: { type: string; port?: number; ports?: number[] }) => {
      if (m.type === 'ready') resolve({ child, port: m.port!, ports: m.ports ?? [m.port!] });
    });
  });
}

/** Sends `{ type }` and resolves with the bot's answer of the same type. */
export function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.send({ type });
  });
}

export async function stopBot(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
  }
}
