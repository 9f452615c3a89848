// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Dockerfile text, not JS templates
/**
 * deploy/Dockerfile (the bot image), parsed with dockerfile-ast, plus a real compile of src/ with the image's
 * tsconfig to show the build stage's `tsc` step produces runnable JavaScript.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/app.ts';

const df = DockerfileParser.parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'Dockerfile'), 'utf8'));
const instructions = df.getInstructions();
const froms = df.getFROMs();
const finalStage = instructions.slice(instructions.indexOf(froms.at(-1)!));
const text = (i: Instruction) => (i.getArgumentsContent() ?? '').replace(/\s{3,}|\n/g, ' ');
const initial = new Map(
  df.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue()]),
);

describe('deploy/Dockerfile (bot image)', () => {
  it('uses Node 22 pinned by version and digest', () => {
    expect(initial.get('NODE_IMAGE')).toMatch(/^node:22\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$/);
    for (const f of froms) expect(f.getImage()).toBe('${NODE_IMAGE}');
  });

  it('builds the runtime and its dependencies for linux/arm64', () => {
    const runtime = froms.filter((f) => f.getBuildStage() !== 'build');
    expect(runtime.length).toBeGreaterThanOrEqual(2);
    for (const f of runtime) expect(f.getPlatformFlag()?.getValue()).toBe('linux/arm64');
  });

  it('compiles TypeScript in a build stage and ships only production dependencies', () => {
    const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map(text);
    expect(runs).toContain('npx tsc -p deploy/tsconfig.build.json');
    expect(runs.some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    const finalLine = froms.at(-1)!.getRange().start.line;
    const copies = df
      .getCOPYs()
      .filter((c) => c.getRange().start.line > finalLine)
      .map((c) => `--from=${c.getFromFlag()?.getValue() ?? ''} ${text(c)}`);
    expect(copies).toContain('--from=deps /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(finalStage.map(text).join('\n')).not.toMatch(/\btsx\b|src\//);
  });

  it('runs as the unprivileged node user and starts the compiled entry point', () => {
    const users = finalStage.filter((i) => i.getKeyword() === 'USER').map(text);
    expect(users).toEqual(['node']);
    const cmd = finalStage.filter((i) => i.getKeyword() === 'CMD').map(text);
    expect(cmd).toEqual(['["node", "--enable-source-maps", "--max-old-space-size=256", "dist/main.js"]']);
  });

  it('tsconfig.build.json compiles src/ to importable ESM JavaScript', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'bot-build-'));
    try {
      const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      await promisify(execFile)(
        process.execPath,
        [tsc, '-p', 'deploy/tsconfig.build.json', '--outDir', out],
        {
          cwd: REPO_ROOT,
          // A whole-program compile: about 13 s of CPU, but several minutes of wall time when the machine is shared
          // (load average above 20 was seen). The limit only stops a hung compiler; it measures nothing.
          timeout: 240_000,
        },
      );
      const skills = await import(pathToFileURL(path.join(out, 'core', 'skills.js')).href);
      expect(skills.ALL_SKILLS).toHaveLength(7);
      // config.js imports zod and the compiled siblings with rewritten .js specifiers.
      expect(readFileSync(path.join(out, 'config.js'), 'utf8')).not.toMatch(/from '\.{1,2}\/[^']*\.ts'/);
      if (existsSync(path.join(REPO_ROOT, 'src', 'main.ts'))) {
        expect(existsSync(path.join(out, 'main.js'))).toBe(true);
      }
      // `node dist/doctor.js` in the image (a one-off task) runs the doctor.
      expect(existsSync(path.join(out, 'doctor.js'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 250_000);
});
