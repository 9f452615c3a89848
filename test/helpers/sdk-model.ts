/**
 * What an AWS SDK client in node_modules models for one operation: the errors its command declares
 * (`@throws` in the generated declarations), so stand-in contract tests hold their errors to the model.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export function modelledErrors(client: string, op: string): string[] {
  const file = path.resolve(
    import.meta.dirname,
    `../../node_modules/@aws-sdk/${client}/dist-types/commands/${op}Command.d.ts`,
  );
  return [...readFileSync(file, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!);
}

/** The error name a call fails with, or 'no error'. */
export const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: Error) => e.name,
  );
