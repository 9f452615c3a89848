/**
 * Closing the chaos loop: chaos research and the EKS assessment mark each proposed experiment "runnable
 * now" only when the deployed FIS experiment role supports its action, and otherwise name IAM actions that
 * exist and that the synthesized role really lacks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIS_SUPPORTED_ACTIONS } from '../../deploy/lib/fis-contract.ts';
import {
  actionInCatalogue,
  evaluate,
  identityPoliciesOf,
  principalOf,
} from '../../deploy/test/helpers/iam-eval.ts';
import { logicalId, synth } from '../../deploy/test/helpers/synth.ts';
import { SKILLS } from '../../src/core/skills.ts';
import { fisIds } from './lint.ts';
import { loadSkill, SKILLS_DIR } from './load.ts';

const s = synth();
afterAll(() => s.cleanup());
const fisId = logicalId(s.json, 'AWS::IAM::Role', 'FisExperimentRole');
const fisRole = identityPoliciesOf(s.json, fisId);
const fisPrincipal = principalOf(s.json, fisId);
const supported = [...FIS_SUPPORTED_ACTIONS].sort();

const chaos = loadSkill(SKILLS.chaos);
const eks = loadSkill(SKILLS.eks);
const text = (skill: typeof chaos, rel: string) => skill.files.find((f) => f.rel === rel)!.text;
const iamActions = (cell: string) =>
  [...cell.matchAll(/`([a-z0-9-]+:[A-Z][A-Za-z0-9]+)`/g)].map((m) => m[1]!);

/** Not allowed for the deployed experiment role on any sample resource, even when the target is tagged. */
async function roleLacks(action: string): Promise<boolean> {
  const results = await evaluate(fisRole, fisPrincipal, { action });
  return results.every((r) => r.decision !== 'Allowed');
}

describe('chaos research', () => {
  const runnable = text(chaos, 'references/runnable.md');

  it('is told to mark every candidate and where the rules are', () => {
    expect(chaos.body).toContain('[references/runnable.md](references/runnable.md)');
    expect(chaos.body).toMatch(/`runnable now`, `needs the opt-in tag` or `needs the role\s+extended`/);
  });

  it('lists as runnable exactly the actions the deployed role supports', () => {
    const section = runnable.split(/^## Supported by the deployed role$/m)[1]!.split(/^## /m)[0]!;
    expect([...new Set(fisIds(section))].sort()).toEqual(supported);
    // The prepare skill's FIS actions catalogue marks the same ones (its validator relies on that flag).
    const catalogue = JSON.parse(
      readFileSync(join(SKILLS_DIR, SKILLS.fisPrepare, 'assets', 'fis-actions.json'), 'utf8'),
    ) as { actions: Record<string, { deployedRole?: boolean }> };
    const flagged = Object.entries(catalogue.actions)
      .filter(([, a]) => a.deployedRole)
      .map(([id]) => id);
    expect(flagged.sort()).toEqual(supported);
  });

  it('names, for actions outside it, IAM actions that exist and that the role lacks', async () => {
    const table = runnable.split(/^## What extending the role takes$/m)[1]!;
    const rows = table.split('\n').filter((l) => /^\| `aws:/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const [, actionsCell, iamCell] = row.split('|');
      for (const id of fisIds(actionsCell!)) expect(supported, id).not.toContain(id);
      const needed = iamActions(iamCell!);
      expect(needed.length, row).toBeGreaterThan(0);
      for (const a of needed) expect(await actionInCatalogue(a), a).toBe(true);
      // At least one of them is missing from the deployed role, or the verdict would be wrong.
      expect((await Promise.all(needed.map(roleLacks))).some(Boolean), row).toBe(true);
    }
  });

  it('the report JSON carries the verdict, consistent with the supported actions', async () => {
    const template = text(chaos, 'references/report-template.md');
    const json = JSON.parse(/```json\n([\s\S]*?)```/.exec(template)![1]!) as {
      experimentCandidates: { actionId: string; runnable: string; roleExtension: string[] }[];
    };
    expect(json.experimentCandidates.length).toBeGreaterThan(1);
    for (const c of json.experimentCandidates) {
      expect(['runnable now', 'needs the opt-in tag', 'needs the role extended']).toContain(c.runnable);
      expect(c.runnable === 'needs the role extended').toBe(!supported.includes(c.actionId));
      for (const a of c.roleExtension) expect(await actionInCatalogue(a), a).toBe(true);
    }
    expect(template).toMatch(/\| Runnable now\? \|/);
  });
});

describe('EKS assessment', () => {
  const mapping = text(eks, 'references/fail-to-experiment.md');

  it('marks each offered experiment by whether the deployed role supports its action', async () => {
    const rows = mapping.split('\n').filter((l) => /^\| [A-Z]+-\d/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      const action = fisIds(cells[2]!)[0]!;
      const verdict = cells[4]!;
      expect(verdict.startsWith('runnable now'), row).toBe(supported.includes(action));
      if (verdict.startsWith('needs the role extended')) {
        const needed = iamActions(verdict);
        expect(needed.length, row).toBeGreaterThan(0);
        for (const a of needed) expect(await actionInCatalogue(a), a).toBe(true);
        expect((await Promise.all(needed.map(roleLacks))).some(Boolean), row).toBe(true);
      }
    }
  });

  it('names exactly the supported actions, and the skill asks for the marks', () => {
    const prose = mapping.split('The deployed role supports only')[1]!;
    expect([...new Set(fisIds(prose))].sort()).toEqual(supported);
    expect(eks.body).toMatch(/`runnable now` or\s+`needs the role extended`/);
  });
});
