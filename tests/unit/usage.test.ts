// Token usage per role, the critical path of model calls, the one-line summary and the budget.
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  noteLine,
  sequentialCalls,
  summarizeUsage,
  TokenBudget,
  usageJson,
  usageLine,
} from '../../core/llm/usage.ts';
import type { LlmUsage } from '../../core/types.ts';

const call = (
  role: LlmUsage['role'],
  startedAt: number,
  latencyMs: number,
  tokens = [100, 50],
): LlmUsage => ({
  role,
  purpose: `${role} call`,
  model: 'm',
  promptTokens: tokens[0] ?? 0,
  completionTokens: tokens[1] ?? 0,
  latencyMs,
  attempts: 1,
  startedAt,
});

// A plan: three instructions in parallel, then the critique, then the resolver.
const plan: LlmUsage[] = [
  call('instructor', 0, 900),
  call('instructor', 1, 1200),
  call('instructor', 2, 800),
  call('critic', 1300, 2000, [3000, 400]),
  call('critic', 3400, 1500, [3500, 900]),
];

describe('usage', () => {
  it('counts calls, tokens and latency per role and in total, and the calls in sequence', () => {
    const s = summarizeUsage(plan);
    expect(s.roles.instructor).toEqual({
      calls: 3,
      attempts: 3,
      promptTokens: 300,
      completionTokens: 150,
      latencyMs: 2900,
    });
    expect(s.roles.coder.calls).toBe(0);
    expect(s.total).toMatchObject({ calls: 5, promptTokens: 6800, completionTokens: 1450, tokens: 8250 });
    expect(s.sequentialCalls).toBe(3);
    // A re-asked place makes the chain one longer; calls without a start time count as sequential.
    expect(sequentialCalls([...plan, call('instructor', 950, 200)])).toBe(4);
    expect(sequentialCalls([{ ...plan[0]!, startedAt: undefined }, plan[1]!])).toBe(2);
  });

  it('says it in one line, and as JSON for solve --json', () => {
    expect(usageLine(plan)).toBe(
      '5 model calls (instructor 3, critic 2; 3 in sequence), 8,250 tokens (6,800 in, 1,450 out), 6.4 s of model time',
    );
    expect(usageLine([])).toBe('no model calls (offline engine)');
    expect(usageJson(plan).total).toEqual({
      calls: 5,
      attempts: 5,
      prompt_tokens: 6800,
      completion_tokens: 1450,
      latency_ms: 6400,
      tokens: 8250,
      sequential_calls: 3,
    });
  });

  it('refuses the next call once the budget is reached, naming the setting', () => {
    const usage: LlmUsage[] = [];
    const budget = new TokenBudget('plan', 8000, usage);
    budget.check("the critic's call (resolve)");
    usage.push(...plan);
    expect(() => budget.check("the critic's call (resolve)")).toThrow(BudgetExceededError);
    expect(() => budget.check("the critic's call (resolve)")).toThrow(
      "This plan used 8,250 model tokens, its budget is 8,000 (MAX_TOKENS_PER_PLAN); stopped before the critic's call (resolve).",
    );
    expect(() => new TokenBudget('run', null, usage).check('x')).not.toThrow();
  });

  it('puts a note in one line', () => {
    expect(
      noteLine({
        role: 'instructor',
        purpose: 'instruction 2',
        action: 're-asked',
        reason: 'it was cut off',
      }),
    ).toBe('instruction 2 (instructor) re-asked: it was cut off');
  });
});
