/**
 * The early ack of slash commands (HTTP mode). Once the request guard has verified a command's
 * signature and timestamp, its ack is decided (arguments, approvers, access: commands.ts decideAck)
 * and written at once, and only then does Bolt handle the command, with the decision in its context
 * so its listener neither decides nor acks again. Bolt's own pass (a second signature check, its
 * middleware chain, matching every listener) no longer sits between Slack and the ack: with 100
 * commands arriving together, each ack waited behind the others' passes (bench/results.md). The
 * hand-over to Bolt is held until the burst has been acked (AfterAcks), for the same reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, HTTPModuleFunctions } from '@slack/bolt';
import { SLASH_COMMANDS } from '../core/commands.ts';
import type { Logger } from '../core/logger.ts';
import type { CommandForm, CommandSurface } from './commands.ts';
import type { ParsedForm } from './request-guard.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const isCommandForm = (form: ParsedForm): form is NonNullable<ParsedForm> & CommandForm =>
  form !== undefined &&
  form.payload === undefined &&
  (['command', 'text', 'team_id', 'channel_id', 'user_id'] as const).every(
    (k) => typeof form[k] === 'string',
  ) &&
  (SLASH_COMMANDS as readonly string[]).includes(form.command as string);

/**
 * The request guard's `verified` hook: true when it took the request (a slash command of ours).
 * `floorCommand` (the benchmark's seam, BotHooks.ackFloorCommand): a command of that name gets an
 * empty 200 with nothing decided, the least this receiver can do for a verified request.
 */
export function earlyCommandAck(
  app: App,
  commands: () => CommandSurface | undefined,
  log: Logger,
  floorCommand?: string,
) {
  return (req: IncomingMessage, res: ServerResponse, form: ParsedForm, next: Listener): boolean => {
    if (floorCommand !== undefined && form?.payload === undefined && form?.command === floorCommand) {
      HTTPModuleFunctions.buildContentResponse(res, undefined);
      return true;
    }
    const surface = commands();
    if (!surface || !isCommandForm(form)) return false;
    surface.afterAcks.arrived();
    surface.decide(form.command, form).then(
      async (decision) => {
        HTTPModuleFunctions.buildContentResponse(res, decision.ok ? undefined : decision.reply);
        if (!decision.ok) return;
        await surface.afterAcks.wait();
        const signature = req.headers['x-slack-signature'];
        const retryNum = Number(req.headers['x-slack-retry-num']);
        const retryReason = req.headers['x-slack-retry-reason'];
        await app
          .processEvent({
            body: form,
            // Already acknowledged above.
            ack: async () => undefined,
            retryNum: Number.isFinite(retryNum) ? retryNum : undefined,
            retryReason: typeof retryReason === 'string' ? retryReason : undefined,
            customProperties: {
              requestSignature: typeof signature === 'string' ? signature : undefined,
              ackDecision: decision,
            },
          })
          .catch((err: unknown) =>
            log.error({ err, command: form.command }, 'a slash command failed after its ack'),
          );
      },
      // The decision itself failed (e.g. a user-group lookup): Bolt handles the command as it would without this.
      (err: unknown) => {
        log.warn({ err, command: form.command }, 'early ack not decided; handing the command to Bolt');
        next(req, res);
      },
    );
    return true;
  };
}
