/**
 * What stops the bot from starting, said in full before it takes traffic: the startup error type,
 * the port-in-use translation and the self-check (the doctor's quick checks plus Bolt's own token check).
 */
import type { App } from '@slack/bolt';
import type { DynamoSessionStore } from '../adapters/session-store.ts';
import type { Config } from '../config.ts';
import { runChecks } from '../doctor/check.ts';
import { explain, QUICK_CHECKS } from '../doctor/checks.ts';
import { WebApiSlackProbe } from '../doctor/slack-probe.ts';

export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(`The bot cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StartupError';
  }
}

/** A listen error as a startup problem: a port in use names the port and the setting that chose it. */
export function portInUse(port: number, setting: string) {
  return (err: unknown): never => {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new StartupError([
        `Port ${port} is already in use: stop the process using it, or set ${setting} to a free port.`,
      ]);
    }
    throw err;
  };
}

/**
 * The doctor's quick checks (src/doctor/checks.ts: the Slack token and the table) before taking traffic;
 * every FAIL becomes one startup problem, in the doctor's words.
 */
export async function selfCheck(app: App, store: DynamoSessionStore, config: Config): Promise<void> {
  const ctx = {
    config,
    slack: new WebApiSlackProbe({
      botToken: config.slack.botToken,
      ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
    }),
    store,
    clusters: [],
    memo: new Map(),
  };
  const findings = await runChecks(QUICK_CHECKS, ctx, explain);
  const problems = findings.filter((f) => f.status === 'FAIL').map((f) => `${f.found}: ${f.fix}`);
  if (!findings.some((f) => f.check === 'slack.token' && f.status === 'FAIL')) {
    // Bolt verifies the token itself too; deferred so its failure lands here, not as a stray rejection.
    await app.init().catch((err: unknown) => {
      const code =
        (err as { data?: { error?: string }; code?: string }).data?.error ?? (err as { code?: string }).code;
      problems.push(
        `Slack rejected SLACK_BOT_TOKEN (${code ?? 'error'}): copy the Bot User OAuth Token again from OAuth & Permissions.`,
      );
    });
  }
  if (problems.length > 0) throw new StartupError(problems);
}
