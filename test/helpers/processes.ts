/** `npm start` as a child process (its own process group), and free ports for it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface NpmStart {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number>;
  /** Sends a signal to npm and everything it started (a no-op once they are gone). */
  signal(sig: NodeJS.Signals): void;
}

export function npmStart(env: Record<string, string>): NpmStart {
  let out = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a signal reaches npm's child (tsx, node) too, as Ctrl+C does in a terminal.
    detached: true,
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number>((resolve) =>
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : -1))),
  );
  return {
    child,
    output: () => out,
    exit,
    signal(sig) {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already exited
      }
    },
  };
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
