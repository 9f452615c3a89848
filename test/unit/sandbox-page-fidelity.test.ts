/**
 * The sandbox is as capable as a real install and no more: its fake Slack token has exactly the
 * manifest's bot scopes, and the page can draw every emoji shortcode the bot writes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_BOT_SCOPES } from '../../src/sandbox/people.ts';
// @ts-expect-error: a browser module in plain JavaScript, without type declarations.
import { EMOJI } from '../../src/sandbox/public/emoji.js';
import { MANIFEST_SCOPES } from '../helpers/manifest.ts';

const root = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('sandbox fidelity', () => {
  it("grants the sandbox's fake Slack exactly the bot scopes manifest.yml asks for", () => {
    expect([...MANIFEST_BOT_SCOPES].sort()).toEqual([...MANIFEST_SCOPES].sort());
  });

  it('has an emoji for every :shortcode: the bot writes', () => {
    const used = new Set<string>();
    for (const file of files(join(root, 'src'))) {
      // The doctor prints to a terminal, never to Slack (its ARNs would read as shortcodes).
      if (
        !file.endsWith('.ts') ||
        file.includes(`${join('src', 'sandbox')}`) ||
        file.includes('stand-ins') ||
        file.includes(join('src', 'doctor'))
      )
        continue;
      // Shortcodes in string literals: `:name:` with letters and underscores (not ARNs or times).
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?<![\w:/])[:]([a-z][a-z0-9_+]*[a-z0-9])[:](?![\w/])/g,
      )) {
        used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(5);
    const missing = [...used].filter((name) => !(name in EMOJI));
    expect(missing).toEqual([]);
  });
});
