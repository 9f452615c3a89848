/**
 * Process-wide safety net. Node ends the process on an unhandled promise rejection; one stray
 * rejection from a listener must not take every running answer down with it. It is logged (with its
 * type and message, not its payload) and the bot keeps serving.
 *
 * Uncaught exceptions still end the process, except those a caller declares survivable: the
 * embedded store (dynalite) throws from its own callbacks when its disk is full or failing. The bot
 * then keeps answering health probes and running answers; new requests fail to be recorded and
 * are refused with an explanation, and /readyz reports the store.
 */
import type { Logger } from './core/logger.ts';

export function installProcessGuards(
  log: Logger,
  options: { survivable?: (err: unknown) => boolean } = {},
  proc: NodeJS.Process = process,
): void {
  proc.on('uncaughtException', (err) => {
    if (options.survivable?.(err)) {
      log.error(
        { err },
        'the embedded session store failed (is DATA_DIR full?); new work is refused until it recovers',
      );
      return;
    }
    log.error({ err }, 'uncaught exception; stopping');
    console.error(err);
    proc.exit(1);
  });
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
