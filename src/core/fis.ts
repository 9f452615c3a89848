/**
 * The bot's view of AWS FIS: plain types and the small port the approval gate needs. The bot, not
 * the agent, reads templates and starts or stops experiments, with its own credentials.
 */

export interface FisTemplate {
  id: string;
  description?: string;
  targets: Record<
    string,
    {
      resourceType?: string;
      selectionMode?: string;
      resourceArns?: string[];
      resourceTags?: Record<string, string>;
      filters?: Array<{ path?: string; values?: string[] }>;
      parameters?: Record<string, string>;
    }
  >;
  actions: Record<
    string,
    {
      actionId?: string;
      description?: string;
      parameters?: Record<string, string>;
      targets?: Record<string, string>;
      startAfter?: string[];
    }
  >;
  stopConditions: Array<{ source?: string; value?: string }>;
  roleArn?: string;
  tags?: Record<string, string>;
  logConfiguration?: unknown;
  experimentOptions?: Record<string, string>;
}

export type ExperimentStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'stopped',
  'failed',
  'cancelled',
]);

export interface FisExperiment {
  id: string;
  templateId: string;
  status: ExperimentStatus | string;
  reason?: string;
}

export class FisError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FisError';
  }
}

export interface FisPort {
  /** undefined when the template does not exist. */
  getTemplate(region: string, templateId: string): Promise<FisTemplate | undefined>;
  /** Idempotent by clientToken: the same token never starts a second experiment. */
  startExperiment(
    region: string,
    templateId: string,
    clientToken: string,
    tags: Record<string, string>,
  ): Promise<FisExperiment>;
  getExperiment(region: string, experimentId: string): Promise<FisExperiment | undefined>;
  stopExperiment(region: string, experimentId: string): Promise<FisExperiment>;
}
