// Token usage of the model roles: per-role totals, one summary line for logs and threads, and token budgets.
import { LinguacodusError } from '../errors.ts';
import type { AnswerNote, LlmUsage } from '../types.ts';

export type UsageRole = LlmUsage['role'];

export interface RoleUsage {
  /** Model calls (a call retried after a 5xx counts once; its attempts are in `attempts`). */
  calls: number;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  /** Summed latency of the role's calls, in ms (parallel calls add up). */
  latencyMs: number;
}

export interface UsageSummary {
  roles: Record<UsageRole, RoleUsage>;
  total: RoleUsage & { tokens: number };
  /** Calls on the longest chain of calls that ran one after another (parallel calls count once). */
  sequentialCalls: number;
}

const ROLES: UsageRole[] = ['instructor', 'critic', 'coder'];

const empty = (): RoleUsage => ({
  calls: 0,
  attempts: 0,
  promptTokens: 0,
  completionTokens: 0,
  latencyMs: 0,
});

function add(into: RoleUsage, u: LlmUsage): void {
  into.calls++;
  into.attempts += u.attempts;
  into.promptTokens += u.promptTokens;
  into.completionTokens += u.completionTokens;
  into.latencyMs += u.latencyMs;
}

export function summarizeUsage(usage: readonly LlmUsage[]): UsageSummary {
  const roles = { instructor: empty(), critic: empty(), coder: empty() };
  const total = empty();
  for (const u of usage) {
    add(roles[u.role], u);
    add(total, u);
  }
  return {
    roles,
    total: { ...total, tokens: total.promptTokens + total.completionTokens },
    sequentialCalls: sequentialCalls(usage),
  };
}

/**
 * The most calls that ran strictly one after another: the critical path a user waits on. Calls are intervals
 * [startedAt, startedAt + latency]; the greatest set of non-overlapping intervals is found greedily by end time.
 * Calls recorded without a start time count as sequential.
 */
export function sequentialCalls(usage: readonly LlmUsage[]): number {
  const timed = usage
    .filter((u) => u.startedAt !== undefined)
    .map((u) => ({ start: u.startedAt as number, end: (u.startedAt as number) + u.latencyMs }))
    .sort((a, b) => a.end - b.end);
  let count = usage.length - timed.length;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const call of timed) {
    if (call.start >= lastEnd) {
      count++;
      lastEnd = call.end;
    }
  }
  return count;
}

const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * One line for logs and the thread: "7 model calls (instructor 3, critic 2, coder 2; 3 in sequence), 12,345
 * tokens (10,000 in, 2,345 out), 41.2 s of model time". Offline work says so instead.
 */
export function usageLine(usage: readonly LlmUsage[]): string {
  if (usage.length === 0) return 'no model calls (offline engine)';
  const s = summarizeUsage(usage);
  const perRole = ROLES.filter((r) => s.roles[r].calls > 0)
    .map((r) => `${r} ${s.roles[r].calls}`)
    .join(', ');
  const calls = `${s.total.calls} model call${s.total.calls === 1 ? '' : 's'} (${perRole}; ${s.sequentialCalls} in sequence)`;
  const tokens = `${thousands(s.total.tokens)} tokens (${thousands(s.total.promptTokens)} in, ${thousands(s.total.completionTokens)} out)`;
  return `${calls}, ${tokens}, ${(s.total.latencyMs / 1000).toFixed(1)} s of model time`;
}

/** The JSON form of a summary for `solve --json` and logs: per role, then the total. */
export function usageJson(usage: readonly LlmUsage[]) {
  const s = summarizeUsage(usage);
  const role = (r: RoleUsage) => ({
    calls: r.calls,
    attempts: r.attempts,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    latency_ms: Math.round(r.latencyMs),
  });
  return {
    instructor: role(s.roles.instructor),
    critic: role(s.roles.critic),
    coder: role(s.roles.coder),
    total: { ...role(s.total), tokens: s.total.tokens, sequential_calls: s.sequentialCalls },
  };
}

/** One note in a line for logs and the thread: "instruction 3 (instructor) replaced: the offline engine's ...". */
export function noteLine(note: AnswerNote): string {
  return `${note.purpose} (${note.role}) ${note.action}: ${note.reason}`;
}

export type BudgetScope = 'plan' | 'run';

const SETTING: Record<BudgetScope, string> = { plan: 'MAX_TOKENS_PER_PLAN', run: 'MAX_TOKENS_PER_RUN' };

/** Raised before a model call once the plan's or run's tokens have reached their budget. */
export class BudgetExceededError extends LinguacodusError {
  constructor(
    readonly scope: BudgetScope,
    readonly spent: number,
    readonly limit: number,
    purpose: string,
  ) {
    super(
      'too_large',
      `This ${scope} used ${thousands(spent)} model tokens, its budget is ${thousands(limit)} (${SETTING[scope]}); stopped before ${purpose}.`,
    );
  }
}

/**
 * The tokens a plan or a run may spend, counted over the same usage list the model calls append to. Checked
 * before each call, so the call that crosses the line finishes and the next one is refused.
 */
export class TokenBudget {
  constructor(
    readonly scope: BudgetScope,
    /** null: no budget. */
    readonly limit: number | null,
    readonly usage: LlmUsage[],
  ) {}

  spent(): number {
    return this.usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
  }

  /** Throws BudgetExceededError when the budget is spent. */
  check(purpose: string): void {
    if (this.limit === null) return;
    const spent = this.spent();
    if (spent >= this.limit) throw new BudgetExceededError(this.scope, spent, this.limit, purpose);
  }
}
