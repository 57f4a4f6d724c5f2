// The instructor role as a model (the fine-tuned Llama 2): the paper's Fig. 6 prompt for places 1, 2 and 3, in parallel.
import type { EngineCall, InstructorEngine } from '../engine.ts';
import { parseInstruction } from '../instruction-markdown.ts';
import {
  instructorPrompt,
  LLAMA2_DEFAULT_SYSTEM,
  type PlaceStyle,
  profileSummary,
  taskFacts,
} from '../prompts.ts';
import type { DataProfile, Instruction, TaskSpec } from '../types.ts';
import { askParsed } from './ask-parsed.ts';
import type { ModelClient } from './model-client.ts';

export interface LlmInstructorOptions {
  /** "first" (the released training records, default) or "1st" (the paper's figure). */
  place?: PlaceStyle;
  /** Append the data card (columns, target, id) after the paper's prompt; default true. */
  dataCard?: boolean;
  /** System prompt; default the Llama 2 one the instructor was fine-tuned behind. */
  system?: string;
}

export class LlmInstructor implements InstructorEngine {
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: ModelClient,
    private readonly options: LlmInstructorOptions = {},
  ) {}

  async instructions(task: TaskSpec, profile: DataProfile, call: EngineCall = {}): Promise<Instruction[]> {
    const facts = taskFacts(task);
    const dataCard = this.options.dataCard === false ? undefined : instructorDataCard(task, profile);
    const system = this.options.system ?? LLAMA2_DEFAULT_SYSTEM;
    // One failed place fails the plan, so the other two calls are stopped rather than left running.
    const siblings = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal, siblings.signal]) : siblings.signal;
    // The three places are independent questions: ask them at once.
    return Promise.all(
      [1, 2, 3].map((rank) =>
        askParsed(
          this.client,
          instructorPrompt(facts, rank, { place: this.options.place, dataCard }),
          { purpose: `instruction ${rank}`, signal, usage: call.usage, system },
          (answer) => parseInstruction(answer, rank),
        ).catch((error: unknown) => {
          siblings.abort(error);
          throw error;
        }),
      ),
    );
  }
}

/** What the instructor is told about the files: the id, the target(s) and a compact profile. */
export function instructorDataCard(task: TaskSpec, profile: DataProfile): string {
  const targets = task.targets.map((t) => `\`${t}\``).join(', ');
  return `train.csv holds the labelled rows and test.csv the rows to predict (without ${targets}); the id column is \`${task.idColumn}\`.\n${profileSummary(profile, 40)}`;
}
