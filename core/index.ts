// The public face of core: what the bot, the CLI and the benchmark call. Intake, planning and running, with
// the engines chosen per role (a model endpoint, or the offline engine where a role has none).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Sandbox, SandboxLimits } from '../sandbox/types.ts';
import { intakeTask } from './intake/index.ts';
import { type CoreRoles, createEngines, type EngineNames } from './pipeline/engines.ts';
import { type PlanOptions, type PreparedTask, planTask } from './pipeline/plan-task.ts';
import { type RunOptions, runPlan } from './pipeline/run-plan.ts';
import type { Choice, IntakeLimits, Plan, RunResult, TaskInput } from './types.ts';

export { LinguacodusError } from './errors.ts';
export { renderInstruction } from './instruction-markdown.ts';
export type { CoreRoleConfig, CoreRoleName, CoreRoles, EngineNames } from './pipeline/engines.ts';
export type { PlanOptions, PreparedTask } from './pipeline/plan-task.ts';
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

export interface Core {
  /** Which engine answers each role. */
  readonly engines: EngineNames;
  /** Reads the files and the text into a task spec and a data profile (errors name the problem). */
  intake(input: TaskInput): Promise<PreparedTask>;
  /** Three ranked instructions, evidence, critique and the resolver's choice; plain JSON. */
  plan(prepared: PreparedTask, options?: PlanOptions): Promise<Plan>;
  /** Code, sandbox run with repairs, the harness's score and artifacts (in options.outDir, or under workRoot). */
  run(plan: Plan, choice: Choice, options?: Partial<RunOptions>): Promise<RunResult>;
}

export function createCore(deps: CoreDeps): Core {
  const engines = createEngines(deps.roles, deps.logger);
  const { limits } = deps;
  return {
    engines: engines.names,
    intake: async (input) => {
      const { spec, profile } = await intakeTask(input, limits);
      return { task: spec, profile };
    },
    plan: (prepared, options = {}) =>
      planTask(
        prepared,
        {
          engines,
          sandbox: deps.sandbox,
          sandboxLimits: limits.sandbox,
          evidenceTimeoutMs: limits.evidenceTimeoutMs,
          intakeLimits: limits,
          logger: deps.logger?.child({ step: 'plan' }),
        },
        options,
      ),
    run: async (plan, choice, options = {}) => {
      const outDir =
        options.outDir ?? join(resolve(deps.workRoot), 'runs', `${plan.id}-${choice}-${Date.now()}`);
      await mkdir(outDir, { recursive: true });
      return runPlan(
        plan,
        choice,
        {
          engines,
          sandbox: deps.sandbox,
          sandboxLimits: limits.sandbox,
          maxRepairs: limits.maxRepairs,
          intakeLimits: limits,
          logger: deps.logger?.child({ step: 'run', planId: plan.id }),
        },
        { ...options, outDir },
      );
    },
  };
}
