// Running a plan (the paper's Fig. 9): staged code for the chosen instruction, integration, the sandbox run with
// repairs, the harness's holdout score beside a baseline, the user's own test file, and the artifacts.
import type { Logger } from 'pino';
import type { Sandbox, SandboxLimits } from '../../sandbox/types.ts';
import { LinguacodusError } from '../errors.ts';
import {
  CHART_FILE,
  chartSpec,
  collected,
  drawHoldoutChart,
  METRICS,
  prepareHarness,
  readCvScore,
  SUBMISSION_FILE,
} from '../harness/index.ts';
import { noteLine, TokenBudget, usageLine } from '../llm/usage.ts';
import {
  type AnswerNote,
  type Choice,
  type Instruction,
  type IntakeLimits,
  type LlmUsage,
  type Plan,
  type ProgressListener,
  type RunResult,
  runResultSchema,
} from '../types.ts';
import { RunLog, writeArtifacts } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import type { Engines } from './engines.ts';
import { buildNotebook } from './notebook.ts';
import { executeScript, runWithRepairs } from './repair-loop.ts';
import { writeStagedCode } from './write-code.ts';

export interface RunDeps {
  engines: Engines;
  sandbox: Sandbox;
  sandboxLimits: Partial<SandboxLimits>;
  maxRepairs: number;
  /** Limits for re-reading the task's files (the same as at intake). */
  intakeLimits: IntakeLimits;
  /** Most model tokens one run may use (MAX_TOKENS_PER_RUN); null: no limit. */
  maxTokens?: number | null;
  logger?: Logger;
}

export interface RunOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Where code.py, notebook.ipynb, chart.png, submission.csv and run.log go. */
  outDir: string;
}

/** The instruction a choice names: a place (1-3) or the resolver's improved one. */
export function chosenInstruction(plan: Plan, choice: Choice): Instruction {
  if (choice === 'resolver') return plan.resolver.instruction;
  const instruction = plan.instructions[Number(choice) - 1];
  if (!instruction) throw new LinguacodusError('bad_input', `There is no option ${choice} in this plan.`);
  return instruction;
}

const round = (x: number) => Number(x.toPrecision(6));

export async function runPlan(
  plan: Plan,
  choice: Choice,
  deps: RunDeps,
  options: RunOptions,
): Promise<RunResult> {
  const started = Date.now();
  const { task, profile } = plan;
  const { engines, sandbox, logger } = deps;
  const { signal, onProgress } = options;
  const metric = METRICS[task.metric];
  const usage: LlmUsage[] = [];
  const notes: AnswerNote[] = [];
  const budget = new TokenBudget('run', deps.maxTokens ?? null, usage);
  const log = new RunLog();
  const instruction = chosenInstruction(plan, choice);
  log.line(`plan ${plan.id}, choice ${choice}: ${instruction.title}`);
  log.line(`task: ${task.description}`);
  log.line(
    `metric ${task.metric} (${metric.higherIsBetter ? 'higher' : 'lower'} is better), target ${task.targets.join(', ')}`,
  );

  const written = await writeStagedCode(
    engines.coder,
    { task, profile, instruction },
    { signal, usage, budget, notes, onProgress },
  );
  for (const stage of written.stages) {
    log.line(
      `stage ${stage.stage}: ${stage.code.split('\n').length} lines written by the ${engines.names.coder} coder`,
    );
  }
  log.line('stages integrated into one script');

  const harness = await prepareHarness(task, profile, deps.intakeLimits);
  log.line(
    `holdout split (${task.split.kind}, ${Math.round(task.split.testFraction * 100)}% held out, seed ${task.split.seed}): ${harness.trainRows} training rows, ${harness.heldOutRows} held-out rows`,
  );

  const loop = await runWithRepairs({
    sandbox,
    coder: engines.coder,
    context: written.context,
    code: written.code,
    files: harness.runFiles,
    check: (execution) => harness.checkHoldoutSubmission(collected(execution, SUBMISSION_FILE)),
    maxRepairs: deps.maxRepairs,
    limits: deps.sandboxLimits,
    signal,
    usage,
    budget,
    notes,
    onProgress,
    onAttempt: (attempt) => {
      log.line(
        `attempt ${attempt.n}: ${attempt.ok ? 'passed' : 'failed'} in ${(attempt.durationMs / 1000).toFixed(1)} s`,
      );
      if (attempt.error) log.block('error (what the coder sees for a repair):', attempt.error);
      if (attempt.stdoutTail.trim()) log.block('stdout (tail):', attempt.stdoutTail);
    },
  });

  let score: number | null = null;
  let cvScore: number | null = null;
  let chart: Buffer | null = null;
  let submission: Buffer | null = null;
  let error: string | null = null;
  const baseline = harness.baseline();
  if (baseline) log.line(`baseline (${baseline.name}) on the holdout: ${round(baseline.score)}`);

  if (loop.ok) {
    const holdoutSubmission = collected(loop.execution, SUBMISSION_FILE)!;
    score = harness.score(holdoutSubmission);
    onProgress?.({ type: 'score', metric: task.metric, score });
    log.line(
      `holdout ${task.metric}: ${round(score)} (scored by the harness on ${harness.heldOutRows} held-out rows)`,
    );
    const cv = readCvScore(loop.execution);
    cvScore = cv.score;
    log.line(
      cv.problem
        ? `no cross-validation score: ${cv.problem}`
        : `the script's own cv ${task.metric}: ${cv.score}`,
    );

    const drawn = await drawHoldoutChart(
      sandbox,
      chartSpec(task, profile),
      harness.truthCsv,
      holdoutSubmission,
      signal,
    );
    chart = drawn.png ?? collected(loop.execution, CHART_FILE);
    if (drawn.problem) log.line(`holdout chart not drawn (${drawn.problem})`);

    if (harness.userTestFiles) {
      // The user's own unlabelled rows: the scored script once more, trained on every labelled row.
      log.line('final run: all labelled rows as train.csv, the user test file as test.csv');
      const final = await executeScript(sandbox, loop.code, {
        files: harness.userTestFiles,
        limits: deps.sandboxLimits,
        signal,
      });
      throwIfCancelled(signal, 'run');
      const bytes = collected(final, SUBMISSION_FILE);
      const problem =
        final.exitCode !== 0
          ? `the script failed on the test file (exit ${final.exitCode}${final.timedOut ? ', timed out' : ''})`
          : harness.checkUserSubmission(bytes);
      if (problem) {
        error = `Scored on the holdout, but no submission for the test file: ${problem}`;
        log.block(error, final.stderr.slice(-3000));
      } else {
        submission = bytes;
        log.line(`submission for the test file written (${harness.userTestRows} rows)`);
      }
    } else {
      submission = holdoutSubmission;
    }
  } else {
    error = [loop.coderError, loop.attempts.at(-1)?.error ?? 'The script failed.'].filter(Boolean).join('\n');
    if (loop.coderError) log.line(loop.coderError);
    log.line(`no valid submission after ${loop.attempts.length} attempts`);
  }

  log.line(`model usage: ${usageLine(usage)}`);
  for (const n of notes) log.line(`model answer ${noteLine(n)}`);
  const summary =
    score === null
      ? `No valid submission after ${loop.attempts.length} attempt(s).`
      : `Holdout ${task.metric}: **${round(score)}**${baseline ? ` (baseline ${baseline.name}: ${round(baseline.score)})` : ''}.`;
  const notebook = buildNotebook({ task, instruction, stages: written.stages, code: loop.code, summary });
  const artifacts = await writeArtifacts(options.outDir, {
    code: loop.code,
    notebook,
    chart,
    submission,
    log: log.toString(),
  });
  logger?.info(
    {
      choice,
      ok: loop.ok,
      score,
      attempts: loop.attempts.length,
      usage: usageLine(usage),
      notes: notes.map(noteLine),
    },
    'run finished',
  );

  return runResultSchema.parse({
    planId: plan.id,
    choice,
    ok: loop.ok,
    metric: task.metric,
    higherIsBetter: metric.higherIsBetter,
    score,
    cvScore,
    baseline,
    stages: written.stages,
    code: loop.code,
    attempts: loop.attempts,
    error,
    artifacts,
    usage,
    notes,
    durationMs: Date.now() - started,
  });
}
