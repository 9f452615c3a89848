/**
 * DATA_DIR problems with the embedded store, with the bot as a child process: an unusable DATA_DIR
 * is a clear startup error (no stack trace), and a disk that fills up while the bot runs does not
 * crash it: requests are refused with an explanation (nothing acknowledged that was not stored),
 * /healthz keeps answering and /readyz reports the store.
 *
 * The read-only and full-disk cases mount a small tmpfs, which needs root (CAP_SYS_ADMIN); where
 * mounting is not allowed they are skipped, and say so.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { freePort } from '../helpers/processes.ts';
import { CHANNEL, HARNESS_ARN, SIGNING_SECRET, USER } from '../helpers/rig.ts';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'bot-datadir-'));

function canMount(): boolean {
  const dir = join(scratch, 'probe');
  mkdirSync(dir, { recursive: true });
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  return ok;
}
const mountable = canMount();
if (!mountable)
  console.warn(
    'data-dir test: cannot mount a tmpfs here (needs root); read-only and full-disk cases skipped',
  );

function mountTmpfs(dir: string, sizeMb: number, readOnly = false): void {
  mkdirSync(dir, { recursive: true });
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]).status).toBe(0);
  mkdirSync(join(dir, 'dynamodb'));
  if (readOnly) expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
}

function startBotProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number>;
} {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 128)));
  return { child, output: () => out, exit };
}

describe('DATA_DIR', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a DATA_DIR that is a file stops the bot with a clear message and no stack trace', async () => {
    const file = join(scratch, 'not-a-dir');
    writeFileSync(file, 'x');
    const bot = startBotProcess({
      SLACK_BOT_TOKEN: 'xoxb-1-x',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATA_DIR: file,
      PORT: '0',
    });
    expect(await bot.exit).toBe(1);
    expect(bot.output()).toContain(`DATA_DIR "${file}" is not a directory`);
    expect(bot.output()).not.toMatch(/\n\s+at .*:\d+:\d+/);
  }, 60_000);

  it.skipIf(!mountable)(
    'a read-only DATA_DIR stops the bot with a clear message and no stack trace',
    async () => {
      const dir = join(scratch, 'ro');
      mountTmpfs(dir, 1, true);
      cleanups.push(() => void spawnSync('umount', [dir]));
      const bot = startBotProcess({
        SLACK_BOT_TOKEN: 'xoxb-1-x',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        DATA_DIR: dir,
        PORT: '0',
      });
      expect(await bot.exit).toBe(1);
      expect(bot.output()).toContain('is on a read-only file system');
      expect(bot.output()).not.toMatch(/\n\s+at .*:\d+:\d+/);
    },
    60_000,
  );

  it.skipIf(!mountable)(
    'a disk that fills up: the bot keeps running, refuses new work with an explanation, /healthz answers and /readyz reports the store',
    async () => {
      const dir = join(scratch, 'full');
      mountTmpfs(dir, 4);
      cleanups.push(() => void spawnSync('umount', ['-l', dir]));
      const slack = new FakeSlack();
      await slack.start();
      cleanups.push(() => slack.stop());
      const harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
      await harness.start();
      cleanups.push(() => harness.stop());
      const port = await freePort();
      const bot = startBotProcess({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: slack.apiUrl,
        AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
        DATA_DIR: dir,
        PORT: String(port),
      });
      cleanups.push(async () => {
        if (bot.child.exitCode === null) {
          bot.child.kill('SIGKILL');
          await bot.exit;
        }
      });
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 45_000;
      while (
        !(await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline || bot.child.exitCode !== null)
          throw new Error(`the bot did not start:\n${bot.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      slack.connectApp({ url: `${base}/slack/events`, signingSecret: SIGNING_SECRET });

      // Fill the disk to the last byte.
      const free = statfsSync(dir);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, Number(free.bavail * free.bsize) - 4096)));
      for (let i = 0; ; i++) {
        try {
          writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(512));
        } catch {
          break;
        }
      }

      // Writes that still fit in pages the store already holds succeed (they are stored); keep asking
      // until the disk refuses one. Every command is acknowledged at once, then either started (its
      // root message appears) or refused with an explanation (privately, through its response_url).
      const cannotRecord = (from: number) =>
        slack.ephemerals.slice(from).find((e) => e.text.includes('can’t record this request'));
      let refused: string | undefined;
      for (let i = 0; i < 80 && !refused; i++) {
        const from = slack.ephemerals.length;
        const r = await slack
          .slashCommand({ command: '/assess', text: `eks full-disk-${i}`, user: USER, channel: CHANNEL })
          .catch((err) => {
            throw new Error(`command ${i}: the bot stopped answering (${err})
${bot.output()}`);
          });
        expect(r.status).toBe(200);
        expect(r.ms).toBeLessThan(3_000);
        await slack.waitFor(
          () =>
            cannotRecord(from) ||
            slack.rootMessages(CHANNEL).some((m) => m.text.includes(`full-disk-${i}\``)),
          20_000,
          `command ${i} started or refused`,
        );
        refused = cannotRecord(from)?.text;
      }
      expect(refused).toContain('can’t record this request');
      const posts = slack.callsTo('chat.postMessage').length;
      const from = slack.ephemerals.length;
      await slack.slashCommand({
        command: '/assess',
        text: 'eks after-full',
        user: USER,
        channel: CHANNEL,
      });
      await slack.waitFor(() => cannotRecord(from), 20_000, 'the cannot-record note');
      // A signed follow-up-like event is taken (acked) and the bot is still alive afterwards.
      const body = JSON.stringify({ type: 'url_verification', challenge: 'alive' });
      const ts = Math.floor(Date.now() / 1000);
      const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      const alive = await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': sig,
        },
        body,
      });
      expect(alive.status).toBe(200);
      expect(slack.callsTo('chat.postMessage').length).toBe(posts);
      expect(bot.child.exitCode).toBeNull();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 5_200)); // past the readiness cache
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: { store: string } }).checks.store).toMatch(/unreachable/);
    },
    120_000,
  );
});
