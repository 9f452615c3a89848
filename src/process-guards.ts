/**
 * Process-wide safety net. Node ends the process on an unhandled promise rejection; one stray
 * rejection from a listener must not take every running answer down with it. It is logged (with its
 * type and message, not its payload) and the bot keeps serving.
 */
import type { Logger } from './core/logger.ts';

export function installProcessGuards(log: Logger, proc: NodeJS.Process = process): void {
  proc.on('unhandledRejection', (reason) => {
    log.error(
      {
        err: reason instanceof Error ? reason : undefined,
        reasonType: reason === null ? 'null' : typeof reason,
      },
      'unhandled promise rejection; the bot keeps serving',
    );
  });
}
