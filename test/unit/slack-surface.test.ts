/**
 * Every Slack method the bot calls and every event it listens to is declared in manifest.yml with the
 * scope Slack documents for it; the declared list (src/slack/slack-api-surface.ts) is checked against
 * the code, so a new call or listener cannot slip in undeclared.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EVENT_SCOPES, LISTENER_EVENTS, METHOD_SCOPES } from '../../src/slack/slack-api-surface.ts';

const root = join(import.meta.dirname, '..', '..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
  features: { app_home?: { home_tab_enabled?: boolean }; agent_view?: unknown };
};
const scopes = new Set(manifest.oauth_config.scopes.bot);
const events = new Set(manifest.settings.event_subscriptions.bot_events);

/** The bot's own code: not the stand-ins or the sandbox (they play Slack), not tests. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'stand-ins' || f === 'sandbox' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function used(): { methods: Set<string>; listeners: Set<string> } {
  const methods = new Set<string>();
  const listeners = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bclient\s*\.\s*([a-z]+(?:\s*\.\s*[a-zA-Z]+)+)\s*\(/g))
      methods.add(m[1]!.replace(/\s/g, ''));
    for (const m of text.matchAll(/\.event\(\s*'([a-z_]+)'/g)) listeners.add(m[1]!);
  }
  return { methods, listeners };
}

describe('the Slack surface the bot uses is declared in manifest.yml', () => {
  it('every method the code calls is in the declared list', () => {
    const { methods } = used();
    expect(methods.size).toBeGreaterThan(10);
    // apps.connections.open is the Socket Mode client's, with the app-level token (connections:write).
    expect([...methods].filter((m) => !(m in METHOD_SCOPES)).sort()).toEqual([]);
  });

  it('every declared method’s scope is in the manifest', () => {
    const missing = Object.entries(METHOD_SCOPES)
      .filter(([, scope]) => scope && !scopes.has(scope))
      .map(([m, scope]) => `${m} needs ${scope}`);
    expect(missing).toEqual([]);
  });

  it('every event the code listens to is subscribed, with its scope', () => {
    const { listeners } = used();
    const needed = [...listeners].flatMap((l) => LISTENER_EVENTS[l] ?? [`unknown listener ${l}`]);
    expect(needed.filter((e) => !events.has(e))).toEqual([]);
    expect(
      needed
        .filter((e) => EVENT_SCOPES[e] && !scopes.has(EVENT_SCOPES[e]!))
        .map((e) => `${e}: ${EVENT_SCOPES[e]}`),
    ).toEqual([]);
    // And nothing is subscribed that no listener handles.
    expect([...events].filter((e) => !needed.includes(e))).toEqual([]);
  });

  it('the agent view and the Home tab are switched on', () => {
    expect(manifest.features.agent_view).toBeDefined();
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
  });

  it('the check can fail: a method without a declared scope is reported', () => {
    const fake = { ...METHOD_SCOPES, 'pins.add': 'pins:write' };
    expect(Object.entries(fake).filter(([, s]) => s && !scopes.has(s))).toEqual([['pins.add', 'pins:write']]);
  });
});
