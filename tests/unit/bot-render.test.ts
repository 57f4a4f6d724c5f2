// The neutral renderings of a real plan (from the offline engine) and of run progress and results.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.ts';
import { createPipeline } from '../../bot/pipeline.ts';
import { runFilesOf } from '../../bot/render/file-refs.ts';
import { critiqueBrief, planMarkdown, renderFullText, renderPlan } from '../../bot/render/render-plan.ts';
import { formatScore, renderRunProgress, renderRunResult } from '../../bot/render/render-result.ts';
import { outgoingMessageSchema } from '../../contract/messages.ts';
import type { Plan, RunResult } from '../../core/types.ts';
import { BLUEBERRY } from '../helpers/datasets.ts';

describe('rendering plans and runs', () => {
  let plan: Plan;
  const dir = mkdtempSync(path.join(tmpdir(), 'lc-render-'));

  beforeAll(async () => {
    const config = parseConfig({ EVIDENCE_TIMEOUT_S: '0', DATA_DIR: dir });
    const { createLogger } = await import('../../common/pino-logger.ts');
    const core = createPipeline(config, createLogger({ level: 'silent' }));
    const prepared = await core.intake({ text: 'Predict bb_yield. Metric: mae', files: [BLUEBERRY] });
    plan = await core.plan(prepared, {});
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the quick cross-validation is running on a draft plan, and shows its verdict once it lands', () => {
    const contexts = (p: Plan) =>
      renderPlan({ sid: '0123456789abcdef', planSeq: 1, plan: p, votes: {}, file: null }).blocks.flatMap(
        (b) => (b.kind === 'context' ? [b.text] : []),
      );
    const draft: Plan = { ...plan, resolver: { ...plan.resolver, verdict: null } };
    expect(contexts(draft)).toContain(
      'Quick cross-validation of the options: running… (this message is updated when it lands)',
    );
    const summary = 'option 2 scored best (mae 91.2), the resolver chose it too.';
    const judged: Plan = {
      ...plan,
      resolver: { ...plan.resolver, verdict: { firstChoice: 2, evidenceBest: 2, agrees: true, summary } },
    };
    expect(contexts(judged)).toContain(`Quick cross-validation: ${summary}`);
    expect(planMarkdown(judged)).toContain(`Quick cross-validation: ${summary}`);
    // Model use is shown when a model answered; the offline engine makes no calls.
    const used: Plan = {
      ...judged,
      usage: [
        {
          role: 'critic',
          purpose: 'critique',
          model: 'gpt-x',
          promptTokens: 1200,
          completionTokens: 300,
          latencyMs: 2000,
          attempts: 1,
        },
      ],
    };
    expect(contexts(used).find((t) => t.startsWith('Models: '))).toMatch(
      /1 model call \(critic 1.*1,500 tokens/,
    );
    expect(contexts(plan).find((t) => t.startsWith('Models: '))).toBeUndefined();
  });

  it('shows each option as a card with its own buttons and tally, the critique, the resolver and the vanilla control', () => {
    const message = renderPlan({
      sid: '0123456789abcdef',
      planSeq: 1,
      plan,
      votes: { a: '2', b: '2', c: 'resolver' },
      file: null,
    });
    expect(outgoingMessageSchema.safeParse(message).success).toBe(true);
    const cards = message.blocks.flatMap((b) => (b.kind === 'option' ? [b] : []));
    expect(cards.map((c) => c.choice)).toEqual(['1', '2', '3', 'resolver', 'vanilla']);
    for (const [i, ins] of plan.instructions.entries())
      expect(cards[i]?.title).toBe(`${i + 1}. ${ins.title}`);
    expect(cards.map((c) => c.note?.split(' · ')[0])).toEqual([
      'Votes: no votes yet',
      'Votes: 2 votes',
      'Votes: no votes yet',
      'Votes: 1 vote',
      'Run it beside an option to see what the instructions bought.',
    ]);
    expect(cards[1]?.voters).toEqual(['a', 'b']);
    expect(cards[3]?.title.startsWith(`Resolver's choice: option ${plan.resolver.chose}, improved`)).toBe(
      true,
    );
    expect(cards[4]?.summary).toBe("The task alone, no instruction: the paper's baseline.");
    // Each card's buttons are their own block, right after it, naming the card.
    const groups = message.blocks.flatMap((b) => (b.kind === 'buttons' ? [b] : []));
    expect(groups.map((g) => [g.for, g.buttons.map((x) => x.label)])).toEqual([
      ['1', ['Vote 1', 'Run 1', 'Full text 1']],
      ['2', ['Vote 2', 'Run 2', 'Full text 2']],
      ['3', ['Vote 3', 'Run 3', 'Full text 3']],
      ['resolver', ['Vote resolver', 'Run resolver', 'Full text resolver']],
      ['vanilla', ['Run vanilla control']],
      [undefined, ['Full text', 'Auto']],
    ]);
    message.blocks.forEach((b, i) => {
      if (b.kind === 'option')
        expect(message.blocks[i + 1]).toMatchObject({ kind: 'buttons', for: b.choice });
    });
    expect(groups[4]?.buttons[0]?.action).toBe('lc|0123456789abcdef|1|run|vanilla');
    for (const g of groups) for (const x of g.buttons) expect(x.action.length).toBeLessThanOrEqual(100);
  });

  it('gives the critique in brief: each option with its first point', () => {
    const critique = [
      '### Solution 1: forest',
      '- cannot extrapolate beyond the training range.',
      '- slow on wide data.',
      '### Solution 2: boosting',
      '- high variance on few rows.',
    ].join('\n');
    expect(critiqueBrief(critique)).toBe(
      '**Solution 1: forest**\n- cannot extrapolate beyond the training range.\n**Solution 2: boosting**\n- high variance on few rows.',
    );
    expect(critiqueBrief('x '.repeat(1000)).length).toBeLessThanOrEqual(420);
    expect(critiqueBrief(plan.critique).length).toBeLessThanOrEqual(700);
  });

  it('writes the full text in the paper’s section form', () => {
    const md = planMarkdown(plan);
    for (const section of ['Data Preprocessing', 'Model Architecture', 'Model Training', 'Submission']) {
      expect(md.split(`### ${section}`).length - 1).toBe(4);
    }
    const full = renderFullText(plan, null);
    expect(full.blocks.filter((b) => b.kind === 'text')).toHaveLength(4);
  });

  it('shows progress as stage k of 4 with the attempt and elapsed time', () => {
    const m = renderRunProgress({
      run: { n: 3, kind: 'option', choice: '2', parent: null, members: [] },
      startedBy: 'Ann',
      status: 'running',
      stage: 'training',
      stageIndex: 3,
      attempt: 2,
      maxAttempts: 4,
      elapsedMs: 75_000,
    });
    expect(m.text).toBe(
      'Run of option 2 (#3, started by Ann) running: stage 3 of 4 (training), attempt 2 of 4 · 1m 15s elapsed',
    );
    const block = m.blocks[0];
    expect(block?.kind === 'progress' && [block.step, block.total]).toEqual([3, 4]);
  });

  it('puts short code inline, the score beside the baseline, the log tail and the chart', async () => {
    const chart = path.join(dir, 'chart.png');
    writeFileSync(chart, Buffer.from('89504e470d0a1a0a', 'hex'));
    const result: RunResult = {
      planId: plan.id,
      choice: 'resolver',
      kind: 'option',
      change: null,
      blend: null,
      ok: true,
      metric: 'mae',
      higherIsBetter: false,
      score: 90.1234,
      cvScore: 95.5,
      baseline: { name: 'mean of the training target', score: 1148.2 },
      stages: [],
      code: 'import pandas as pd\nprint("hi")\n',
      attempts: [
        {
          n: 1,
          code: '',
          ok: true,
          exitCode: 0,
          timedOut: false,
          oomKilled: false,
          stdoutTail: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n'),
          stderrTail: '',
          error: null,
          durationMs: 1000,
        },
      ],
      error: null,
      artifacts: { code: path.join(dir, 'missing.py'), chart },
      usage: [],
      durationMs: 12_000,
    };
    const run = { n: 2, kind: 'option', choice: 'resolver', parent: null, members: [] } as const;
    const m = renderRunResult(result, run, await runFilesOf(result, 2));
    expect(m.text).toBe(
      "#2 · resolver's choice: Score mae 90.12 (baseline mean of the training target: 1148), lower is better",
    );
    expect(m.blocks[0]).toEqual({ kind: 'heading', text: "#2 · resolver's choice" });
    const code = m.blocks.find((b) => b.kind === 'code' && b.language === 'python');
    expect(code?.kind === 'code' && code.code).toContain('import pandas');
    const log = m.blocks.find((b) => b.kind === 'code' && b.filename === 'last log lines');
    expect(log?.kind === 'code' && log.code.split('\n')).toHaveLength(15);
    expect(m.blocks.some((b) => b.kind === 'image' && b.file.path === chart)).toBe(true);
    expect(code?.kind === 'code' && code.filename).toBe('run2-solution.py');
    const image = m.blocks.find((b) => b.kind === 'image');
    expect(image?.kind === 'image' && image.file.name).toBe('run2-chart.png');
  });

  it('formats scores to four significant digits', () => {
    expect(formatScore(0.123456)).toBe('0.1235');
    expect(formatScore(1148.2)).toBe('1148');
    expect(formatScore(0.00001234)).toBe('1.234e-5');
  });
});
