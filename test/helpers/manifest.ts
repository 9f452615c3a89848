/**
 * manifest.yml as tests read it: the one declaration of the Slack app. Tests that need "the scopes and events a
 * correct install has" read them here, so a test app never drifts from what an admin installs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Manifest {
  features: { slash_commands: Array<{ command: string; description: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean };
    event_subscriptions: { bot_events: string[] };
  };
}

export const manifest = parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'manifest.yml'), 'utf8'),
) as Manifest;

/** The bot scopes an install grants. */
export const MANIFEST_SCOPES: readonly string[] = manifest.oauth_config.scopes.bot;
/** The bot events the app subscribes to. */
export const MANIFEST_BOT_EVENTS: readonly string[] = manifest.settings.event_subscriptions.bot_events;
