// Planning in two steps: the draft (instructions, critique, resolver: three sequential calls, no evidence), then
// the quick cross-validation of the options, whose verdict confirms or revises the resolver's choice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoderEngine, CriticEngine, InstructorEngine, ResolverDecision } from '../../core/engine.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import type { Engines } from '../../core/pipeline/engines.ts';
import { addEvidence, draftPlan, type PlanDeps, type PreparedTask } from '../../core/pipeline/plan-task.ts';
import type { Evidence } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { instructionOptions } from '../helpers/instruction-fixture.ts';

let dir: string;
let prepared: PreparedTask;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-plan-steps-'));
  const rows = Array.from({ length: 80 }, (_, i) => `${i},${i % 7},${(i % 7) * 2 + (i % 3)}`);
  const file = join(dir, 'train.csv');
  await writeFile(file, `id,x,y\n${rows.join('\n')}\n`);
  const { spec, profile } = await intakeTask(
    { text: 'Predict y from x. Metric: RMSE', files: [file], overrides: { target: 'y' } },
    DEFAULT_INTAKE_LIMITS,
  );
  prepared = { task: spec, profile };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = instructionOptions(['Option one', 'Option two', 'Option three']);

const instructor: InstructorEngine = { kind: 'llm', instructions: async () => options };

/** Each option's script writes its own fixed cv score: option 2 is best (lowest rmse). */
const CV: Record<string, number> = { 'Option one': 0.9, 'Option two': 0.4, 'Option three': 0.7 };
const coder: CoderEngine = {
  kind: 'llm',
  writeStage: async (stage, context) =>
    stage === 'training'
      ? `import json\njson.dump({"metric": "rmse", "cv_score": ${CV[context.instruction.title]}}, open("cv_score.json", "w"))`
      : 'pass',
  integrate: async (context) => context.previous.map((p) => p.code).join('\n'),
  repair: async (code) => code,
};

/** A model-like critic: chooses option 1 without evidence and the best-scoring option with it; records its calls. */
function critic(
  resolve?: (evidence: Evidence[]) => Promise<ResolverDecision>,
): CriticEngine & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'llm',
    calls,
    critique: async (input) => {
      calls.push(`critique with ${input.evidence.length} evidence`);
      return 'Option 1 is solid.';
    },
    resolve: async (input) => {
      calls.push(`resolve with ${input.evidence.length} evidence`);
      if (resolve) return resolve(input.evidence);
      const best = input.evidence
        .filter((e) => e.cvScore !== null)
        .sort((a, b) => a.cvScore! - b.cvScore!)[0];
      const chose = best?.rank ?? 1;
      return { chose, instruction: { ...options[chose - 1]!, rank: 0 }, rationale: `Option ${chose}.` };
    },
  };
}

function deps(c: CriticEngine, evidenceTimeoutMs = 60_000): PlanDeps {
  const engines: Engines = {
    instructor,
    critic: c,
    coder,
    names: { instructor: 'llm', critic: 'llm', coder: 'llm' },
  };
  return {
    engines,
    sandbox: createSandbox({ driver: 'bwrap' }),
    sandboxLimits: { timeoutMs: 60_000 },
    evidenceTimeoutMs,
    intakeLimits: DEFAULT_INTAKE_LIMITS,
  };
}

describe('draftPlan', () => {
  it('plans from the instructions, the critique and the resolver alone; the evidence is not run yet', async () => {
    const c = critic();
    const plan = await draftPlan(prepared, deps(c));
    expect(c.calls).toEqual(['critique with 0 evidence', 'resolve with 0 evidence']);
    expect(plan.resolver.chose).toBe(1);
    expect(plan.resolver.evidence).toEqual([]);
    expect(plan.resolver.verdict).toBeNull();
  });

  it("keeps the plan when the resolver fails: the critique's option unimproved, said in a note", async () => {
    const c = critic(async () => {
      throw new LinguacodusError('llm_error', 'The critic model failed after 4 attempts: HTTP 500.');
    });
    c.critique = async () => 'Option 1 lacks tuning. Option 3 is the most promising.';
    const plan = await draftPlan(prepared, deps(c));
    expect(plan.resolver.chose).toBe(3);
    expect(plan.resolver.instruction).toEqual({ ...options[2], rank: 0 });
    expect(plan.notes).toEqual([
      {
        role: 'critic',
        purpose: 'resolve',
        action: 'fallback',
        reason:
          "the resolver failed (The critic model failed after 4 attempts: HTTP 500.); the researcher's critique prefers option 3; option 3 is used as it stands",
      },
    ]);
  });
});

describe('addEvidence', () => {
  it('runs the options in parallel, says the evidence disagrees, and asks the model resolver again', async () => {
    const c = critic();
    const draft = await draftPlan(prepared, deps(c));
    const outcome = await addEvidence(draft, deps(c));
    expect(outcome.plan.resolver.evidence.map((e) => e.cvScore)).toEqual([0.9, 0.4, 0.7]);
    expect(outcome.verdict).toEqual({
      firstChoice: 1,
      evidenceBest: 2,
      agrees: false,
      summary:
        'Quick cross-validation prefers option 2 (option 1 0.9, option 2 0.4, option 3 0.7; rmse, lower is better); the resolver had chosen option 1. Given the scores, the resolver now chooses option 2.',
    });
    expect(outcome.revised).toBe(true);
    expect(outcome.plan.resolver.chose).toBe(2);
    expect(outcome.plan.resolver.verdict).toEqual(outcome.verdict);
    // Only the resolver is asked again; the model critique stands.
    expect(c.calls).toEqual([
      'critique with 0 evidence',
      'resolve with 0 evidence',
      'resolve with 3 evidence',
    ]);
  });

  it('leaves the resolver alone when the evidence agrees', async () => {
    const c = critic(async (evidence) => ({
      chose: 2,
      instruction: { ...options[1]!, rank: 0 },
      rationale: `with ${evidence.length}`,
    }));
    const outcome = await addEvidence(await draftPlan(prepared, deps(c)), deps(c));
    expect(outcome.verdict.agrees).toBe(true);
    expect(outcome.verdict.summary).toMatch(
      /^Quick cross-validation agrees with the resolver: option 2 scores best/,
    );
    expect(outcome.revised).toBe(false);
    expect(c.calls).toHaveLength(2);
  });

  it('says so when the evidence is off', async () => {
    const c = critic();
    const outcome = await addEvidence(await draftPlan(prepared, deps(c, 0)), deps(c, 0));
    expect(outcome.verdict).toMatchObject({ agrees: null, evidenceBest: null });
    expect(outcome.verdict.summary).toContain('No quick cross-validation (EVIDENCE_TIMEOUT_S is 0)');
  });
});
