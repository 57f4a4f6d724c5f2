// Button action ids: the session id and what to do, short enough for Discord's 100-character custom_id.
import { type Choice, choiceSchema, type MetricName, metricNameSchema } from '../../core/types.ts';

/** What the task card and a question let a user change by button, or see. */
export type ChooseField = 'target' | 'metric' | 'columns';
const CHOOSE_FIELDS: readonly ChooseField[] = ['target', 'metric', 'columns'];

export type BotAction =
  | { kind: 'vote'; sid: string; planSeq: number; choice: Choice }
  | { kind: 'run'; sid: string; planSeq: number; choice: Choice }
  /**
   * The full text: of every option as a new message (no choice), or of one option shown in place on the plan
   * (choice; `less` folds it back to its summary).
   */
  | { kind: 'full'; sid: string; planSeq: number; choice?: Choice; less?: boolean }
  /** Offer the choices for a field of the task (the task card's "Change target"). */
  | { kind: 'choose'; sid: string; planSeq: number; field: ChooseField }
  /** Take the likely target at this place of the session's choices (a column name may not fit in an id). */
  | { kind: 'target'; sid: string; planSeq: number; index: number }
  | { kind: 'metric'; sid: string; planSeq: number; metric: MetricName }
  /** Improve run #run of the thread (a button on its result). */
  | { kind: 'improve'; sid: string; planSeq: number; run: number }
  /** Blend the thread's best finished runs (on a result, or on the leaderboard). */
  | { kind: 'blend'; sid: string; planSeq: number }
  /** An Auto search of the default budget (a button on the plan). */
  | { kind: 'auto'; sid: string; planSeq: number }
  /** A rating of run #run's result (Slack's feedback buttons). */
  | { kind: 'feedback'; sid: string; planSeq: number; run: number; value: FeedbackValue };

export type FeedbackValue = 'good' | 'bad';

/** Actions on the thread's runs rather than on the plan message: pressed on a result or on the leaderboard. */
export type RunAction = Extract<BotAction, { kind: 'improve' | 'blend' }>;
export const isRunAction = (a: BotAction): a is RunAction => a.kind === 'improve' || a.kind === 'blend';

/** Actions on the task rather than on a plan: they work before any plan exists. */
export type TaskAction = Extract<BotAction, { kind: 'choose' | 'target' | 'metric' }>;
export const isTaskAction = (a: BotAction): a is TaskAction =>
  a.kind === 'choose' || a.kind === 'target' || a.kind === 'metric';

export function encodeAction(action: BotAction): string {
  const base = `lc|${action.sid}|${action.planSeq}|${action.kind}`;
  switch (action.kind) {
    case 'full':
      if (!action.choice) return base;
      return `${base}|${action.choice}${action.less ? '|less' : ''}`;
    case 'choose':
      return `${base}|${action.field}`;
    case 'target':
      return `${base}|${action.index}`;
    case 'metric':
      return `${base}|${action.metric}`;
    case 'blend':
    case 'auto':
      return base;
    case 'improve':
      return `${base}|${action.run}`;
    case 'feedback':
      return `${base}|${action.run}|${action.value}`;
    default:
      return `${base}|${action.choice}`;
  }
}

/** Null for an id that is not ours or is malformed (a stale button from an older version, say). */
export function decodeAction(id: string): BotAction | null {
  const parts = id.split('|');
  if (parts[0] !== 'lc' || parts.length < 4) return null;
  const [, sid, seqText, kind, arg, extra] = parts as [
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const planSeq = Number(seqText);
  if (!/^[0-9a-f]{16}$/.test(sid) || !Number.isInteger(planSeq)) return null;
  switch (kind) {
    case 'full': {
      if (arg === undefined) return { kind, sid, planSeq };
      const choice = choiceSchema.safeParse(arg);
      if (!choice.success || (extra !== undefined && extra !== 'less')) return null;
      return { kind, sid, planSeq, choice: choice.data, ...(extra === 'less' ? { less: true } : {}) };
    }
    case 'blend':
    case 'auto':
      return { kind, sid, planSeq };
    case 'improve': {
      const run = Number(arg);
      return Number.isInteger(run) && run > 0 && run < 1e6 ? { kind, sid, planSeq, run } : null;
    }
    case 'feedback': {
      const run = Number(arg);
      if (!Number.isInteger(run) || run <= 0 || run >= 1e6) return null;
      return extra === 'good' || extra === 'bad' ? { kind, sid, planSeq, run, value: extra } : null;
    }
    case 'choose': {
      const field = CHOOSE_FIELDS.find((f) => f === arg);
      return field ? { kind, sid, planSeq, field } : null;
    }
    case 'target': {
      const index = Number(arg);
      return Number.isInteger(index) && index >= 0 && index < 100 ? { kind, sid, planSeq, index } : null;
    }
    case 'metric': {
      const metric = metricNameSchema.safeParse(arg);
      return metric.success ? { kind, sid, planSeq, metric: metric.data } : null;
    }
    case 'vote':
    case 'run': {
      const choice = choiceSchema.safeParse(arg);
      return choice.success ? { kind, sid, planSeq, choice: choice.data } : null;
    }
    default:
      return null;
  }
}
