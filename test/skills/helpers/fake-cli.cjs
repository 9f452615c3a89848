#!/usr/bin/env node
/**
 * A stand-in for a command-line tool (aws, kubectl) in skill-script tests. It appends its arguments to
 * FAKE_CLI_LOG (one JSON line per call) and answers from FAKE_CLI_RULES: the first rule whose `match`
 * regular expression matches the space-joined arguments decides stdout, stderr and the exit code. A rule
 * may also write a file (`writeArg`: the value of that option gets `writeContent`). No rule: exit 255
 * with an error, so a script that calls something the test did not expect fails loudly.
 */
'use strict';
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const { basename } = require('node:path');

const tool = process.env.FAKE_CLI_NAME || basename(process.argv[1]);
const args = process.argv.slice(2);
const joined = args.join(' ');
appendFileSync(
  process.env.FAKE_CLI_LOG,
  `${JSON.stringify({ tool, args, env: { KUBECONFIG: process.env.KUBECONFIG, AWS_PROFILE: process.env.AWS_PROFILE } })}\n`,
);
const rules = JSON.parse(readFileSync(process.env.FAKE_CLI_RULES, 'utf8'));
const rule = rules.find((r) => r.tool === tool && new RegExp(r.match).test(joined));
if (!rule) {
  process.stderr.write(`fake ${tool}: no rule for: ${joined}\n`);
  process.exit(255);
}
if (rule.writeArg) {
  const i = args.indexOf(rule.writeArg);
  if (i >= 0) writeFileSync(args[i + 1], rule.writeContent ?? '');
}
process.stdout.write(rule.stdout ?? '');
process.stderr.write(rule.stderr ?? '');
process.exit(rule.exit ?? 0);
