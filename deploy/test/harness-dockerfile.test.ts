// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Dockerfile and shell text, not JS templates
/**
 * Static checks of harness-container/Dockerfile and build.sh (Docker cannot build images here): the file is parsed
 * with dockerfile-ast and every supply-chain and AgentCore requirement is asserted on the parse tree.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/app.ts';
import { SKILLS_BASE_PATH } from '../lib/constructs/harness.ts';

const HARNESS_DIR = path.join(REPO_ROOT, 'harness-container');
const text = readFileSync(path.join(HARNESS_DIR, 'Dockerfile'), 'utf8');
const df: Dockerfile = DockerfileParser.parse(text);
const instructions = df.getInstructions();
const runs = instructions.filter((i) => i.getKeyword() === 'RUN');
// Line continuations come back as runs of spaces; fold those (3+) but keep sha256sum's two-space separator.
const content = (i: Instruction) => (i.getArgumentsContent() ?? '').replace(/\s{3,}|\n/g, ' ');

/** The build arguments with their default values (ARGs before and after FROM). */
const args = new Map<string, string>();
for (const a of [...df.getInitialARGs(), ...df.getARGs()]) {
  const p = a.getProperty();
  if (p?.getValue()) args.set(p.getName(), p.getValue()!);
}
const arg = (name: string): string => {
  const v = args.get(name);
  if (v === undefined) throw new Error(`ARG ${name} has no default value`);
  return v;
};
const resolve = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => arg(a ?? b));

/** The RUN instruction whose text includes `needle` (exactly one). */
const runWith = (needle: string): string => {
  const found = runs.map(content).filter((c) => c.includes(needle));
  expect(found, `one RUN containing ${needle}`).toHaveLength(1);
  return found[0]!;
};
/** Asserts `first` appears before `then` in a RUN's text. */
const ordered = (run: string, first: string, then: string) => {
  expect(run.indexOf(first), `${first} present`).toBeGreaterThanOrEqual(0);
  expect(run.indexOf(then), `${then} present`).toBeGreaterThan(run.indexOf(first));
};

const SHA256 = /^[0-9a-f]{64}$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

describe('harness-container/Dockerfile', () => {
  it('every stage is linux/arm64 on Ubuntu 24.04 pinned by tag and digest', () => {
    const froms = df.getFROMs();
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) {
      expect(from.getPlatformFlag()?.getValue()).toBe('linux/arm64');
      const image = resolve(from.getImage() ?? '');
      expect(image).toMatch(/^ubuntu:(24\.04|noble-\d{8}(\.\d+)?)@sha256:[0-9a-f]{64}$/);
    }
  });

  it('installs kubectl at a pinned version and checks its sha256 before installing it', () => {
    expect(arg('KUBECTL_VERSION')).toMatch(EXACT_VERSION);
    expect(arg('KUBECTL_SHA256')).toMatch(SHA256);
    const run = runWith('/bin/linux/arm64/kubectl');
    expect(run).toContain('v${KUBECTL_VERSION}/bin/linux/arm64/kubectl');
    ordered(run, 'echo "${KUBECTL_SHA256}  kubectl" | sha256sum --check', 'install ');
  });

  it('installs eksctl at a pinned version and checks its sha256 before unpacking it', () => {
    expect(arg('EKSCTL_VERSION')).toMatch(EXACT_VERSION);
    expect(arg('EKSCTL_SHA256')).toMatch(SHA256);
    const run = runWith('eksctl_Linux_arm64.tar.gz');
    expect(run).toContain('/download/v${EKSCTL_VERSION}/eksctl_Linux_arm64.tar.gz');
    ordered(run, 'echo "${EKSCTL_SHA256}  eksctl.tar.gz" | sha256sum --check', 'tar ');
  });

  it('installs AWS CLI v2 at a pinned version, verified by PGP signature against a pinned key fingerprint', () => {
    expect(arg('AWSCLI_VERSION')).toMatch(/^2\.\d+\.\d+$/);
    expect(arg('AWSCLI_PGP_FINGERPRINT')).toBe('FB5DB77FD5C118B80511ADA8A6310ACC4672475C');
    const run = runWith('awscli-exe-linux-aarch64-');
    expect(run).toContain('awscli-exe-linux-aarch64-${AWSCLI_VERSION}.zip"');
    expect(run).toContain('awscli-exe-linux-aarch64-${AWSCLI_VERSION}.zip.sig"');
    // Exactly one key in the keyring, and it is the pinned one.
    expect(run).toContain("grep -c '^fpr:')\" -eq 1");
    expect(run).toContain('grep -qx "fpr:::::::::${AWSCLI_PGP_FINGERPRINT}:"');
    // A VALIDSIG status line for that fingerprint is required before anything is unpacked or installed.
    ordered(run, 'gpg --batch --status-fd 1 --verify awscliv2.sig awscliv2.zip', 'unzip ');
    ordered(run, 'VALIDSIG .*${AWSCLI_PGP_FINGERPRINT}', 'unzip ');
    ordered(run, 'unzip ', './aws/install');
    expect(run).toContain('test "$(aws --version | cut -d\' \' -f1)" = "aws-cli/${AWSCLI_VERSION}"');
    const key = readFileSync(path.join(HARNESS_DIR, 'aws-cli-team.asc'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\s*$/);
  });

  it('installs jq, git, python3, curl and ca-certificates from one pinned Ubuntu snapshot', () => {
    expect(arg('UBUNTU_SNAPSHOT')).toMatch(/^\d{8}T\d{6}Z$/);
    const finalStage = instructions.slice(instructions.indexOf(df.getFROMs().at(-1)!));
    const aptCommands = finalStage
      .filter((i) => i.getKeyword() === 'RUN')
      .flatMap((i) => content(i).split('&&'))
      .map((c) => c.trim())
      .filter((c) => /^apt-get (update|upgrade|install|dist-upgrade)\b/.test(c));
    expect(aptCommands.length).toBeGreaterThanOrEqual(2);
    for (const c of aptCommands) expect(c, c).toContain('--snapshot "${UBUNTU_SNAPSHOT}"');
    const install = aptCommands.find((c) => c.startsWith('apt-get install'))!;
    const packages = install.split(/\s+/).filter((w) => /^[a-z0-9][a-z0-9.+-]+$/.test(w));
    for (const p of ['ca-certificates', 'curl', 'git', 'jq', 'python3']) expect(packages).toContain(p);
  });

  it('never runs an unverified download', () => {
    for (const run of runs.map(content)) {
      expect(run).not.toMatch(/\|\s*(sh|bash|tar|python3?)\b/);
      expect(run).not.toMatch(/\/latest\/|stable\.txt|releases\/latest/);
      if (/\bcurl\b.*https:\/\//.test(run)) {
        expect(run, 'every downloading RUN checks what it downloaded').toMatch(
          /sha256sum --check|gpg .*--verify/,
        );
      }
    }
  });

  it('copies the skills to the path the bot sends (/opt/.agents/skills/)', () => {
    expect(SKILLS_BASE_PATH).toBe('/opt/.agents/skills/');
    const skillCopies = df
      .getCOPYs()
      .filter((c) => !c.getFromFlag())
      .map((c) => c.getArguments().map((a) => a.getValue()))
      .filter((a) => a[0]?.replace(/\/$/, '') === 'skills');
    expect(skillCopies).toEqual([['skills/', SKILLS_BASE_PATH]]);
  });

  it('relies on neither ENTRYPOINT nor CMD (AgentCore overrides them)', () => {
    expect(df.getENTRYPOINTs()).toHaveLength(0);
    expect(df.getCMDs()).toHaveLength(0);
    const keywords = instructions.map((i) => i.getKeyword());
    expect(keywords).not.toContain('ENTRYPOINT');
    expect(keywords).not.toContain('CMD');
  });

  it('ends with a RUN that prints every tool version and checks each skill has a SKILL.md', () => {
    const last = instructions.at(-1)!;
    expect(last.getKeyword()).toBe('RUN');
    const run = content(last);
    for (const cmd of [
      'aws --version',
      'kubectl version --client',
      'eksctl version',
      'jq --version',
      'git --version',
      'python3 --version',
      'curl --version',
      'ca-certificates',
    ]) {
      expect(run).toContain(cmd);
    }
    expect(run).toContain('/opt/.agents/skills/*/');
    expect(run).toContain('SKILL.md');
  });

  it('uses a fail-fast shell so a failing step in a pipeline fails the build', () => {
    const shell = instructions.find((i) => i.getKeyword() === 'SHELL');
    expect(shell && content(shell)).toMatch(/pipefail/);
  });

  it('copies only files that exist in the build-context layout', () => {
    for (const copy of df.getCOPYs().filter((c) => !c.getFromFlag())) {
      const source = copy.getArguments()[0]!.getValue();
      if (source.startsWith('skills')) continue; // checked by skills-layout.test.ts
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
    }
  });
});

describe('harness-container/build.sh', () => {
  const script = readFileSync(path.join(HARNESS_DIR, 'build.sh'), 'utf8');

  it('builds for linux/arm64 with buildx from an assembled context holding the skills', () => {
    expect(script).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('buildx build --platform linux/arm64');
    expect(script).toMatch(/ctx="\$\(mktemp -d\)"/);
    expect(script).toContain('cp -R "${repo}/skills" "${ctx}/skills"');
    expect(script).toContain(
      'cp "${here}/Dockerfile" "${here}/aws-cli-team.asc" "${ctx}/harness-container/"',
    );
  });

  it('can push to an ECR image URI given as an argument', () => {
    expect(script).toContain('--push)');
    expect(script).toContain('args+=(--push -t "${push_uri}")');
    expect(script).toMatch(/dkr\\\.ecr/);
  });

  it('runs: assembles a context of Dockerfile, key and skills, and calls buildx for arm64 (docker stubbed)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'build-sh-'));
    try {
      // A miniature repo: the real harness-container files plus one skill, and a fake `docker` on PATH.
      mkdirSync(path.join(root, 'harness-container'));
      for (const f of ['build.sh', 'Dockerfile', 'aws-cli-team.asc']) {
        copyFileSync(path.join(HARNESS_DIR, f), path.join(root, 'harness-container', f));
      }
      mkdirSync(path.join(root, 'skills', 'demo-skill'), { recursive: true });
      writeFileSync(path.join(root, 'skills', 'demo-skill', 'SKILL.md'), '# demo\n');
      mkdirSync(path.join(root, 'bin'));
      const log = path.join(root, 'docker.log');
      const fake = path.join(root, 'bin', 'docker');
      writeFileSync(
        fake,
        `#!/usr/bin/env bash\necho "ARGS $*" >> "${log}"\nctx="\${@: -1}"\n(cd "$ctx" && find . -type f | sort) >> "${log}"\n`,
      );
      chmodSync(fake, 0o755);
      const env = { ...process.env, PATH: `${path.join(root, 'bin')}:${process.env.PATH}` };
      const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/agentcore-harness:test';
      await promisify(execFile)('bash', [path.join(root, 'harness-container', 'build.sh'), '--push', uri], {
        env,
      });
      const out = readFileSync(log, 'utf8');
      expect(out).toMatch(/^ARGS buildx build --platform linux\/arm64 .*--push -t 123456789012\.dkr\.ecr\./m);
      const files = out.split('\n').filter((l) => l.startsWith('./'));
      expect(files).toEqual([
        './harness-container/Dockerfile',
        './harness-container/aws-cli-team.asc',
        './skills/demo-skill/SKILL.md',
      ]);
      // A URI that is not ECR is refused before anything is built.
      await expect(
        promisify(execFile)(
          'bash',
          [path.join(root, 'harness-container', 'build.sh'), '--push', 'docker.io/x/y'],
          {
            env,
          },
        ),
      ).rejects.toThrow(/not an ECR image URI/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
