/**
 * Runs a skill's shell script (or snippet) with bash, the test jq (jq 1.7.1 WebAssembly) and fake `aws` /
 * `kubectl` commands that record every call and answer from rules. No AWS account, no cluster.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jqBinDir } from './jq.ts';

const FAKE = join(dirname(fileURLToPath(import.meta.url)), 'fake-cli.cjs');

export interface Rule {
  tool: 'aws' | 'kubectl';
  /** Regular expression tested against the space-joined arguments. */
  match: string;
  stdout?: string;
  stderr?: string;
  exit?: number;
  /** Write `writeContent` to the path given after this option (e.g. `--kubeconfig`). */
  writeArg?: string;
  writeContent?: string;
}

export interface Call {
  tool: string;
  args: string[];
  env: { KUBECONFIG?: string; AWS_PROFILE?: string };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  calls: Call[];
  /** The temporary directory the run used as HOME (TMPDIR is dir/tmp, the working directory dir/work). */
  dir: string;
}

/** Runs `bash -c script` (args after it are $1...) with the fakes first on PATH. */
export function runBash(
  script: string,
  opts: { rules?: Rule[]; args?: string[]; env?: Record<string, string>; stdin?: string } = {},
): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'skill-run-'));
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin, join(dir, 'tmp'), join(dir, 'work')]);
  for (const tool of ['aws', 'kubectl']) {
    const shim = join(bin, tool);
    writeFileSync(shim, `#!/bin/sh\nFAKE_CLI_NAME=${tool} exec "${process.execPath}" "${FAKE}" "$@"\n`);
    chmodSync(shim, 0o755);
  }
  const log = join(dir, 'calls.jsonl');
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(opts.rules ?? []));
  writeFileSync(log, '');
  const res = spawnSync('bash', ['-c', script, 'script', ...(opts.args ?? [])], {
    encoding: 'utf8',
    cwd: join(dir, 'work'),
    input: opts.stdin ?? '',
    timeout: 60_000,
    env: {
      PATH: [jqBinDir(), bin, process.env.PATH ?? ''].join(':'),
      HOME: dir,
      TMPDIR: join(dir, 'tmp'),
      LANG: 'C.UTF-8',
      FAKE_CLI_LOG: log,
      FAKE_CLI_RULES: rulesFile,
      ...opts.env,
    },
  });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Call)
    : [];
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr, calls, dir };
}

/** Runs a script file of a skill with arguments. */
export function runScript(path: string, args: string[], opts: Parameters<typeof runBash>[1] = {}): RunResult {
  return runBash(`exec bash "${path}" "$@"`, { ...opts, args });
}
