#!/usr/bin/env node
/**
 * A `jq` command for tests: jq 1.7.1 compiled to WebAssembly (npm jq-wasm), the version the harness image
 * ships, so skill scripts run the same on any machine after `npm install`. It accepts jq's command line:
 * options, the filter, then input files (stdin when none). Options that name files (--slurpfile,
 * --rawfile, --from-file) are read here, because the WebAssembly jq has no file system of the host.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { raw } = require('jq-wasm');

/** Options followed by N values that are passed through to jq unchanged. */
const WITH_VALUES = { '--arg': 2, '--argjson': 2, '--indent': 1 };

async function main(argv) {
  const flags = [];
  const files = [];
  let filter;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a in WITH_VALUES) {
      flags.push(a, ...argv.slice(i + 1, i + 1 + WITH_VALUES[a]));
      i += WITH_VALUES[a];
    } else if (a === '--slurpfile') {
      const text = readFileSync(argv[i + 2], 'utf8');
      const slurped = await raw(text, '.', ['-c', '-s']);
      if (slurped.exitCode !== 0) return fail(slurped.stderr, 2);
      flags.push('--argjson', argv[i + 1], slurped.stdout.trim());
      i += 2;
    } else if (a === '--rawfile') {
      flags.push('--arg', argv[i + 1], readFileSync(argv[i + 2], 'utf8'));
      i += 2;
    } else if (a === '-f' || a === '--from-file') {
      filter = readFileSync(argv[i + 1], 'utf8');
      i += 1;
    } else if (a === '--') {
      const rest = argv.slice(i + 1);
      if (filter === undefined) filter = rest.shift();
      files.push(...rest);
      break;
    } else if (a.startsWith('-') && a.length > 1) {
      flags.push(a);
    } else if (filter === undefined) {
      filter = a;
    } else {
      files.push(a);
    }
  }
  if (filter === undefined) filter = '.';
  const nullInput = flags.some((f) => f === '-n' || f === '--null-input' || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(f));
  let input = '';
  if (!nullInput) {
    try {
      input =
        files.length > 0 ? files.map((f) => readFileSync(f, 'utf8')).join('\n') : readFileSync(0, 'utf8');
    } catch (e) {
      return fail(`jq: error: Could not open ${files.join(' ')}: ${e.code ?? e.message}\n`, 2);
    }
  }
  const out = await raw(input, filter, flags);
  // jq-wasm trims the final newline that jq prints after each result (unless -j asked for none).
  const join = flags.some((f) => f === '-j' || f === '--join-output');
  process.stdout.write(out.stdout && !join && !out.stdout.endsWith('\n') ? `${out.stdout}\n` : out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.exitCode;
}

function fail(message, code) {
  process.stderr.write(message);
  process.exitCode = code;
}

main(process.argv.slice(2)).catch((e) => fail(`jq: ${e.message}\n`, 2));
