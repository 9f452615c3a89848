/**
 * Startup failures in real mode name the real cause once: an unreachable Slack is one readable
 * message (not retries logged for twenty seconds first), a port in use names the port and the
 * setting to change. The sandbox's own port likewise.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError, startBot } from '../../src/bot.ts';
import { loadConfig, loadSandboxConfig } from '../../src/config.ts';
import type { Logger } from '../../src/core/logger.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { freePort } from '../helpers/processes.ts';
import { HARNESS_ARN, type Rig, startRig } from '../helpers/rig.ts';

/** A logger that keeps what was logged at warn or above. */
function collecting(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (_o, msg) => void lines.push(`warn ${msg ?? ''}`),
    error: (_o, msg) => void lines.push(`error ${msg ?? ''}`),
    child: () => log,
  };
  return { log, lines };
}

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  // Every interface, so both the bot (all interfaces) and the sandbox page (loopback) collide.
  await new Promise<void>((r) => server.listen(0, () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('startup messages', () => {
  let rig: Rig | undefined;
  let busy: Server | undefined;
  afterEach(async () => {
    busy?.close();
    busy = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('an unreachable Slack is one readable message, at once', async () => {
    const closed = await freePort();
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: `http://127.0.0.1:${closed}/api/`,
      HARNESS_ARN,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'startup-')),
    });
    const { log, lines } = collecting();
    const started = Date.now();
    const err = await startBot(config, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).problems).toEqual([
      expect.stringMatching(/Slack could not be reached .*127\.0\.0\.1:\d+/),
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lines).toEqual([]);
  }, 30_000);

  it('a port in use names the port and PORT', async () => {
    rig = await startRig();
    const taken = await occupy();
    busy = taken.server;
    const config = loadConfig({
      SLACK_BOT_TOKEN: rig.slack.botToken,
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: rig.slack.apiUrl,
      HARNESS_ARN,
      PORT: String(taken.port),
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'startup-')),
    });
    const err = await startBot(config, collecting().log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).message).toContain(`Port ${taken.port} is already in use`);
    expect((err as StartupError).message).toContain('PORT');
  }, 30_000);

  it("the sandbox page's port in use names the port and SANDBOX_PORT", async () => {
    const taken = await occupy();
    busy = taken.server;
    const settings = loadSandboxConfig({ SANDBOX_PORT: String(taken.port), LOG_LEVEL: 'silent' });
    const err = await startSandbox(settings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).message).toContain(`Port ${taken.port} is already in use`);
    expect((err as StartupError).message).toContain('SANDBOX_PORT');
  }, 60_000);
});
