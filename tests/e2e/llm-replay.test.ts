// The product against models that answer the way real ones do (tests/helpers/replay-model-server.ts), through the
// official openai client: each way a real answer goes wrong is caught, handled, and said in the plan or the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite, suiteTaskInput } from '../../bench/suite.ts';
import { runSolveCli } from '../../core/cli/solve-cli.ts';
import {
  BudgetExceededError,
  type Core,
  type CoreLimits,
  type CoreRoles,
  createCore,
  LinguacodusError,
  type PreparedTask,
  summarizeUsage,
} from '../../core/index.ts';
import { createSandbox } from '../../sandbox/index.ts';
import type { FakeRequest } from '../helpers/fake-openai-server.ts';
import {
  type CoderStyle,
  type InstructorStyle,
  type ReplayScript,
  type ReplayServer,
  type ResolverStyle,
  startReplayModels,
} from '../helpers/replay-model-server.ts';

const SLOW = 240_000;
const sandbox = createSandbox({ driver: 'bwrap' });
let workRoot: string;
let blueberry: Awaited<ReturnType<typeof loadSuite>>['tasks'][number];
let server: ReplayServer | null = null;

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'lc-llm-replay-'));
  blueberry = (await loadSuite()).tasks.find((t) => t.id === 'blueberry_yield')!;
});
afterEach(async () => {
  await server?.close();
  server = null;
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

const LIMITS: CoreLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 2_000,
  maxRepairs: 3,
  sandbox: { timeoutMs: 300_000 },
  evidenceTimeoutMs: 0,
};

/** The roles as a deployment has them: the fine-tuned Llama 2 on vLLM completions, a chat critic and coder. */
function roles(url: string, instructorPrompt: 'paper' | 'rich' = 'paper'): CoreRoles {
  const base = { baseURL: url, apiKey: 'test-key', timeoutMs: 20_000 };
  return {
    instructor: {
      ...base,
      model: 'llama-2-7b-supercode',
      api: 'completions',
      maxTokens: 1024,
      prompt: instructorPrompt,
    },
    critic: { ...base, model: 'critic-model', api: 'chat', maxTokens: 2048 },
    coder: { ...base, model: 'coder-model', api: 'chat', maxTokens: 16_384 },
  };
}

/** A replay server with this script, a core on it, and the blueberry task taken in. */
async function setup(
  script: ReplayScript,
  limits: Partial<CoreLimits> = {},
  instructorPrompt: 'paper' | 'rich' = 'paper',
): Promise<{ core: Core; prepared: PreparedTask; server: ReplayServer }> {
  server = await startReplayModels(script);
  const core = createCore({
    sandbox,
    roles: roles(server.url, instructorPrompt),
    limits: { ...LIMITS, ...limits },
    workRoot,
  });
  const prepared = await core.intake(suiteTaskInput(blueberry));
  server.useTask(prepared);
  return { core, prepared, server };
}

/** Instructor styles by place and by how many times the place was asked (0 first). */
const places =
  (styles: Record<number, InstructorStyle | InstructorStyle[]>): ReplayScript['instructor'] =>
  (rank, nth) => {
    const s = styles[rank] ?? 'plain';
    return Array.isArray(s) ? (s[Math.min(nth, s.length - 1)] ?? 'plain') : s;
  };
const resolver =
  (style: ResolverStyle): ReplayScript['resolver'] =>
  () =>
    style;
const prefersSecond = () => 2;

describe('instructor answers replayed from the released Llama 2 records', () => {
  it('reads chatter, headings and plain answers; the first plan takes three sequential model calls', async () => {
    const { core, prepared } = await setup({
      instructor: places({ 1: 'chatter', 2: 'headings', 3: 'plain' }),
      prefers: prefersSecond,
      resolver: resolver('labelled'),
    });
    const plan = await core.draftPlan(prepared);
    expect(plan.engines).toEqual({ instructor: 'llm', critic: 'llm', coder: 'llm' });
    expect(plan.notes).toEqual([]);
    for (const i of plan.instructions) {
      expect(i.modelArchitecture.length + i.modelTraining.length).toBeGreaterThan(0);
      expect(JSON.stringify(i)).not.toMatch(/Sure! Here is|I hope this helps/);
    }
    const usage = summarizeUsage(plan.usage);
    expect(usage.roles.instructor.calls).toBe(3);
    expect(usage.roles.critic.calls).toBe(2);
    expect(usage.sequentialCalls).toBe(3);
    // The fine-tuned model was asked exactly Fig. 6, in its training vocabulary.
    expect(String(server!.requests[0]?.body.prompt)).toContain(
      'The tabular data data is used for the problem. The metric type is mae for the problem.',
    );
  });

  it('puts the offline option in for a place refused twice, and says so in the plan', async () => {
    const { core, prepared } = await setup({ instructor: places({ 3: 'refusal' }), prefers: prefersSecond });
    const plan = await core.draftPlan(prepared);
    expect(plan.instructions).toHaveLength(3);
    expect(plan.instructions[2]?.recipe).not.toBeNull();
    expect(plan.notes?.map((n) => `${n.purpose} ${n.action}`)).toEqual([
      'instruction 3 re-asked',
      'instruction 3 dropped',
      'instruction 3 replaced',
    ]);
    expect(plan.notes?.[0]?.reason).toMatch(
      /^the first answer was not usable: the model refused: "I apologize, but I cannot provide/,
    );
    expect(plan.notes?.[2]?.reason).toMatch(
      /^the offline engine's option 3 \(.+\) stands in for the model's answer$/,
    );
  });

  it('asks a chatter-only answer again and uses the second', async () => {
    const { core, prepared } = await setup({ instructor: places({ 1: ['chatter-only', 'plain'] }) });
    const plan = await core.draftPlan(prepared);
    expect(plan.instructions[0]?.recipe).toBeNull();
    expect(plan.notes).toEqual([
      {
        role: 'instructor',
        purpose: 'instruction 1',
        action: 're-asked',
        reason:
          'the first answer was not usable: it is chatter with no instruction: "Sure! Here is the first place instruction for solving this machine learning…"',
      },
    ]);
    expect(summarizeUsage(plan.usage).roles.instructor.calls).toBe(4);
  });

  it('asks a looping answer (one line copied to the token limit) again', async () => {
    const { core, prepared } = await setup({ instructor: places({ 2: ['loop', 'plain'] }) });
    const plan = await core.draftPlan(prepared);
    expect(plan.notes?.[0]?.reason).toMatch(
      /^the first answer was not usable: it repeats one line over and over \(\d+ times: ".+"\) until the token limit$/,
    );
    expect(plan.usage.find((u) => u.purpose === 'instruction 2')?.finishReason).toBe('length');
    // What the critic and resolver read is the second answer, not thousands of characters of loop.
    expect(JSON.stringify(plan.instructions[1]).length).toBeLessThan(7000);
  });

  it('trims an answer cut off twice to its complete sections', async () => {
    const { core, prepared } = await setup({ instructor: places({ 2: 'cut' }) });
    const plan = await core.draftPlan(prepared);
    expect(plan.notes?.map((n) => n.action)).toEqual(['re-asked', 'trimmed']);
    expect(plan.notes?.[1]?.reason).toBe(
      'the answer asked again was not usable either (it was cut off at the token limit (finish_reason "length")); its complete sections are kept',
    );
    expect(plan.instructions[1]?.recipe).toBeNull();
  });
});

describe('the resolver, wording its answer freely', () => {
  it('keeps the improved instruction when a closing sentence names it again', async () => {
    const { core, prepared } = await setup({
      prefers: prefersSecond,
      resolver: resolver('closing-sentence'),
    });
    const plan = await core.draftPlan(prepared);
    expect(plan.resolver.chose).toBe(2);
    expect(plan.resolver.instruction.title).toMatch(/, tuned$/);
    expect(plan.resolver.instruction.modelTraining.at(-1)).toBe(
      'Tune the learning rate and the number of trees with early stopping on a validation fold.',
    );
    expect(JSON.stringify(plan.resolver.instruction)).not.toContain('addresses the flaws');
    expect(plan.notes).toEqual([]);
  });

  it.each(['ordinal', 'best-colon', 'bare-number'] as const)(
    'reads the choice worded as %s',
    async (style) => {
      const { core, prepared } = await setup({ prefers: prefersSecond, resolver: resolver(style) });
      const plan = await core.draftPlan(prepared);
      expect(plan.resolver.chose).toBe(2);
      expect(plan.notes).toEqual([]);
    },
  );

  it("falls back to the researcher's preference when no option is named, and says so", async () => {
    const { core, prepared } = await setup({ prefers: () => 3, resolver: resolver('no-option') });
    const plan = await core.draftPlan(prepared);
    expect(plan.resolver.chose).toBe(3);
    expect(plan.notes).toEqual([
      {
        role: 'critic',
        purpose: 'resolve',
        action: 'fallback',
        reason:
          'the resolver named no option (it opened "Both remaining approaches have merit, so here is a refined…"); the researcher\'s critique prefers option 3',
      },
    ]);
  });

  it('uses the chosen option unimproved when the "instruction" is one sentence', async () => {
    const { core, prepared } = await setup({ prefers: prefersSecond, resolver: resolver('thin') });
    const plan = await core.draftPlan(prepared);
    expect(plan.resolver.chose).toBe(2);
    expect({ ...plan.resolver.instruction, rank: 2 }).toEqual(plan.instructions[1]);
    expect(plan.resolver.rationale).toContain('option 2 is used as it stands');
    expect(plan.notes?.[0]?.action).toBe('fallback');
  });
});

describe('the coder, answering in varied forms', () => {
  const coderScript =
    (
      integrate: CoderStyle,
      stages: CoderStyle[] = ['prose', 'split', 'bare', 'fenced'],
    ): ReplayScript['coder'] =>
    (call, nth, stage) =>
      call === 'integrate'
        ? nth === 0
          ? integrate
          : 'prose'
        : call === 'stage'
          ? (stages[['preprocessing', 'architecture', 'training', 'submission'].indexOf(stage ?? '')] ??
            'prose')
          : 'prose';

  it(
    'repairs a misspelt target column, and a missing import, from the error fed back',
    async () => {
      for (const fault of ['wrong-column', 'missing-import'] as const) {
        const { core, prepared } = await setup({ prefers: prefersSecond, coder: coderScript(fault) });
        const plan = await core.draftPlan(prepared);
        const run = await core.run(plan, 'resolver', { outDir: join(workRoot, fault) });
        expect(run.ok, run.error ?? '').toBe(true);
        expect(run.attempts).toHaveLength(2);
        expect(run.attempts[0]?.error).toContain(
          fault === 'wrong-column' ? 'KeyError' : "NameError: name 'np'",
        );
        expect(run.score).toBeLessThan(run.baseline!.score);
        await server!.close();
      }
    },
    SLOW,
  );

  it(
    'continues a script cut at the token limit instead of running it',
    async () => {
      const { core, prepared } = await setup({ prefers: prefersSecond, coder: coderScript('cut') });
      const plan = await core.draftPlan(prepared);
      const run = await core.run(plan, 'resolver', { outDir: join(workRoot, 'cut') });
      expect(run.ok, run.error ?? '').toBe(true);
      expect(run.attempts).toHaveLength(1);
      expect(run.notes).toEqual([
        {
          role: 'coder',
          purpose: 'integrate',
          action: 'continued',
          reason:
            'the answer was cut off (finish_reason "length" at max_tokens 16384); the coder was asked to continue it',
        },
      ]);
      expect(run.usage.map((u) => u.purpose)).toContain('integrate (continue)');
    },
    SLOW,
  );
});

describe('transport and budgets', () => {
  const critiqueRequest = (r: FakeRequest) => JSON.stringify(r.body).includes('You are a researcher tasked');

  it('retries a 200 with a broken JSON body, and refits a context overflow by lowering max_tokens', async () => {
    let broken = false;
    let overflowed = false;
    const { core, prepared } = await setup({
      fault: (request) => {
        if (!broken && request.path === '/v1/completions') {
          broken = true;
          return { raw: '{"id":"cmpl-1","object":"text_completion","choices":[{"text":"Data prep' };
        }
        if (!overflowed && critiqueRequest(request)) {
          overflowed = true;
          return {
            status: 400,
            body: {
              object: 'error',
              message:
                "This model's maximum context length is 4096 tokens. However, you requested 5548 tokens (3500 in the messages, 2048 in the completion). Please reduce the length of the messages or completion.",
              type: 'BadRequestError',
              param: null,
              code: 400,
            },
          };
        }
        return null;
      },
    });
    const plan = await core.draftPlan(prepared);
    // The overflowing instruction call was answered on its second attempt, by the instructor, with real tokens.
    const shrunk = plan.usage.find((u) => u.purpose.startsWith('instruction') && u.attempts === 2);
    expect(shrunk).toMatchObject({ role: 'instructor', attempts: 2 });
    expect(shrunk?.completionTokens).toBeGreaterThan(0);
    expect(plan.notes).toEqual([
      {
        role: 'critic',
        purpose: 'critique',
        action: 'shrunk',
        reason:
          "max_tokens lowered from 2048 to 580 to fit the model's 4096-token context (the prompt holds 3500)",
      },
    ]);
    expect(server!.requests.filter(critiqueRequest).map((r) => r.body.max_tokens)).toEqual([2048, 580]);
  });

  it("shows the server's own error message (vLLM's top-level message) to the user", async () => {
    const { core, prepared } = await setup({
      fault: (request) =>
        request.path === '/v1/completions'
          ? {
              status: 404,
              body: {
                object: 'error',
                message: 'The model `llama-2-7b-supercode` does not exist.',
                code: 404,
              },
            }
          : null,
    });
    const error = (await core.draftPlan(prepared).catch((e: unknown) => e)) as LinguacodusError;
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(error.message).toMatch(
      /^The instructor model \(llama-2-7b-supercode at 127\.0\.0\.1:\d+\) failed: HTTP 404 \(The model `llama-2-7b-supercode` does not exist\.\)\.$/,
    );
  });

  it('stops a plan over MAX_TOKENS_PER_PLAN with a clear message, before the next call', async () => {
    const { core, prepared } = await setup({}, { maxTokensPerPlan: 1500 });
    const error = (await core.draftPlan(prepared).catch((e: unknown) => e)) as BudgetExceededError;
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error.message).toMatch(
      /^This plan used [\d,]+ model tokens, its budget is 1,500 \(MAX_TOKENS_PER_PLAN\); stopped before the critic's call \((critique|resolve)\)\.$/,
    );
  });

  it(
    'stops a run over MAX_TOKENS_PER_RUN with a clear message',
    async () => {
      const { core, prepared } = await setup({}, { maxTokensPerRun: 5000 });
      const plan = await core.draftPlan(prepared);
      const error = (await core
        .run(plan, 'resolver', { outDir: join(workRoot, 'budget') })
        .catch((e: unknown) => e)) as BudgetExceededError;
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect(error.message).toMatch(
        /budget is 5,000 \(MAX_TOKENS_PER_RUN\); stopped before the coder's call \(stage \w+\)\.$/,
      );
    },
    SLOW,
  );
});

describe('plan first, evidence after', () => {
  it(
    '`solve --json` reports the plan, the evidence with its verdict, the run and the usage per role',
    async () => {
      server = await startReplayModels({ prefers: prefersSecond });
      const replay = server;
      const core = createCore({ sandbox, roles: roles(replay.url), limits: LIMITS, workRoot });
      replay.useTask(await core.intake(suiteTaskInput(blueberry)));
      let stdout = '';
      const code = await runSolveCli(
        [
          'solve',
          '--data',
          blueberry.file,
          '--task',
          blueberry.description,
          '--target',
          'bb_yield',
          '--metric',
          'mae',
          '--json',
        ],
        {
          sandbox,
          roles: roles(replay.url),
          limits: { ...LIMITS, evidenceTimeoutMs: 120_000 },
          workRoot,
          stdout: { write: (t: string) => (stdout += t) },
          stderr: { write: () => true },
        },
      );
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result.plan.resolver.evidence).toHaveLength(3);
      expect(result.plan.resolver.verdict.summary).toMatch(/^Quick cross-validation /);
      expect(result.run.ok).toBe(true);
      expect(result.usage.plan.instructor.calls).toBe(3);
      expect(result.usage.plan.coder.calls).toBeGreaterThanOrEqual(15);
      expect(result.usage.plan.total.prompt_tokens).toBeGreaterThan(0);
      expect(result.usage.run.coder.calls).toBeGreaterThanOrEqual(5);
      expect(result.usage.run.instructor.calls).toBe(0);
    },
    SLOW,
  );
});
