// The public face of core: what the bot, the CLI and the benchmark call. Intake, planning and running, with
// the engines chosen per role (a model endpoint, or the offline engine where a role has none).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../common/logger.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/types.ts';
import { prepareHarness } from './harness/index.ts';
import { type ColumnFact, intakeTask, type TargetChoice } from './intake/index.ts';
import { createModelClient } from './llm/model-client.ts';
import { METRICS } from './metrics.ts';
import {
  type AutoEvent,
  type AutoTree,
  autoSearch,
  pickedNode,
  publishPick,
} from './pipeline/auto-search.ts';
import { blendRuns } from './pipeline/blend-runs.ts';
import { type CoreRoles, createEngines, type EngineNames } from './pipeline/engines.ts';
import { improveRun } from './pipeline/improve-run.ts';
import { oofProperScorer } from './pipeline/oof-proper.ts';
import {
  addEvidence,
  draftPlan,
  type EvidenceOutcome,
  type PlanDeps,
  type PlanOptions,
  type PreparedTask,
  planTask,
} from './pipeline/plan-task.ts';
import { type RunDeps, type RunOptions, runPlan } from './pipeline/run-plan.ts';
import type { Choice, IntakeLimits, Plan, RunResult, TaskInput } from './types.ts';

export { LinguacodusError } from './errors.ts';
export { renderInstruction } from './instruction-markdown.ts';
export { bestRun, type Rankable, rankRuns } from './leaderboard.ts';
export { BudgetExceededError, noteLine, summarizeUsage, usageJson, usageLine } from './llm/usage.ts';
export {
  AUTO_NODES_DIR,
  AUTO_TREE_FILE,
  type AutoEvent,
  type AutoNode,
  type AutoTree,
  autoTreeSchema,
  DEFAULT_AUTO_BUDGET_S,
  MAX_AUTO_BUDGET_S,
  pickedNode,
  pickNode,
  publishPick,
  type SearchView,
} from './pipeline/auto-search.ts';
export type { CoreRoleConfig, CoreRoleName, CoreRoles, EngineNames } from './pipeline/engines.ts';
export type { EvidenceOutcome, PlanOptions, PreparedTask } from './pipeline/plan-task.ts';
export type { RunOptions } from './pipeline/run-plan.ts';
// The shared contracts (TaskSpec, DataProfile, Plan, RunResult...), for callers that hold only this entry point.
export * from './types.ts';

export interface CoreLimits extends IntakeLimits {
  /** Repairs after the first attempt (the paper: 3). */
  maxRepairs: number;
  /** Sandbox limits for generated code (time, memory, processes...). */
  sandbox: Partial<SandboxLimits>;
  /** Time box per option for the resolver's quick cross-validation evidence; 0 skips it. */
  evidenceTimeoutMs: number;
  /** Most model tokens (prompt + completion) one plan may use, its evidence included; absent or null: no limit. */
  maxTokensPerPlan?: number | null;
  /** Most model tokens one run may use (stages, integration, repairs); absent or null: no limit. */
  maxTokensPerRun?: number | null;
}

export interface CoreDeps {
  sandbox: Sandbox;
  /** Endpoints of the roles that have one; the rest run on the offline engine. */
  roles: CoreRoles;
  logger?: Logger;
  limits: CoreLimits;
  /** Folder under which runs without an explicit outDir keep their artifacts. */
  workRoot: string;
}

/** What intake hands on: the task and profile to plan from, and what a chat thread reads replies against. */
export interface IntakeOutcome extends PreparedTask {
  /** Every column's name, kind and few values, for reading "target: X", a bare column name or new words. */
  facts: ColumnFact[];
  /** The likely targets, most likely first: what the target may be changed to. */
  choices: TargetChoice[];
}

export interface Core {
  /** Which engine answers each role. */
  readonly engines: EngineNames;
  /**
   * Reads the files and the text (and replies in the thread, `input.notes`) into a task spec and a data profile.
   * Errors name the problem; a TargetQuestion (core/intake) asks which column to predict, with choices.
   */
  intake(input: TaskInput): Promise<IntakeOutcome>;
  /** Three ranked instructions, evidence, critique and the resolver's choice; plain JSON (draftPlan + addEvidence). */
  plan(prepared: PreparedTask, options?: PlanOptions): Promise<Plan>;
  /**
   * The plan after three sequential model calls: instructions, critique, resolver's choice, no evidence yet
   * (`resolver.verdict` null). Post it at once, then call addEvidence.
   */
  draftPlan(prepared: PreparedTask, options?: PlanOptions): Promise<Plan>;
  /**
   * The quick cross-validation of a drafted plan's options (in parallel): the plan with its evidence, the verdict
   * on the resolver's first choice (agrees, or which option the scores prefer, in one line) and whether the
   * resolver's choice was revised. Edit the posted plan with it.
   */
  addEvidence(plan: Plan, options?: PlanOptions): Promise<EvidenceOutcome>;
  /**
   * Code, sandbox run with repairs, the harness's score and artifacts (in options.outDir, or under workRoot).
   * `vanilla`: the coder writes the whole solution from the task alone (offline: the plain default model).
   */
  run(plan: Plan, choice: Choice, options?: Partial<RunOptions>): Promise<RunResult>;
  /**
   * One improvement step from an earlier run (its folder: result.json, code, log, predictions): a coder model makes
   * one concrete change with its own repairs; offline, the engine's defined next step. kind 'improve'.
   */
  improve(plan: Plan, from: { dir: string }, options?: Partial<RunOptions>): Promise<RunResult>;
  /**
   * Combines finished runs' predictions (their folders) with weights fitted on their out-of-fold predictions,
   * scored by the harness on the same held-out rows. kind 'blend'. Needs two members with predictions.
   */
  blend(
    plan: Pick<Plan, 'id' | 'task' | 'profile'>,
    members: { label: string; dir: string }[],
    options?: Partial<RunOptions>,
  ): Promise<RunResult>;
  /**
   * Auto: a search within `budgetS` seconds from the drafts (options 1-3, vanilla) by improve, debug and blend moves,
   * each node a run in outDir/tree/; the pick by cross-validation only. tree.json at the top of outDir.
   */
  auto(plan: Plan, options: AutoRunOptions): Promise<AutoOutcome>;
}

/** A finished (or cancelled) search: its tree, and the pick's result as published at the top of its folder. */
export interface AutoOutcome {
  tree: AutoTree;
  /** The pick's result.json at the top of outDir (its files copied there); null when no node finished. */
  pick: RunResult | null;
  outDir: string;
}

export interface AutoRunOptions {
  budgetS: number;
  outDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: AutoEvent) => void;
  onProgress?: RunOptions['onProgress'];
}

export function createCore(deps: CoreDeps): Core {
  const engines = createEngines(deps.roles, deps.logger);
  const { limits } = deps;
  // When intake is unsure of the target, the critic (if it has an endpoint) chooses among the candidates.
  const advisor = deps.roles.critic ? createModelClient('critic', deps.roles.critic) : undefined;
  const planDeps: PlanDeps = {
    engines,
    sandbox: deps.sandbox,
    sandboxLimits: limits.sandbox,
    evidenceTimeoutMs: limits.evidenceTimeoutMs,
    intakeLimits: limits,
    maxTokens: limits.maxTokensPerPlan ?? null,
    logger: deps.logger?.child({ step: 'plan' }),
  };
  const runDeps = (plan: Pick<Plan, 'id'>): RunDeps => ({
    engines,
    sandbox: deps.sandbox,
    sandboxLimits: limits.sandbox,
    maxRepairs: limits.maxRepairs,
    intakeLimits: limits,
    maxTokens: limits.maxTokensPerRun ?? null,
    logger: deps.logger?.child({ step: 'run', planId: plan.id }),
  });
  const runFolder = async (plan: Pick<Plan, 'id'>, name: string, options: Partial<RunOptions>) => {
    const outDir = options.outDir ?? join(resolve(deps.workRoot), 'runs', `${plan.id}-${name}-${Date.now()}`);
    await mkdir(outDir, { recursive: true });
    return outDir;
  };
  return {
    engines: engines.names,
    intake: async (input) => {
      const { spec, profile, facts, choices } = await intakeTask(input, limits, {
        advisor,
        onAdviceRefused: (why) => deps.logger?.warn({ why }, 'the critic’s choice of target was not used'),
      });
      return { task: spec, profile, facts, choices };
    },
    plan: (prepared, options = {}) => planTask(prepared, planDeps, options),
    draftPlan: (prepared, options = {}) => draftPlan(prepared, planDeps, options),
    addEvidence: (plan, options = {}) => addEvidence(plan, planDeps, options),
    run: async (plan, choice, options = {}) => {
      const outDir = await runFolder(plan, choice, options);
      return runPlan(plan, choice, runDeps(plan), { ...options, outDir });
    },
    improve: async (plan, from, options = {}) => {
      const outDir = await runFolder(plan, 'improve', options);
      return improveRun(plan, from, runDeps(plan), { ...options, outDir });
    },
    blend: async (plan, members, options = {}) => {
      const outDir = await runFolder(plan, 'blend', options);
      return blendRuns(plan, members, runDeps(plan), { ...options, outDir });
    },
    auto: async (plan, options) => {
      const outDir = await runFolder(plan, 'auto', { outDir: options.outDir });
      const deps = runDeps(plan);
      // Ties of the CV score are broken by a proper scoring rule of the out-of-fold predictions (training rows).
      const harness = await prepareHarness(plan.task, plan.profile, limits);
      // Nodes skip the notebook's extra run: the search's time goes to nodes.
      const nodeOptions = (dir: string, signal: AbortSignal): RunOptions => ({
        outDir: dir,
        signal,
        onProgress: options.onProgress,
        executeNotebook: false,
      });
      const made = async (dir: string) => {
        await mkdir(dir, { recursive: true });
        return dir;
      };
      const tree = await autoSearch(
        {
          draft: async (choice, dir, signal) =>
            runPlan(plan, choice, deps, nodeOptions(await made(dir), signal)),
          debug: async (choice, dir, signal) =>
            runPlan(plan, choice, deps, nodeOptions(await made(dir), signal)),
          improve: async (from, dir, signal) =>
            improveRun(plan, { dir: from, blind: true }, deps, nodeOptions(await made(dir), signal)),
          blend: async (members, dir, signal) =>
            blendRuns(plan, members, deps, nodeOptions(await made(dir), signal)),
        },
        {
          budgetS: options.budgetS,
          outDir,
          signal: options.signal,
          canDebug: engines.names.coder === 'llm',
          properScore: oofProperScorer(plan.task, plan.profile, harness),
          maxTokens: limits.maxTokensPerRun ?? null,
          higherIsBetter: METRICS[plan.task.metric].higherIsBetter,
          metric: plan.task.metric,
          onEvent: options.onEvent,
        },
      );
      const node = pickedNode(tree);
      const pick = node ? await publishPick(node.dir, outDir) : null;
      return { tree, pick, outDir };
    },
  };
}
