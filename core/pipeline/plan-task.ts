// Planning (the paper's Instruction Creation) in two steps: a draft after three sequential model calls (three
// ranked instructions in parallel, the researcher's critique, the resolver's decision), then the quick
// cross-validation evidence of the options, in parallel, which confirms or revises the resolver's choice.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/logger.ts';
import type { Sandbox, SandboxLimits } from '../../sandbox/types.ts';
import type { EngineCall, ResolverDecision } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { METRICS, prepareHarness } from '../harness/index.ts';
import { fallbackChoice } from '../llm/resolver-answer.ts';
import { BudgetExceededError, noteLine, TokenBudget, usageLine } from '../llm/usage.ts';
import {
  type AnswerNote,
  type DataProfile,
  type Evidence,
  type IntakeLimits,
  type LlmUsage,
  type Plan,
  type ProgressListener,
  planSchema,
  type TaskSpec,
} from '../types.ts';
import { throwIfCancelled } from './cancellation.ts';
import type { Engines } from './engines.ts';
import { gatherEvidence } from './gather-evidence.ts';

export interface PlanDeps {
  engines: Engines;
  sandbox: Sandbox;
  sandboxLimits: Partial<SandboxLimits>;
  /** Time box per option for the evidence run; 0 skips the evidence. */
  evidenceTimeoutMs: number;
  /** Limits for re-reading the task's files (the same as at intake). */
  intakeLimits: IntakeLimits;
  /** Most model tokens one plan may use, evidence included (MAX_TOKENS_PER_PLAN); null: no limit. */
  maxTokens?: number | null;
  logger?: Logger;
}

export interface PreparedTask {
  task: TaskSpec;
  profile: DataProfile;
}

export interface PlanOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** The plan with its evidence, what the evidence said about the resolver's first choice, and whether it changed. */
export interface EvidenceOutcome {
  plan: Plan;
  verdict: NonNullable<Plan['resolver']['verdict']>;
  /** Whether the resolver's choice or improved instruction changed with the evidence. */
  revised: boolean;
}

/** Whether a failed model call may be worked around rather than end the plan (not a cancel, not a spent budget). */
function recoverable(error: unknown): error is LinguacodusError {
  return (
    error instanceof LinguacodusError &&
    !(error instanceof BudgetExceededError) &&
    (error.code === 'llm_error' || error.code === 'llm_bad_output')
  );
}

/**
 * The first plan: three instructions, critique and resolver, three model calls one after another (the
 * instructions are asked in parallel). No evidence yet: `addEvidence` brings it.
 */
export async function draftPlan(
  prepared: PreparedTask,
  deps: PlanDeps,
  options: PlanOptions = {},
): Promise<Plan> {
  const started = Date.now();
  const { task, profile } = prepared;
  const { engines, logger } = deps;
  const { signal, onProgress } = options;
  const usage: LlmUsage[] = [];
  const notes: AnswerNote[] = [];
  const call: EngineCall = {
    signal,
    usage,
    notes,
    budget: new TokenBudget('plan', deps.maxTokens ?? null, usage),
  };

  onProgress?.({
    type: 'plan-step',
    step: 'profile',
    detail: `${profile.rows} rows, ${profile.columns.length} columns`,
  });
  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'instructions' });
  const instructions = await engines.instructor.instructions(task, profile, call);
  if (instructions.length !== 3) {
    throw new LinguacodusError(
      'llm_bad_output',
      `The instructor gave ${instructions.length} instructions instead of 3.`,
    );
  }
  // Ranks come from the order asked for, whatever the model wrote in its text.
  const ranked = instructions.map((instruction, i) => ({ ...instruction, rank: i + 1 }));
  logger?.info({ titles: ranked.map((i) => i.title) }, 'instructions written');

  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'critique' });
  const input = { task, profile, instructions: ranked, evidence: [] as Evidence[] };
  let critique: string;
  try {
    critique = await engines.critic.critique(input, call);
  } catch (error) {
    throwIfCancelled(signal, 'planning');
    if (!recoverable(error)) throw error;
    // Three good instructions are worth a plan without a critique; the resolver still chooses.
    notes.push({
      role: 'critic',
      purpose: 'critique',
      action: 'fallback',
      reason: `no critique: ${error.message}`,
    });
    critique = `(No critique: ${error.message})`;
  }
  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'resolver' });
  const decision = await resolveOrFallBack(deps, { ...input, critique }, call);

  const plan = planSchema.parse({
    id: randomUUID(),
    task,
    profile,
    instructions: ranked,
    critique,
    resolver: {
      chose: decision.chose,
      instruction: { ...decision.instruction, rank: 0 },
      rationale: decision.rationale,
      evidence: [],
      verdict: null,
    },
    engines: engines.names,
    usage,
    notes,
    createdAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
  // Parsing through the schema keeps the plan plain JSON, as the bot stores it in Redis.
  logger?.info(
    { usage: usageLine(usage), notes: notes.map(noteLine), chose: plan.resolver.chose },
    'plan ready',
  );
  return plan;
}

/** The resolver's decision; when its model fails, the critique's or rank 1's option unimproved, said so. */
async function resolveOrFallBack(
  deps: PlanDeps,
  input: Parameters<Engines['critic']['resolve']>[0],
  call: EngineCall,
): Promise<ResolverDecision> {
  let decision: ResolverDecision;
  try {
    decision = await deps.engines.critic.resolve(input, call);
  } catch (error) {
    throwIfCancelled(call.signal, 'planning');
    if (!recoverable(error)) throw error;
    const fb = fallbackChoice({
      critique: input.critique,
      evidence: input.evidence,
      higherIsBetter: METRICS[input.task.metric].higherIsBetter,
    });
    const chosen = input.instructions.find((i) => i.rank === fb.chose) ?? input.instructions[0];
    if (!chosen) throw error;
    const reason = `the resolver failed (${error.message}); ${fb.because}; option ${chosen.rank} is used as it stands`;
    call.notes?.push({ role: 'critic', purpose: 'resolve', action: 'fallback', reason });
    return {
      chose: chosen.rank,
      instruction: { ...chosen, rank: 0 },
      rationale: `${reason[0]?.toUpperCase()}${reason.slice(1)}.`,
    };
  }
  if (!Number.isInteger(decision.chose) || decision.chose < 1 || decision.chose > 3) {
    throw new LinguacodusError(
      'llm_bad_output',
      `The resolver chose option ${decision.chose}, not 1, 2 or 3.`,
    );
  }
  return decision;
}

/** The option with the best quick CV score, or null when none scored. */
function bestByEvidence(evidence: Evidence[], higherIsBetter: boolean): number | null {
  const scored = evidence.filter(
    (e): e is Evidence & { cvScore: number } => e.cvScore !== null && Number.isFinite(e.cvScore),
  );
  if (scored.length === 0) return null;
  return scored.reduce((a, b) => ((higherIsBetter ? b.cvScore > a.cvScore : b.cvScore < a.cvScore) ? b : a))
    .rank;
}

const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString());

/**
 * The quick cross-validation of each option (in parallel), added to a drafted plan, with a verdict on the
 * resolver's first choice. With scores in hand the resolver decides again when that is cheap or needed: the
 * offline resolver always (it costs nothing and builds its choice and blend from the scores), a model resolver
 * only when the evidence prefers another option (one more call, off the path to the first plan).
 */
export async function addEvidence(
  plan: Plan,
  deps: PlanDeps,
  options: PlanOptions = {},
): Promise<EvidenceOutcome> {
  const { task, profile } = plan;
  const { engines, logger } = deps;
  const { signal, onProgress } = options;
  const higherIsBetter = METRICS[task.metric].higherIsBetter;
  const firstChoice = plan.resolver.chose;
  if (deps.evidenceTimeoutMs <= 0) {
    const verdict = {
      firstChoice,
      evidenceBest: null,
      agrees: null,
      summary: `No quick cross-validation (EVIDENCE_TIMEOUT_S is 0); the resolver's choice, option ${firstChoice}, stands on the critique.`,
    };
    return { plan: { ...plan, resolver: { ...plan.resolver, verdict } }, verdict, revised: false };
  }
  const started = Date.now();
  // The plan's budget covers its evidence too: count on from the draft's usage.
  const usage: LlmUsage[] = [...plan.usage];
  const notes: AnswerNote[] = [...(plan.notes ?? [])];
  const call: EngineCall = {
    signal,
    usage,
    notes,
    budget: new TokenBudget('plan', deps.maxTokens ?? null, usage),
  };

  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'evidence', detail: 'quick cross-validation of each option' });
  const harness = await prepareHarness(task, profile, deps.intakeLimits);
  const evidence = await gatherEvidence({
    sandbox: deps.sandbox,
    coder: engines.coder,
    task,
    profile,
    instructions: plan.instructions,
    files: harness.evidenceFiles,
    timeoutMs: deps.evidenceTimeoutMs,
    limits: deps.sandboxLimits,
    signal,
    usage,
    budget: call.budget,
    notes,
    onEvidence: (e) =>
      onProgress?.({
        type: 'plan-step',
        step: 'evidence',
        detail: `option ${e.rank}: ${e.cvScore === null ? `no score (${e.error ?? 'unknown'})` : `cv ${task.metric} ${Number(e.cvScore.toPrecision(4))}`} in ${e.seconds} s`,
      }),
  });
  throwIfCancelled(signal, 'planning');
  const best = bestByEvidence(evidence, higherIsBetter);
  const scores = [...evidence]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => `option ${e.rank} ${e.cvScore === null ? 'no score' : fmt(e.cvScore)}`)
    .join(', ');

  let { critique } = plan;
  let resolver = { ...plan.resolver, evidence };
  let after = '';
  const offline = engines.critic.kind === 'offline';
  if (offline || (best !== null && best !== firstChoice)) {
    try {
      const input = { task, profile, instructions: plan.instructions, evidence };
      // The offline researcher costs nothing, so its critique is written again with the scores in it.
      if (offline) critique = await engines.critic.critique(input, call);
      const decision = await engines.critic.resolve({ ...input, critique }, call);
      if (Number.isInteger(decision.chose) && decision.chose >= 1 && decision.chose <= 3) {
        resolver = {
          ...resolver,
          chose: decision.chose,
          instruction: { ...decision.instruction, rank: 0 },
          rationale: decision.rationale,
        };
        after =
          decision.chose === firstChoice
            ? ` Given the scores, the resolver keeps option ${firstChoice}.`
            : ` Given the scores, the resolver now chooses option ${decision.chose}.`;
      }
    } catch (error) {
      throwIfCancelled(signal, 'planning');
      if (!(error instanceof LinguacodusError)) throw error;
      after = ` The resolver could not decide again (${error.message}), so option ${firstChoice} stands.`;
      notes.push({
        role: 'critic',
        purpose: 'resolve with evidence',
        action: 'fallback',
        reason: error.message,
      });
    }
  }
  const metric = `${task.metric}, ${higherIsBetter ? 'higher' : 'lower'} is better`;
  const summary =
    best === null
      ? `Quick cross-validation gave no score (${evidence.map((e) => `option ${e.rank}: ${e.error ?? 'no score'}`).join('; ')}); the resolver's choice, option ${firstChoice}, stands on the critique.`
      : best === firstChoice
        ? `Quick cross-validation agrees with the resolver: option ${best} scores best (${scores}; ${metric}).${after}`
        : `Quick cross-validation prefers option ${best} (${scores}; ${metric}); the resolver had chosen option ${firstChoice}.${after}`;
  const verdict = {
    firstChoice,
    evidenceBest: best,
    agrees: best === null ? null : best === firstChoice,
    summary,
  };
  const revised =
    resolver.chose !== plan.resolver.chose ||
    JSON.stringify(resolver.instruction) !== JSON.stringify(plan.resolver.instruction);
  const withEvidence = planSchema.parse({
    ...plan,
    critique,
    resolver: { ...resolver, verdict },
    usage,
    notes,
    durationMs: plan.durationMs + (Date.now() - started),
  });
  logger?.info({ evidence, verdict, revised, usage: usageLine(usage) }, 'evidence gathered');
  return { plan: withEvidence, verdict, revised };
}

/** The whole plan in one call (the command line, the benchmark): the draft, then its evidence. */
export async function planTask(
  prepared: PreparedTask,
  deps: PlanDeps,
  options: PlanOptions = {},
): Promise<Plan> {
  const draft = await draftPlan(prepared, deps, options);
  return (await addEvidence(draft, deps, options)).plan;
}
