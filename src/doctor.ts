/**
 * `npm run doctor` / `node dist/doctor.js`: checks a deployment with the bot's configuration and
 * credentials and prints what would break, with the fix (src/doctor/). Exit code 1 when a check FAILs.
 */
import { environment } from './config.ts';
import { runDoctor } from './doctor/run.ts';

runDoctor(process.argv.slice(2), environment()).then(
  (r) => {
    console.log(r.output);
    process.exitCode = r.exitCode;
  },
  (err: unknown) => {
    console.error(`The doctor could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
