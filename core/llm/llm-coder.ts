// The coder role as a model: Fig. 9's stage code, integration into one script and error-fed repair.
import type { CoderEngine, EngineCall, StageContext } from '../engine.ts';
import { CODER_SYSTEM, integrationPrompt, repairPrompt, stagePrompt } from '../prompts.ts';
import type { StageName } from '../types.ts';
import { askParsed } from './ask-parsed.ts';
import { extractPython } from './code-blocks.ts';
import type { ModelClient } from './model-client.ts';

export class LlmCoder implements CoderEngine {
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: ModelClient,
    private readonly options: { system?: string } = {},
  ) {}

  writeStage(stage: StageName, context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(stagePrompt(stage, context), `stage ${stage}`, call);
  }

  integrate(context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(integrationPrompt(context), 'integrate', call);
  }

  repair(code: string, error: string, context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(repairPrompt(code, error, context), 'repair', call);
  }

  private ask(prompt: string, purpose: string, call: EngineCall): Promise<string> {
    return askParsed(
      this.client,
      prompt,
      { purpose, signal: call.signal, usage: call.usage, system: this.options.system ?? CODER_SYSTEM },
      extractPython,
    );
  }
}
