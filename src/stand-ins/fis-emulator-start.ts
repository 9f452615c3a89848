/**
 * StartExperiment in the FIS stand-in: the request checks the SDK model sets (clientToken, template id,
 * tag limits), then the faults tests inject for what real FIS does to a start (a held reply, a reply lost
 * after the experiment was created, a creation that lands late, a refusal, a caller that hung up).
 * Kept apart from fis-emulator.ts because these faults are most of the start's code and none of the
 * other operations'.
 */
import type { ServerResponse } from 'node:http';
import { error, ok } from './fis-emulator-http.ts';
import type { ExperimentLifecycle } from './fis-emulator-lifecycle.ts';
import {
  experimentView,
  type FisExperimentRecord,
  type FisFault,
  type RegionStore,
  type StartFault,
} from './fis-emulator-model.ts';

/** FIS's id pattern for templates and experiments. */
export const ID = /^[\S]{1,64}$/;

/** Faults waiting for the next StartExperiment calls, in order. */
export class StartFaults {
  private readonly queue: StartFault[] = [];

  add(f: StartFault): void {
    this.queue.push({ times: 1, ...f });
  }

  clear(): void {
    this.queue.length = 0;
  }

  take(): StartFault | undefined {
    const f = this.queue[0];
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.queue.shift();
    return f;
  }
}

export interface StartContext {
  body: Record<string, unknown>;
  store: RegionStore;
  region: string;
  life: ExperimentLifecycle;
  /** Faults apply to starts that pass validation only, as tests count them. */
  faults: StartFaults;
  arn: (id: string) => string;
}

export async function startExperiment(c: StartContext, res: ServerResponse): Promise<void> {
  const { body } = c;
  const templateId = body.experimentTemplateId;
  const clientToken = body.clientToken;
  if (typeof clientToken !== 'string' || !/^[\S]{1,1024}$/.test(clientToken))
    return error(res, 400, 'ValidationException', 'clientToken must be 1 to 1024 non-space characters.');
  if (typeof templateId !== 'string' || !ID.test(templateId))
    return error(res, 400, 'ValidationException', 'experimentTemplateId is required.');
  const tags = (body.tags ?? {}) as Record<string, string>;
  if (
    Object.keys(tags).length > 50 ||
    Object.entries(tags).some(([k, v]) => k.length > 128 || String(v).length > 256)
  )
    return error(res, 400, 'ValidationException', 'Tags exceed their limits.');
  const fault = c.faults.take();
  fault?.onCall?.();
  if (fault?.refuse) return error(res, fault.refuse.status, fault.refuse.type, fault.refuse.message ?? '');
  let gone = false;
  res.on('close', () => {
    if (res.writableEnded) return;
    gone = true;
    fault?.onCallerGone?.();
  });
  let created: FisExperimentRecord | FisFault | undefined;
  const create = () => {
    fault?.beforeCreate?.();
    created = c.life.createOrReuse(c.store, c.region, templateId, clientToken, tags);
  };
  if (fault?.createLateMs !== undefined) {
    c.life.later(fault.createLateMs, create);
    const e = fault.replyError ?? {
      status: 500,
      type: 'InternalServerException',
      message: 'Internal error.',
    };
    return error(res, e.status, e.type, e.message ?? '');
  }
  if (fault?.createFirst) create();
  if (fault?.delayMs) await new Promise((r) => c.life.later(fault.delayMs!, () => r(undefined)));
  if (fault?.until) await fault.until.catch(() => undefined);
  if (!created) {
    if (gone && fault?.abandonIfCallerGone) return;
    create();
  }
  if (!('id' in created!)) return error(res, created!.status, created!.type, created!.message ?? '');
  if (fault?.replyError)
    return error(
      res,
      fault.replyError.status,
      fault.replyError.type,
      fault.replyError.message ?? 'Internal error.',
    );
  ok(res, { experiment: experimentView(created!, c.arn(created!.id)) });
}
