import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite, suiteTaskInput } from '../../bench/suite.ts';
import { type CoreRoleConfig, createCore } from '../../core/index.ts';
import { type ProgressEvent, planSchema } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { type FakeOpenAI, type FakeRequest, startFakeOpenAI } from '../helpers/fake-openai-server.ts';

// What a capable model answers to the paper's prompts for the wild blueberry task: instructions in the
// paper's markdown, a critique in prose, the resolver's pick, and code in fenced blocks.
const PLACES: Record<string, { title: string; model: string }> = {
  first: { title: 'Random forest regressor', model: 'A RandomForestRegressor with 300 trees.' },
  second: { title: 'Gradient boosting', model: 'A GradientBoostingRegressor with 300 shallow trees.' },
  third: { title: 'Ridge regression', model: 'A Ridge regression on standardised features.' },
};

function instructionAnswer(place: string): string {
  const p = PLACES[place]!;
  return `Sure! Here is the ${place} place instruction.

### ${p.title}

#### Data Preprocessing:

- Load train.csv and test.csv; the id column is \`Row#\` and the target \`bb_yield\`.
- Fill missing numeric values with the training median.

#### Model Architecture:

- ${p.model}

#### Model Training:

- 5-fold cross-validation optimising mean absolute error; fit on all rows at the end.

#### Submission:

- Write \`Row#\` and the predicted \`bb_yield\` to submission.csv.`;
}

const CRITIQUE = `Option 1: a random forest is robust but the instruction does not tune the number of features per split.
Option 2: gradient boosting is usually the strongest on this kind of tabular data, though it lacks early stopping.
Option 3: ridge regression cannot capture the interactions between bee densities and fruit set.
On balance the second option is the best.`;

const RESOLVER = `Chosen option: 2

The researcher found option 2 strongest; the improved instruction adds a learning rate and subsampling.

### Gradient boosting, tuned

#### Data Preprocessing:

- Load train.csv and test.csv; the id column is \`Row#\` and the target \`bb_yield\`.
- Fill missing numeric values with the training median.

#### Model Architecture:

- A GradientBoostingRegressor with 300 trees, learning rate 0.05, depth 3 and subsample 0.8.

#### Model Training:

- 5-fold cross-validation (3 folds in quick mode) optimising mean absolute error; fit on all rows.

#### Submission:

- Write \`Row#\` and the predicted \`bb_yield\` to submission.csv.`;

const STAGE_CODE: Record<string, string> = {
  'Data Preprocessing': `import pandas as pd
import numpy as np

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
id_col, target = "Row#", "bb_yield"
features = [c for c in train.columns if c not in (id_col, target)]
medians = train[features].median()
X = train[features].fillna(medians)
y = train[target]
X_test = test[features].fillna(medians)`,
  'Model Architecture': `from sklearn.ensemble import GradientBoostingRegressor

def build_model():
    return GradientBoostingRegressor(n_estimators=300, learning_rate=0.05, max_depth=3, subsample=0.8, random_state=0)`,
  'Model Training': `import json
import os
from sklearn.model_selection import KFold, cross_val_score

quick = os.environ.get("LC_QUICK") == "1"
folds = KFold(n_splits=3 if quick else 5, shuffle=True, random_state=0)
cv_mae = -cross_val_score(build_model(), X, y, cv=folds, scoring="neg_mean_absolute_error").mean()
with open("cv_score.json", "w") as f:
    json.dump({"metric": "mae", "cv_score": float(cv_mae)}, f)
model = build_model().fit(X, y)`,
  Submission: `pred = model.predict(X_test)
pd.DataFrame({id_col: test[id_col], target: pred}).to_csv("submission.csv", index=False)`,
};

const STAGE_ORDER = ['Data Preprocessing', 'Model Architecture', 'Model Training', 'Submission'];
const CORRECT_SCRIPT = STAGE_ORDER.map((s) => `# --- ${s} ---\n${STAGE_CODE[s]}`).join('\n\n');
// The integrated script a model gets subtly wrong: a misspelt target column.
const BUGGY_SCRIPT = CORRECT_SCRIPT.replace('y = train[target]', 'y = train["bb_yeild"]');

const fenced = (code: string, lead = 'Here is the code.') => `${lead}\n\n\`\`\`python\n${code}\n\`\`\`\n`;

function promptOf(request: FakeRequest): string {
  if (typeof request.body.prompt === 'string') return request.body.prompt;
  const messages = request.body.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}

const repairsSeen: string[] = [];

function answer(request: FakeRequest): string {
  const prompt = promptOf(request);
  const place = /writing the (first|second|third) place instruction/.exec(prompt)?.[1];
  if (place) return instructionAnswer(place);
  if (prompt.includes('You are a researcher tasked')) return CRITIQUE;
  if (prompt.includes('You are resolver tasked')) return RESOLVER;
  const stage = /Write the Python code for the (.+?) stage only/.exec(prompt)?.[1];
  if (stage && STAGE_CODE[stage]) return fenced(STAGE_CODE[stage]);
  if (prompt.includes('Integrate all the code parts above'))
    return fenced(BUGGY_SCRIPT, 'The integrated script:');
  if (prompt.includes('Fix the error.')) {
    repairsSeen.push(prompt);
    return fenced(CORRECT_SCRIPT, 'The target column name was misspelt; fixed:');
  }
  return 'I am not sure what you are asking.';
}

let server: FakeOpenAI;
let workRoot: string;

beforeAll(async () => {
  server = await startFakeOpenAI(answer);
  workRoot = await mkdtemp(join(tmpdir(), 'lc-solve-llm-'));
});
afterAll(async () => {
  await server?.close();
  await rm(workRoot, { recursive: true, force: true });
});

const role = (model: string, api: 'chat' | 'completions' = 'chat'): CoreRoleConfig => ({
  baseURL: server.url,
  model,
  apiKey: 'test-key',
  api,
  timeoutMs: 20_000,
  maxTokens: 2048,
});

describe('solve through model endpoints speaking the OpenAI API', () => {
  it('plans with the three roles, then repairs the integrated script and scores it', async () => {
    const core = createCore({
      sandbox: createSandbox({ driver: 'bwrap' }),
      roles: {
        instructor: role('llama-2-7b-linguacodus', 'completions'),
        critic: role('critic-model'),
        coder: role('coder-model'),
      },
      limits: {
        maxBytes: 50 * 1024 * 1024,
        maxRows: 2_000_000,
        maxColumns: 2_000,
        maxRepairs: 3,
        sandbox: { timeoutMs: 300_000 },
        evidenceTimeoutMs: 60_000,
      },
      workRoot,
    });
    expect(core.engines).toEqual({ instructor: 'llm', critic: 'llm', coder: 'llm' });
    const suite = await loadSuite();
    const prepared = await core.intake(suiteTaskInput(suite.tasks.find((t) => t.id === 'blueberry_yield')!));
    const events: ProgressEvent[] = [];
    const plan = await core.plan(prepared, { onProgress: (e) => events.push(e) });

    expect(planSchema.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    expect(plan.engines).toEqual({ instructor: 'llm', critic: 'llm', coder: 'llm' });
    expect(plan.instructions.map((i) => i.title)).toEqual([
      'Random forest regressor',
      'Gradient boosting',
      'Ridge regression',
    ]);
    expect(plan.instructions[0]?.modelArchitecture.join(' ')).toContain('RandomForestRegressor');
    expect(plan.critique).toContain('second option is the best');
    expect(plan.resolver.chose).toBe(2);
    expect(plan.resolver.instruction.title).toBe('Gradient boosting, tuned');
    // The instructor's three places went to the completions endpoint (Llama 2 template) at the same time.
    const instructorCalls = server.requests.filter((r) => r.path === '/v1/completions');
    expect(instructorCalls).toHaveLength(3);
    expect(String(instructorCalls[0]?.body.prompt)).toMatch(/^\[INST\] <<SYS>>/);
    // Usage is recorded per call: three instructions, critique, resolver and the evidence code.
    expect(plan.usage.filter((u) => u.role === 'instructor')).toHaveLength(3);
    expect(plan.usage.map((u) => u.purpose)).toEqual(expect.arrayContaining(['critique', 'resolve']));
    // The evidence ran each option's (buggy) integrated script quickly and says what went wrong.
    expect(plan.resolver.evidence).toHaveLength(3);
    expect(plan.resolver.evidence[0]?.error).toContain('KeyError');

    const run = await core.run(plan, 'resolver', {
      outDir: join(workRoot, 'run'),
      onProgress: (e) => events.push(e),
    });
    expect(run.attempts).toHaveLength(2);
    expect(run.attempts[0]?.ok).toBe(false);
    expect(run.attempts[0]?.error).toContain("KeyError: 'bb_yeild'");
    expect(run.attempts[1]?.ok).toBe(true);
    // The repair prompt carried the failing line and the exception, as the coder needs them.
    const repairPrompt = repairsSeen.at(-1) ?? '';
    expect(repairPrompt).toContain("KeyError: 'bb_yeild'");
    expect(repairPrompt).toMatch(/Failing line \d+: y = train\["bb_yeild"\]/);
    expect(run.ok).toBe(true);
    expect(run.metric).toBe('mae');
    expect(run.score).not.toBeNull();
    expect(run.score!).toBeLessThan(run.baseline!.score);
    expect(run.cvScore).not.toBeNull();
    expect(run.stages.map((s) => s.code.trim())).toEqual(STAGE_ORDER.map((s) => STAGE_CODE[s]));
    expect(run.usage.filter((u) => u.role === 'coder').map((u) => u.purpose).length).toBe(6);
    const notebook = JSON.parse(await readFile(run.artifacts.notebook!, 'utf8'));
    const codeCells = notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    expect(codeCells).toHaveLength(4);
    expect(codeCells[0].source.join('')).toContain('pd.read_csv("train.csv")');
    expect(events).toContainEqual(expect.objectContaining({ type: 'attempt', n: 2, status: 'passed' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'score', metric: 'mae' }));
  });
});
