// The vanilla control and Improve with a coder model (a real local OpenAI-format server): vanilla is one prompt with
// the task and the contract and no instruction; Improve sends the scored script, its scores and log tail, and the
// answer's "Change:" line becomes the run's change. The scripts run for real in the sandbox (titanic, quick).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../core/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../../core/intake/index.ts';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { vanillaInstruction } from '../../core/offline/vanilla-template.ts';
import { type CoreFixture, coreFixture, quickSandbox } from '../helpers/core-runs.ts';
import { type FakeOpenAI, promptText, startFakeOpenAI } from '../helpers/fake-openai-server.ts';

describe('vanilla and improve with a coder model (titanic, quick)', () => {
  let fixture: CoreFixture;
  let server: FakeOpenAI;
  let workRoot: string;
  let script: string;
  beforeAll(async () => {
    fixture = await coreFixture('titanic', { quick: true });
    const { task, profile } = fixture.plan;
    // The model's answer: a whole working script (the offline engine's vanilla script stands in for it).
    script = await new OfflineCoder().integrate({
      task,
      profile,
      instruction: vanillaInstruction(task, profile),
      previous: [],
    });
    server = await startFakeOpenAI((request) => {
      const prompt = promptText(request);
      if (prompt.includes('Propose ONE concrete change')) {
        const improved = script.replace('TREES = 50 if QUICK else 100', 'TREES = 50 if QUICK else 200');
        return `Change: a forest of 200 trees.\n\`\`\`python\n${improved}\n\`\`\``;
      }
      return `Here is the solution.\n\`\`\`python\n${script}\n\`\`\``;
    });
    workRoot = await mkdtemp(join(tmpdir(), 'lc-core-llm-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(workRoot, { recursive: true, force: true });
    await fixture.close();
  });

  it('vanilla: one coder call with the task alone, then improve with a change line', {
    timeout: 120_000,
  }, async () => {
    const core = createCore({
      sandbox: quickSandbox(true),
      roles: {
        coder: {
          baseURL: server.url,
          model: 'fake-coder',
          apiKey: 'k',
          api: 'chat',
          timeoutMs: 10_000,
          maxTokens: 4096,
        },
      },
      limits: {
        ...DEFAULT_INTAKE_LIMITS,
        maxRepairs: 1,
        sandbox: { timeoutMs: 240_000 },
        evidenceTimeoutMs: 0,
      },
      workRoot,
    });
    const vanillaDir = join(workRoot, 'vanilla');
    const vanilla = await core.run(fixture.plan, 'vanilla', { outDir: vanillaDir });
    expect(vanilla.ok, vanilla.error ?? '').toBe(true);
    expect(vanilla.kind).toBe('vanilla');
    expect(server.requests).toHaveLength(1);
    const prompt = promptText(server.requests[0]!);
    expect(prompt).toContain(fixture.plan.task.description);
    expect(prompt).toContain('oof_predictions.csv');
    expect(prompt).not.toContain('Instruction:');
    expect(vanilla.artifacts.oofPredictions).toBeTruthy();

    const improved = await core.improve(
      fixture.plan,
      { dir: vanillaDir },
      { outDir: join(workRoot, 'improved') },
    );
    expect(improved.ok, improved.error ?? '').toBe(true);
    expect(improved.kind).toBe('improve');
    expect(improved.choice).toBe('vanilla');
    expect(improved.change).toBe('a forest of 200 trees.');
    expect(improved.code).toContain('TREES = 50 if QUICK else 200');
    const improvePrompt = promptText(server.requests[1]!);
    expect(improvePrompt).toContain('TREES = 50 if QUICK else 100');
    expect(improvePrompt).toContain(String(vanilla.score));
    console.info(
      `titanic accuracy: vanilla ${vanilla.score}, improved ${improved.score} (${improved.change})`,
    );
  });
});
