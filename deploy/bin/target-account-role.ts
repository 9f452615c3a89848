#!/usr/bin/env node
// Synthesizes the target-account read-only role template (deploy/README.md, "Other accounts"):
//   cd deploy && npx cdk synth -a "npx tsx bin/target-account-role.ts" > target-account-role.yaml
import { App } from 'aws-cdk-lib';
import { TargetAccountRoleStack } from '../lib/target-account-stack.ts';

const app = new App();
new TargetAccountRoleStack(app, 'AgentCoreSlackBotTargetAccount');
app.synth();
