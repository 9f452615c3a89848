/**
 * The session table: the configured DynamoDB table, or (SESSIONS_TABLE unset) the embedded store,
 * started here and closed by whoever owns it (a shared one belongs to another replica).
 */
import {
  DataDirError,
  EMBEDDED_CREDENTIALS,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '../adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../adapters/session-store.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import { StartupError } from './startup.ts';

export interface OpenedStore {
  store: DynamoSessionStore;
  table: string;
  /** Closes the embedded store when this bot started it (nothing otherwise). */
  close(): Promise<void>;
}

export async function openStore(
  config: Config,
  log: Logger,
  hooks: { sharedStore?: EmbeddedDynamo; storeEndpoint?: (endpoint: string) => string },
): Promise<OpenedStore> {
  let embedded: EmbeddedDynamo | undefined = hooks.sharedStore;
  const ownsStore = embedded === undefined;
  let table = config.store.table;
  if (!table) {
    embedded ??= await startEmbeddedDynamo(config.store.dataDir, config.store.region).catch((err) => {
      throw err instanceof DataDirError ? new StartupError([err.message]) : err;
    });
    table = embedded.table;
    log.info(
      { endpoint: embedded.endpoint, dataDir: config.store.dataDir },
      'using the embedded DynamoDB (SESSIONS_TABLE not set)',
    );
  }
  const store = new DynamoSessionStore({
    table,
    region: config.store.region,
    ttlDays: config.store.ttlDays,
    ...(embedded
      ? {
          endpoint: hooks.storeEndpoint?.(embedded.endpoint) ?? embedded.endpoint,
          credentials: EMBEDDED_CREDENTIALS,
        }
      : {}),
  });
  return {
    store,
    table,
    close: async () => {
      if (ownsStore) await embedded?.close();
    },
  };
}
