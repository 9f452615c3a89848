/**
 * The layering rules in .dependency-cruiser.cjs, enforced on src/ in `npm test`. The second test runs the
 * same rules over test/fixtures/layering, which breaks each rule once, so a rule that stopped matching
 * (a renamed folder, a typo in a path pattern) fails here instead of passing silently.
 */
import path from 'node:path';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

async function violations(baseDir: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(path.join(root, 'tsconfig.json'));
  const { output } = await cruise(
    ['src'],
    { ...options, validate: true, baseDir },
    { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    { tsConfig },
  );
  return (output as ICruiseResult).summary.violations;
}

function describeViolation(v: IViolation): string {
  const via = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

describe('layering', () => {
  it('src/ follows every rule: one-way data flow, no cycles, nothing points upward', async () => {
    const found = (await violations(root)).map(describeViolation);
    expect(found).toEqual([]);
  }, 60_000);

  it('each rule catches the violation planted for it in test/fixtures/layering', async () => {
    const found = (await violations(path.join(root, 'test/fixtures/layering'))).map(
      // A package resolves from the fixture folder up to the repository's node_modules.
      (v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^(\.\.\/)+/, '')}`,
    );
    expect(found.sort()).toEqual(
      [
        'adapters-no-slack-surface: src/adapters/uses-slack.ts → src/slack/surface.ts',
        'compose-only-from-root: src/slack/uses-compose.ts → src/compose/wiring.ts',
        'core-no-edges: src/core/uses-adapter.ts → src/adapters/plain.ts',
        'core-no-sdk: src/core/uses-sdk.ts → node_modules/@aws-sdk/client-fis/dist-cjs/index.js',
        'no-cycles: src/core/cycle-a.ts → src/core/cycle-b.ts',
        'no-stand-ins-in-src: src/alerts/uses-stand-in.ts → src/stand-ins/fake.ts',
      ].sort(),
    );
    // Every rule in the config is exercised by the fixture.
    const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'));
    const ruleNames = (options.ruleSet?.forbidden ?? []).map((r) => r.name).sort();
    expect([...new Set(found.map((f) => f.split(':')[0]))].sort()).toEqual(ruleNames);
  }, 60_000);
});
