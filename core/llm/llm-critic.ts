// The critic role as a model: the researcher (Fig. 7) and the resolver (Fig. 8), whose choice and text are read back
// (resolver-answer.ts); a refused or cut critique and an unreadable choice are noted, never silently used.
import type { CriticEngine, CriticInput, EngineCall, ResolverDecision } from '../engine.ts';
import { METRICS } from '../harness/index.ts';
import { researcherPrompt, resolverPrompt, taskFacts } from '../prompts.ts';
import { quote, refusalOf } from './answer-checks.ts';
import { callOptions, type ModelClient } from './model-client.ts';
import { parseResolverAnswer } from './resolver-answer.ts';

export { findChosenOption, parseResolverAnswer } from './resolver-answer.ts';

export interface LlmCriticOptions {
  system?: string;
}

const DEFAULT_SYSTEM = 'You are a careful senior machine learning researcher.';

export class LlmCritic implements CriticEngine {
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: ModelClient,
    private readonly options: LlmCriticOptions = {},
  ) {}

  async critique(input: CriticInput, call: EngineCall = {}): Promise<string> {
    const prompt = researcherPrompt({
      facts: taskFacts(input.task),
      instructions: input.instructions,
      evidence: input.evidence,
      // The direction comes from the metric registry, never from a model.
      higherIsBetter: METRICS[input.task.metric].higherIsBetter,
    });
    const answer = await this.client.ask(
      prompt,
      callOptions(call, 'critique', { system: this.options.system ?? DEFAULT_SYSTEM }),
    );
    const text = answer.text.trim();
    const note = (action: 'dropped' | 'trimmed', reason: string) =>
      call.notes?.push({ role: 'critic', purpose: 'critique', action, reason });
    const refusal = refusalOf(text);
    // A short answer that opens with a refusal holds no critique; the resolver then chooses without one.
    if (refusal && text.length < 400) {
      note('dropped', `the researcher refused: ${refusal}`);
      return `(The researcher gave no critique: ${quote(text, 200)})`;
    }
    if (answer.finishReason === 'length') {
      // Everything up to the last finished paragraph (or sentence) is still a critique.
      const paragraph = text.lastIndexOf('\n\n');
      const sentence = Math.max(text.lastIndexOf('. '), text.lastIndexOf('.\n'));
      const byParagraph = paragraph > text.length / 3;
      const kept = byParagraph ? text.slice(0, paragraph) : sentence > 0 ? text.slice(0, sentence + 1) : text;
      note(
        'trimmed',
        `the critique was cut off at the token limit (finish_reason "length"); its unfinished last ${byParagraph ? 'paragraph' : 'sentence'} was left out`,
      );
      return `${kept.trim()}\n\n(The critique was cut off here.)`;
    }
    return text;
  }

  async resolve(input: CriticInput & { critique: string }, call: EngineCall = {}): Promise<ResolverDecision> {
    const higherIsBetter = METRICS[input.task.metric].higherIsBetter;
    const prompt = resolverPrompt({
      facts: taskFacts(input.task),
      instructions: input.instructions,
      critique: input.critique,
      evidence: input.evidence,
      // The direction comes from the metric registry, never from a model.
      higherIsBetter,
    });
    const answer = await this.client.ask(
      prompt,
      callOptions(call, 'resolve', { system: this.options.system ?? DEFAULT_SYSTEM }),
    );
    // One call: an answer that names no option or prints no real instruction falls back (and says so) rather
    // than costing another call on the plan's critical path.
    const parsed = parseResolverAnswer(answer.text, input.instructions, {
      critique: input.critique,
      evidence: input.evidence,
      higherIsBetter,
    });
    const findings = [...parsed.findings];
    if (answer.finishReason === 'length' && parsed.findings.length === 0) {
      findings.push({
        action: 'trimmed',
        reason:
          'the resolver\'s answer was cut off at the token limit (finish_reason "length"); the instruction as far as it got is used',
      });
    }
    for (const f of findings) call.notes?.push({ role: 'critic', purpose: 'resolve', ...f });
    return { chose: parsed.chose, instruction: parsed.instruction, rationale: parsed.rationale };
  }
}
