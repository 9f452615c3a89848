#!/usr/bin/env node
/**
 * A `jq` command line for the skill-script tests, backed by jq-wasm: the jq 1.7.1 C sources compiled to
 * WebAssembly, the same jq version the harness container installs from Ubuntu noble. Installed by `npm install`
 * alone, so the tests run on a fresh machine without apt-get.
 *
 * The wasm build sees no host files (its file system is in memory) and always reads its input from stdin, so the
 * options that name files are resolved here and handed to the real jq as equivalents:
 *   -f FILE          -> the program text
 *   --rawfile N F    -> --arg N <file text>
 *   --slurpfile N F  -> --argjson N <the file slurped by jq itself: `jq -s -c .`>
 *   input files      -> concatenated on stdin (what jq does with several files)
 * Every other option is passed to jq unchanged, so jq alone parses the program and the JSON. Known difference:
 * jq-wasm trims the output, so a trailing blank line is lost; one newline is added back.
 */
import { readFileSync } from 'node:fs';
import { raw } from 'jq-wasm';

const WITH_ONE_VALUE = new Set(['--indent', '-L']);
const WITH_TWO_VALUES = new Set(['--arg', '--argjson']);

async function main(argv) {
  const flags = [];
  const positional = [];
  let program;
  let nullInput = false;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '-f' || a === '--from-file') {
      program = readFileSync(argv[++i], 'utf8');
    } else if (a === '--rawfile') {
      flags.push('--arg', argv[i + 1], readFileSync(argv[i + 2], 'utf8'));
      i += 2;
    } else if (a === '--slurpfile') {
      const slurped = await raw(readFileSync(argv[i + 2], 'utf8'), '.', ['-s', '-c']);
      if (slurped.exitCode !== 0) {
        process.stderr.write(
          `jq: Bad JSON in --slurpfile ${argv[i + 1]} ${argv[i + 2]}: ${slurped.stderr}\n`,
        );
        return 2;
      }
      flags.push('--argjson', argv[i + 1], slurped.stdout);
      i += 2;
    } else if (a === '--args' || a === '--jsonargs' || a === '--seq' || a === '--stream') {
      throw new Error(`jq-cli test shim: ${a} is not supported`);
    } else if (WITH_TWO_VALUES.has(a)) {
      flags.push(a, argv[i + 1], argv[i + 2]);
      i += 2;
    } else if (WITH_ONE_VALUE.has(a)) {
      flags.push(a, argv[++i]);
    } else if (a.startsWith('-') && a.length > 1) {
      if (/^-[a-zA-Z]*n[a-zA-Z]*$/.test(a) || a === '--null-input') nullInput = true;
      flags.push(a);
    } else {
      positional.push(a);
    }
  }
  if (flags.includes('--version') || flags.includes('-V')) {
    const v = await raw('null', '.', ['--version']);
    process.stdout.write(`${v.stdout}\n`);
    return 0;
  }
  if (program === undefined) program = positional.shift() ?? '.';
  let input;
  if (positional.length > 0) input = positional.map((f) => readFileSync(f, 'utf8')).join('\n');
  else if (nullInput && process.stdin.isTTY) input = '';
  else input = readFileSync(0, 'utf8');
  const out = await raw(input, program, flags);
  if (out.stdout.length > 0) process.stdout.write(`${out.stdout}\n`);
  if (out.stderr.length > 0) process.stderr.write(`${out.stderr}\n`);
  return out.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
