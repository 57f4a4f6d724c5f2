// A plan that strains the chat layouts: the offline engine's plan for the blueberry task with its three options and
// the resolver's replaced by the longest instructions the paper released (result_prompts_new.csv), a long critique
// and rationale, and a quick CV that disagrees with the instructor's order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../bot/config.ts';
import { createPipeline } from '../../bot/pipeline.ts';
import { createLogger } from '../../common/pino-logger.ts';
import { parseInstruction } from '../../core/instruction-markdown.ts';
import type { Instruction, Plan } from '../../core/types.ts';
import { BLUEBERRY } from './datasets.ts';
import { paperRecords } from './paper-records.ts';

/** The released instructions, longest first (as parsed into the four sections). */
export async function longestPaperInstructions(n: number): Promise<Instruction[]> {
  const records = await paperRecords();
  const parsed = records.flatMap((r) => {
    try {
      return [parseInstruction(r.instruction, 1)];
    } catch {
      return [];
    }
  });
  const size = (i: Instruction) => JSON.stringify(i).length;
  return parsed.sort((a, b) => size(b) - size(a)).slice(0, n);
}

export async function longPlan(): Promise<Plan> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lc-long-plan-'));
  const config = parseConfig({ EVIDENCE_TIMEOUT_S: '0', DATA_DIR: dir });
  const core = createPipeline(config, createLogger({ level: 'silent' }));
  const prepared = await core.intake({ text: 'Predict yield. Metric: mae', files: [BLUEBERRY] });
  const plan = await core.plan(prepared, {});
  const [a, b, c, d] = await longestPaperInstructions(4);
  if (!a || !b || !c || !d) throw new Error('the paper records gave fewer than four instructions');
  const rationale = Array.from(
    { length: 12 },
    (_, i) => `Option ${(i % 3) + 1} handles the skewed yield distribution with a transformation step ${i}.`,
  ).join(' ');
  const critique = [1, 2, 3]
    .map(
      (n) =>
        `### Solution ${n}: ${'long '.repeat(30)}\n- ${'a point about leakage and validation '.repeat(8)}`,
    )
    .join('\n');
  return {
    ...plan,
    instructions: [
      { ...a, rank: 1 },
      { ...b, rank: 2 },
      { ...c, rank: 3 },
    ],
    critique,
    resolver: {
      ...plan.resolver,
      chose: 3,
      instruction: { ...d, rank: 0 },
      rationale,
      // MAE, lower is better: option 3 scores best, then 1, then 2 — not the instructor's 1, 2, 3.
      evidence: [
        { rank: 1, title: a.title, cvScore: 361.25, seconds: 2 },
        { rank: 2, title: b.title, cvScore: 402.5, seconds: 2 },
        { rank: 3, title: c.title, cvScore: 340.125, seconds: 2 },
      ],
      verdict: {
        firstChoice: 1,
        evidenceBest: 3,
        agrees: false,
        summary: 'option 3 scored best (mae 340.1); the resolver moved from option 1 to option 3.',
      },
    },
  };
}
