// Planning (the paper's Instruction Creation): three ranked instructions in parallel, evidence from quick
// cross-validation inside the training part, the researcher's critique and the resolver's decision.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sandbox, SandboxLimits } from '../../sandbox/types.ts';
import { LinguacodusError } from '../errors.ts';
import { prepareHarness } from '../harness/index.ts';
import {
  type DataProfile,
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

export async function planTask(
  prepared: PreparedTask,
  deps: PlanDeps,
  options: PlanOptions = {},
): Promise<Plan> {
  const started = Date.now();
  const { task, profile } = prepared;
  const { engines, logger } = deps;
  const { signal, onProgress } = options;
  const usage: LlmUsage[] = [];
  const call = { signal, usage };

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
  let evidence: Plan['resolver']['evidence'] = [];
  if (deps.evidenceTimeoutMs > 0) {
    onProgress?.({ type: 'plan-step', step: 'evidence', detail: 'quick cross-validation of each option' });
    const harness = await prepareHarness(task, profile, deps.intakeLimits);
    evidence = await gatherEvidence({
      sandbox: deps.sandbox,
      coder: engines.coder,
      task,
      profile,
      instructions: ranked,
      files: harness.evidenceFiles,
      timeoutMs: deps.evidenceTimeoutMs,
      limits: deps.sandboxLimits,
      signal,
      usage,
      onEvidence: (e) =>
        onProgress?.({
          type: 'plan-step',
          step: 'evidence',
          detail: `option ${e.rank}: ${e.cvScore === null ? `no score (${e.error ?? 'unknown'})` : `cv ${task.metric} ${Number(e.cvScore.toPrecision(4))}`} in ${e.seconds} s`,
        }),
    });
    logger?.info({ evidence }, 'evidence gathered');
  }

  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'critique' });
  const critique = await engines.critic.critique({ task, profile, instructions: ranked, evidence }, call);
  throwIfCancelled(signal, 'planning');
  onProgress?.({ type: 'plan-step', step: 'resolver' });
  const decision = await engines.critic.resolve(
    { task, profile, instructions: ranked, evidence, critique },
    call,
  );
  if (!Number.isInteger(decision.chose) || decision.chose < 1 || decision.chose > 3) {
    throw new LinguacodusError(
      'llm_bad_output',
      `The resolver chose option ${decision.chose}, not 1, 2 or 3.`,
    );
  }

  // Parsing through the schema keeps the plan plain JSON, as the bot stores it in Redis.
  return planSchema.parse({
    id: randomUUID(),
    task,
    profile,
    instructions: ranked,
    critique,
    resolver: {
      chose: decision.chose,
      instruction: { ...decision.instruction, rank: 0 },
      rationale: decision.rationale,
      evidence,
    },
    engines: engines.names,
    usage,
    createdAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}
