// Improve: one step from an earlier run (its folder: result.json, code.py, run.log). A coder model proposes one
// concrete change AIDE-style and writes the improved script; the offline engine takes its defined next step. Then the
// same repairs, harness and artifacts as any run; kind 'improve', the parent's choice kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { foldScoresOf, offlineImprovement } from '../offline/offline-improve.ts';
import { RECIPE_MARKER } from '../offline/recipe-script.ts';
import { type Plan, type RunResult, runResultSchema } from '../types.ts';
import { ARTIFACT_NAMES } from './artifacts.ts';
import { parseJson } from './blend-runs.ts';
import { chosenInstruction, runSource, stagedSource } from './run-plan.ts';
import { newRunState, type RunDeps, type RunOptions } from './run-state.ts';
import { writeStagedCode } from './write-code.ts';

/** Lines of the parent's run log the coder sees. */
const LOG_TAIL_LINES = 40;

/** A log line that tells of the held-out rows (their score, the baseline on them, their chart). */
const HOLDOUT_LINE = /holdout|held-out|baseline/i;

async function readParent(
  dir: string,
  blind: boolean,
): Promise<{ result: RunResult; code: string; logTail: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, ARTIFACT_NAMES.result), 'utf8');
  } catch {
    throw new LinguacodusError(
      'bad_input',
      'That run left no result to improve (its result.json is missing).',
    );
  }
  const parsed = runResultSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new LinguacodusError('bad_input', 'That run\u2019s result.json cannot be read.');
  const result = parsed.data;
  const code = await readFile(join(dir, ARTIFACT_NAMES.code), 'utf8').catch(() => result.code);
  const log = await readFile(join(dir, ARTIFACT_NAMES.log), 'utf8').catch(() => '');
  const lines = log.trimEnd().split('\n');
  const seen = blind ? lines.filter((line) => !HOLDOUT_LINE.test(line)) : lines;
  return { result, code, logTail: seen.slice(-LOG_TAIL_LINES).join('\n') };
}

export async function improveRun(
  plan: Plan,
  /** `blind`: the step sees nothing of the held-out rows (Auto's honest search): no holdout score, no such log lines. */
  from: { dir: string; blind?: boolean },
  deps: RunDeps,
  options: RunOptions,
): Promise<RunResult> {
  const { task, profile } = plan;
  const { signal, onProgress } = options;
  const blind = from.blind === true;
  const parent = await readParent(from.dir, blind);
  if (parent.result.kind === 'blend' || parent.result.choice === null) {
    throw new LinguacodusError('bad_input', 'A blend cannot be improved; improve one of the runs it blends.');
  }
  if (!parent.result.ok) {
    throw new LinguacodusError('bad_input', 'Only a run that finished with a score can be improved.');
  }
  const choice = parent.result.choice;
  const state = newRunState(deps);
  const { log, usage, notes, budget } = state;
  const parentInstruction = chosenInstruction(plan, choice);
  log.line(
    `plan ${plan.id}: improve the ${parent.result.kind} run of choice ${choice} (${blind ? '' : `holdout ${task.metric} ${parent.result.score}, `}own cv ${parent.result.cvScore ?? 'none'})`,
  );
  const coder = deps.engines.coder;
  if (coder.improve) {
    const context: StageContext = { task, profile, instruction: parentInstruction, previous: [] };
    const improved = await coder.improve(
      {
        context,
        code: parent.code,
        score: blind ? null : parent.result.score,
        cvScore: parent.result.cvScore,
        logTail: parent.logTail,
        history: parent.result.kind === 'improve' && parent.result.change ? [parent.result.change] : [],
      },
      { signal, usage, budget, notes },
    );
    return runSource(
      plan,
      {
        kind: 'improve',
        choice,
        change: improved.change,
        instruction: parentInstruction,
        stages: [],
        code: improved.code,
        context,
      },
      deps,
      options,
      state,
    );
  }
  // The offline engine's next step: a new recipe, its instruction and staged code from the templates.
  // What the parent's run showed on the training rows: its folds' scores (the target's distribution is the profile's).
  const step = offlineImprovement(parent.code, parentInstruction, task, profile, {
    foldScores: foldScoresOf(parent.result.attempts.at(-1)?.stdoutTail ?? ''),
    higherIsBetter: parent.result.higherIsBetter,
  });
  const written = await writeStagedCode(
    coder,
    { task, profile, instruction: step.instruction },
    { signal, usage, budget, notes, onProgress },
  );
  // The parent's script with one change, written where a reader starts: under the recipe marker, as a comment.
  const lines = written.code.split('\n');
  const at = lines[0]?.startsWith(RECIPE_MARKER) ? 1 : 0;
  lines.splice(at, 0, `# Improved: ${step.change}.`);
  return runSource(
    plan,
    stagedSource('improve', choice, step.change, step.instruction, { ...written, code: lines.join('\n') }),
    deps,
    options,
    state,
  );
}
