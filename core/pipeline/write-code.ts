// Staged code generation (the paper's Fig. 9): preprocessing, architecture, training and submission in turn,
// each stage seeing the code before it, then integration into one script.
import type { CoderEngine, EngineCall, StageContext } from '../engine.ts';
import type { DataProfile, Instruction, ProgressListener, StageName, TaskSpec } from '../types.ts';
import { STAGES } from '../types.ts';

export interface WrittenCode {
  stages: { stage: StageName; code: string }[];
  /** The integrated script. */
  code: string;
  /** The context with every stage, as the repair step sees it. */
  context: StageContext;
}

export async function writeStagedCode(
  coder: CoderEngine,
  input: { task: TaskSpec; profile: DataProfile; instruction: Instruction },
  options: EngineCall & { onProgress?: ProgressListener } = {},
): Promise<WrittenCode> {
  const stages: { stage: StageName; code: string }[] = [];
  // Usage, the budget and the answer notes go with every stage's call.
  const { onProgress: _progress, ...call } = options;
  for (const [index, stage] of STAGES.entries()) {
    options.onProgress?.({ type: 'stage', stage, index, total: STAGES.length, status: 'started' });
    const code = await coder.writeStage(stage, { ...input, previous: [...stages] }, call);
    stages.push({ stage, code });
    options.onProgress?.({ type: 'stage', stage, index, total: STAGES.length, status: 'finished' });
  }
  const context: StageContext = { ...input, previous: stages };
  const code = await coder.integrate(context, call);
  return { stages, code, context };
}
