#!/usr/bin/env node
import { buildApp } from '../lib/app.ts';
// CDK entry point (deploy/cdk.json runs it with tsx). Settings come from CDK context: see deploy/README.md.
import { SettingsError } from '../lib/settings.ts';

try {
  buildApp().app.synth();
} catch (err) {
  if (err instanceof SettingsError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
