/**
 * `npm run feedback -- --since 7d [--json]`: the feedback people gave on the agent's answers, per
 * skill (worst first), read from the bot's table (SESSIONS_TABLE, or the embedded store under
 * DATA_DIR when the bot is not running on it).
 */
import { parseArgs } from 'node:util';
import { EMBEDDED_CREDENTIALS, startEmbeddedDynamo } from './adapters/embedded-dynamo.ts';
import { DynamoFeedbackStore } from './adapters/feedback-store.ts';
import { DynamoSessionStore } from './adapters/session-store.ts';
import { ConfigError, loadStoreConfig } from './config.ts';
import { type Feedback, parseSince, summarize } from './core/feedback.ts';

export function report(items: Feedback[], sinceMs: number, json: boolean): string {
  const skills = summarize(items);
  if (json) return JSON.stringify({ since: new Date(sinceMs).toISOString(), skills, items }, null, 2);
  if (items.length === 0) return `No feedback since ${new Date(sinceMs).toISOString()}.`;
  const rows = skills.map(
    (s) =>
      `${s.skill.padEnd(40)} ${String(s.good).padStart(5)} helpful ${String(s.bad).padStart(5)} not helpful  (${Math.round(s.badRatio * 100)}% not helpful)`,
  );
  return [
    `Feedback since ${new Date(sinceMs).toISOString()} (${items.length} verdicts), worst first:`,
    ...rows,
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { since: { type: 'string', default: '7d' }, json: { type: 'boolean', default: false } },
  });
  const span = parseSince(values.since ?? '7d');
  if (span === undefined) {
    console.error(`--since must look like 7d, 24h or 30m (got "${values.since}"). Nothing was read.`);
    return 2;
  }
  let config: ReturnType<typeof loadStoreConfig>;
  try {
    config = loadStoreConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const embedded = config.table ? undefined : await startEmbeddedDynamo(config.dataDir, config.region);
  try {
    const store = new DynamoSessionStore({
      table: config.table ?? embedded!.table,
      region: config.region,
      ttlDays: 30,
      ...(embedded ? { endpoint: embedded.endpoint, credentials: EMBEDDED_CREDENTIALS } : {}),
    });
    const since = Date.now() - span;
    const items = await new DynamoFeedbackStore(store.doc, config.table ?? embedded!.table).since(since);
    console.log(report(items, since, values.json ?? false));
    return 0;
  } finally {
    await embedded?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`Could not read the feedback: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
