// The coder role as a model: Fig. 9's stage code, integration into one script and error-fed repair as a
// conversation. An answer cut at max_tokens is continued or asked again with more room, never run.
import type { CoderEngine, EngineCall, ImprovedScript, ImproveInput, StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import {
  CODER_SYSTEM,
  continuePrompt,
  improvementChange,
  improvePrompt,
  integrationPrompt,
  repairConversation,
  repairPrompt,
  shorterPrompt,
  stagePrompt,
  vanillaPrompt,
} from '../prompts.ts';
import type { AnswerNote, StageName } from '../types.ts';
import { incompletePython } from './answer-checks.ts';
import { extractPython, fencedBlocks, unclosedFence } from './code-blocks.ts';
import {
  type ChatMessage,
  type CompleteOptions,
  callOptions,
  type ModelAnswer,
  type ModelClient,
  type ShrunkPrompt,
} from './model-client.ts';

/** The most max_tokens a cut answer is asked again with (twice the role's setting, up to this). */
export const MAX_CODER_TOKENS = 16_384;

export class LlmCoder implements CoderEngine {
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: ModelClient,
    private readonly options: { system?: string } = {},
  ) {}

  writeStage(stage: StageName, context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(
      stagePrompt(stage, context),
      { prompt: stagePrompt(stage, context, { compact: true }), dropped: 'the earlier stages\u2019 code' },
      `stage ${stage}`,
      call,
    );
  }

  integrate(context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(
      integrationPrompt(context),
      { prompt: integrationPrompt(context, { compact: true }), dropped: 'most of the data profile' },
      'integrate',
      call,
    );
  }

  repair(code: string, error: string, context: StageContext, call: EngineCall = {}): Promise<string> {
    const turns = repairConversation(code, error, context);
    // Over the model's context, the conversation gives way to the latest script and its error alone.
    const single = repairPrompt(code, error, context);
    return this.ask(
      turns,
      turns.length > 1 ? { prompt: single, dropped: 'the earlier attempts' } : null,
      'repair',
      call,
    );
  }

  writeVanilla(context: StageContext, call: EngineCall = {}): Promise<string> {
    return this.ask(
      vanillaPrompt(context),
      { prompt: vanillaPrompt(context, { compact: true }), dropped: 'most of the data profile' },
      'vanilla',
      call,
    );
  }

  async improve(input: ImproveInput, call: EngineCall = {}): Promise<ImprovedScript> {
    const answer = await this.askCode(
      improvePrompt(input),
      { prompt: improvePrompt(input, { compact: true }), dropped: 'most of the data profile' },
      'improve',
      call,
    );
    return { change: improvementChange(answer.text), code: answer.code };
  }

  private async ask(
    prompt: string | ChatMessage[],
    smaller: ShrunkPrompt | null,
    purpose: string,
    call: EngineCall,
  ): Promise<string> {
    return (await this.askCode(prompt, smaller, purpose, call)).code;
  }

  /**
   * Asks for code and reads it: an answer with no code is asked again once with the reason; an answer cut off
   * (finish_reason "length", a code block never closed, or code that stops mid-statement) is continued once,
   * then asked again whole with twice the max_tokens; still cut, it fails with llm_bad_output.
   */
  private async askCode(
    prompt: string | ChatMessage[],
    smaller: ShrunkPrompt | null,
    purpose: string,
    call: EngineCall,
  ): Promise<{ code: string; text: string }> {
    const system = this.options.system ?? CODER_SYSTEM;
    const opening: ChatMessage[] = [
      { role: 'system', content: system },
      ...(typeof prompt === 'string' ? [{ role: 'user' as const, content: prompt }] : prompt),
    ];
    const options = (what: string, extra: Partial<CompleteOptions> = {}): CompleteOptions =>
      callOptions(call, what, { system, shrink: smaller ? () => smaller : undefined, ...extra });
    const note = (action: AnswerNote['action'], reason: string) =>
      call.notes?.push({ role: 'coder', purpose, action, reason });

    let answer = await this.client.ask(opening, options(purpose));
    let text = answer.text;
    let retried = false;
    let continued = false;
    let enlarged = false;
    for (;;) {
      const read = readCode(text, answer);
      if (read.kind === 'code') return { code: read.code, text };
      if (read.kind === 'none') {
        if (retried) throw read.error;
        retried = true;
        // Models usually get the format right when told what was wrong with the last answer.
        const messages: ChatMessage[] = [
          ...opening,
          { role: 'assistant', content: text },
          { role: 'user', content: `${read.error.message} Please answer again in the requested format.` },
        ];
        answer = await this.client.ask(messages, options(`${purpose} (retry)`));
        text = answer.text;
        continue;
      }
      if (!continued) {
        continued = true;
        note('continued', `the answer was cut off (${read.reason}); the coder was asked to continue it`);
        const more = await this.client.ask(
          [
            ...opening,
            { role: 'assistant', content: text },
            { role: 'user', content: continuePrompt(read.reason) },
          ],
          options(`${purpose} (continue)`, { shrink: undefined }),
        );
        text = joinContinuation(text, more.text);
        answer = more;
        continue;
      }
      if (!enlarged) {
        enlarged = true;
        const maxTokens = Math.min(MAX_CODER_TOKENS, answer.maxTokens * 2);
        note(
          're-asked',
          `the continued answer was still cut off (${read.reason}); asked again whole with max_tokens ${maxTokens}`,
        );
        const last = opening.at(-1);
        const retry: ChatMessage[] = [
          ...opening.slice(0, -1),
          { role: 'user', content: `${last?.content ?? ''}\n\n${shorterPrompt(read.reason)}` },
        ];
        answer = await this.client.ask(retry, options(`${purpose} (re-asked, larger limit)`, { maxTokens }));
        text = answer.text;
        continue;
      }
      throw new LinguacodusError(
        'llm_bad_output',
        `The coder's answer for ${purpose} was cut off even with more room (${read.reason}), so it was not run.`,
        { cause: new Error(`cut answer: ${text.slice(-500)}`) },
      );
    }
  }
}

type CodeRead =
  | { kind: 'code'; code: string }
  | { kind: 'none'; error: LinguacodusError }
  | { kind: 'cut'; reason: string };

/** The code of an answer, or why it cannot be run: no code at all, or visibly cut off. */
export function readCode(text: string, answer: Pick<ModelAnswer, 'finishReason' | 'maxTokens'>): CodeRead {
  let code: string;
  try {
    code = extractPython(text);
  } catch (error) {
    if (error instanceof LinguacodusError && error.code === 'llm_bad_output') {
      // A cut answer may stop before its code begins; that is a cut, not a format problem.
      if (answer.finishReason === 'length' && unclosedFence(text))
        return { kind: 'cut', reason: cutReason(answer) };
      return { kind: 'none', error };
    }
    throw error;
  }
  if (unclosedFence(text))
    return {
      kind: 'cut',
      reason: answer.finishReason === 'length' ? cutReason(answer) : 'its code block is never closed',
    };
  const incomplete = incompletePython(code);
  if (incomplete)
    return {
      kind: 'cut',
      reason: answer.finishReason === 'length' ? `${cutReason(answer)}: ${incomplete}` : incomplete,
    };
  // Cut in the prose after a closed block is harmless; bare code cut at the limit may have lost its end.
  if (answer.finishReason === 'length' && fencedBlocks(text).length === 0)
    return { kind: 'cut', reason: cutReason(answer) };
  return { kind: 'code', code };
}

function cutReason(answer: Pick<ModelAnswer, 'maxTokens'>): string {
  return `finish_reason "length" at max_tokens ${answer.maxTokens}`;
}

/**
 * A cut answer and its continuation as one answer. A continuation that reopens a code block loses that fence;
 * one that starts the script over replaces the cut answer's code.
 */
export function joinContinuation(cut: string, more: string): string {
  let rest = more.replace(/\r\n?/g, '\n');
  // "Sure, continuing from where I stopped:" before the code.
  rest = rest.replace(/^\s*(?:sure|certainly|okay|ok|here(?:'s| is)|continuing)[^\n`]*\n/i, '');
  const reopened = /^\s*(`{3,}|~{3,})[ \t]*[\w+.-]*[ \t]*\n/.exec(rest);
  if (reopened) {
    const body = rest.slice(reopened[0].length);
    const firstLine = (s: string) =>
      s
        .split('\n')
        .find((l) => l.trim())
        ?.trim() ?? '';
    const cutCode = fencedBlocks(cut).at(-1)?.code ?? '';
    // The model started over: its new block is the whole script.
    if (firstLine(body) && firstLine(body) === firstLine(cutCode)) return `\`\`\`python\n${body}`;
    rest = body;
  }
  return `${cut}${rest}`;
}
