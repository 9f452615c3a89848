/**
 * The jq the skill-script tests run: jq 1.7.1, the version the harness container installs (Ubuntu noble's
 * package, harness-container/Dockerfile), taken from the npm package jq-wasm so that `npm install` alone provides
 * it. `jqBinDir()` returns a folder holding a `jq` executable; put it first on PATH when running a skill script.
 * See jq-cli.mjs for how file options are mapped onto the wasm build.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The jq version the container ships and the tests must run. */
export const CONTAINER_JQ_VERSION = '1.7.1';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'jq-cli.mjs');
let binDir: string | undefined;

/** A folder with an executable `jq` (a shell wrapper around jq-cli.mjs on the current Node). */
export function jqBinDir(): string {
  if (binDir) return binDir;
  const dir = mkdtempSync(join(tmpdir(), 'skills-jq-'));
  const wrapper = join(dir, 'jq');
  writeFileSync(
    wrapper,
    `#!/usr/bin/env bash\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  binDir = dir;
  return dir;
}

/** Environment for a skill script: the test jq first on PATH, plus the given variables. */
export function envWithJq(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${jqBinDir()}${delimiter}${process.env.PATH ?? ''}`, ...extra };
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a bash script with the test jq on PATH. */
export function runWithJq(script: string, args: string[], extraEnv: Record<string, string> = {}): RunResult {
  const out = spawnSync('bash', [script, ...args], {
    env: envWithJq(extraEnv),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (out.error) throw out.error;
  return { status: out.status ?? -1, stdout: out.stdout, stderr: out.stderr };
}

/** The version string `jq --version` prints through the test jq. */
export function jqVersion(): string {
  const out = spawnSync(join(jqBinDir(), 'jq'), ['--version'], { encoding: 'utf8' });
  return out.stdout.trim();
}
