/**
 * The jq the skill-script tests use: jq 1.7.1 (WebAssembly, npm jq-wasm), the same version as the harness
 * image's Ubuntu noble package, provided as a `jq` executable on PATH so scripts run unchanged. It needs
 * nothing but `npm install`: no system jq (a fresh machine may have none, or jq 1.6).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'jq-cli.cjs');
let binDir: string | undefined;

/** A directory holding an executable `jq` (prepend it to PATH). Created once per test process. */
export function jqBinDir(): string {
  if (binDir) return binDir;
  binDir = mkdtempSync(join(tmpdir(), 'jq-wasm-'));
  const shim = join(binDir, 'jq');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return binDir;
}

/** PATH with the test jq first, then the given directories, then the system PATH. */
export function pathWithJq(...dirs: string[]): string {
  return [jqBinDir(), ...dirs, process.env.PATH ?? ''].join(':');
}
