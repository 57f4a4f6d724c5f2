// The instructor role as a model (the fine-tuned Llama 2): the paper's Fig. 6 prompt for places 1, 2 and 3, in
// parallel; each answer checked (refusal, chatter, cut-off, loop, size) and re-asked, trimmed or replaced.
import type { EngineCall, InstructorEngine } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import {
  type InstructorPromptMode,
  instructorPrompt,
  LLAMA2_DEFAULT_SYSTEM,
  type PlaceStyle,
  profileSummary,
  taskFacts,
  trainingTaskFacts,
} from '../prompts.ts';
import type { AnswerNote, DataProfile, Instruction, TaskSpec } from '../types.ts';
import { checkInstructionAnswer, type InstructionVerdict } from './answer-checks.ts';
import { callOptions, type ModelClient } from './model-client.ts';

export interface LlmInstructorOptions {
  /** "word" (first, second: the released training records, default) or "ordinal" (1st: the paper's figure). */
  place?: PlaceStyle;
  /**
   * rich (default): Fig. 6 with the metric registry's labels and a data card, for general chat models;
   * paper: exactly Fig. 6 in the training records' vocabulary, for the released fine-tuned adapter.
   */
  prompt?: InstructorPromptMode;
  /** Append the data card (columns, target, id) after the paper's prompt in rich mode; default true. */
  dataCard?: boolean;
  /** System prompt; default the Llama 2 one the instructor was fine-tuned behind. */
  system?: string;
  /** Stands in for a place whose answers could not be used (the offline engine); without it such a plan fails. */
  fallback?: InstructorEngine;
}

export class LlmInstructor implements InstructorEngine {
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: ModelClient,
    private readonly options: LlmInstructorOptions = {},
  ) {}

  async instructions(task: TaskSpec, profile: DataProfile, call: EngineCall = {}): Promise<Instruction[]> {
    // One failed place fails the plan, so the other two calls are stopped rather than left running.
    const siblings = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal, siblings.signal]) : siblings.signal;
    // The three places are independent questions: ask them at once.
    const answers = await Promise.all(
      [1, 2, 3].map((rank) =>
        this.place(task, profile, rank, { ...call, signal }).catch((error: unknown) => {
          siblings.abort(error);
          throw error;
        }),
      ),
    );
    const dropped = answers.flatMap((a, i) => ('dropped' in a ? [`option ${i + 1}: ${a.dropped}`] : []));
    const ready = answers.flatMap((a) => ('instruction' in a ? [a.instruction] : []));
    if (dropped.length === 0) return ready;
    const { fallback } = this.options;
    if (!fallback) {
      throw new LinguacodusError(
        'llm_bad_output',
        `The instructor gave no usable instruction for ${dropped.join('; ')}.`,
      );
    }
    const standIns = await fallback.instructions(task, profile, { signal: call.signal });
    return answers.map((answer, i) => {
      if ('instruction' in answer) return answer.instruction;
      const rank = i + 1;
      const standIn = standIns.find((s) => s.rank === rank) ?? standIns[i];
      if (!standIn) throw new LinguacodusError('internal', `The fallback instructor gave no option ${rank}.`);
      call.notes?.push({
        role: 'instructor',
        purpose: `instruction ${rank}`,
        action: 'replaced',
        reason: `the ${fallback.kind} engine's option ${rank} (${standIn.title}) stands in for the model's answer`,
      });
      return { ...standIn, rank };
    });
  }

  /** One place: asked, checked, asked once more when unusable, then trimmed or dropped (with the reason). */
  private async place(
    task: TaskSpec,
    profile: DataProfile,
    rank: number,
    call: EngineCall,
  ): Promise<{ instruction: Instruction } | { dropped: string }> {
    const purpose = `instruction ${rank}`;
    const paper = this.options.prompt === 'paper';
    const prompt = paper
      ? instructorPrompt(trainingTaskFacts(task, profile), rank, { place: 'word' })
      : instructorPrompt(taskFacts(task), rank, {
          place: this.options.place,
          dataCard: this.options.dataCard === false ? undefined : instructorDataCard(task, profile),
        });
    const bare = paper ? prompt : instructorPrompt(taskFacts(task), rank, { place: this.options.place });
    const system = this.options.system ?? LLAMA2_DEFAULT_SYSTEM;
    const ask = async (text: string, what: string) => {
      const answer = await this.client.ask(
        text,
        callOptions(call, what, {
          system,
          // A prompt over the model's context loses its data card first.
          shrink: () => (text === bare ? null : { prompt: bare, dropped: 'the data card' }),
        }),
      );
      return checkInstructionAnswer(answer.text, answer.finishReason, rank);
    };
    const note = (action: AnswerNote['action'], reason: string) =>
      call.notes?.push({ role: 'instructor', purpose, action, reason });

    const first = await ask(prompt, purpose);
    if (first.ok) return { instruction: this.accept(first, note) };
    // The fine-tuned model only knows Fig. 6, so it gets the same prompt again (a new sample); a general model is
    // told what was wrong.
    const again = paper
      ? prompt
      : `${prompt}\n\n(An earlier answer to this was not usable: ${first.reason}. Write the instruction in full, concisely, each line once.)`;
    note('re-asked', `the first answer was not usable: ${first.reason}`);
    const second = await ask(again, `${purpose} (re-asked)`);
    if (second.ok) return { instruction: this.accept(second, note) };
    const salvage = [second.salvage, first.salvage]
      .filter((s): s is Instruction => s !== null)
      .sort((a, b) => steps(b) - steps(a))[0];
    if (salvage) {
      note(
        'trimmed',
        `the answer asked again was not usable either (${second.reason}); its complete sections are kept`,
      );
      return { instruction: salvage };
    }
    const reason = `no usable answer in two tries (${second.reason})`;
    note('dropped', reason);
    return { dropped: reason };
  }

  private accept(
    verdict: Extract<InstructionVerdict, { ok: true }>,
    note: (action: AnswerNote['action'], reason: string) => void,
  ): Instruction {
    if (verdict.trimmed) note('trimmed', `the instruction was over the size bound: cut ${verdict.trimmed}`);
    return verdict.instruction;
  }
}

function steps(i: Instruction): number {
  return (
    i.dataPreprocessing.length + i.modelArchitecture.length + i.modelTraining.length + i.submission.length
  );
}

/** What the instructor is told about the files: the id, the target(s) and a compact profile. */
export function instructorDataCard(task: TaskSpec, profile: DataProfile): string {
  const targets = task.targets.map((t) => `\`${t}\``).join(', ');
  return `train.csv holds the labelled rows and test.csv the rows to predict (without ${targets}); the id column is \`${task.idColumn}\`.\n${profileSummary(profile, 40)}`;
}
