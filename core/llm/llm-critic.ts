// The critic role as a model: the researcher (Fig. 7) and the resolver (Fig. 8), whose choice and text are read back.
import type { CriticEngine, CriticInput, EngineCall, ResolverDecision } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { METRICS } from '../harness/index.ts';
import { classifyHeading, parseInstruction } from '../instruction-markdown.ts';
import { researcherPrompt, resolverPrompt, taskFacts } from '../prompts.ts';
import type { Instruction } from '../types.ts';
import { askParsed } from './ask-parsed.ts';
import type { ModelClient } from './model-client.ts';

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
    const answer = await this.client.complete(prompt, {
      purpose: 'critique',
      signal: call.signal,
      usage: call.usage,
      system: this.options.system ?? DEFAULT_SYSTEM,
    });
    return answer.trim();
  }

  async resolve(input: CriticInput & { critique: string }, call: EngineCall = {}): Promise<ResolverDecision> {
    const prompt = resolverPrompt({
      facts: taskFacts(input.task),
      instructions: input.instructions,
      critique: input.critique,
      evidence: input.evidence,
      // The direction comes from the metric registry, never from a model.
      higherIsBetter: METRICS[input.task.metric].higherIsBetter,
    });
    return askParsed(
      this.client,
      prompt,
      {
        purpose: 'resolve',
        signal: call.signal,
        usage: call.usage,
        system: this.options.system ?? DEFAULT_SYSTEM,
      },
      (answer) => parseResolverAnswer(answer, input.instructions),
    );
  }
}

const OPTION_REF =
  /\b(?:instruction\s+)?option\s*(?:number\s*)?#?\s*\(?([123])\b|\b(first|second|third|1st|2nd|3rd)\s+(?:instruction\s+)?option\b|\binstruction\s*#?\s*([123])\b/gi;
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, '1st': 1, '2nd': 2, '3rd': 3 };
const PREFERENCE =
  /\b(best|choose|chose|chosen|select(ed)?|prefer(red)?|pick(ed)?|strongest|winner|go with|most (promising|suitable|comprehensive|robust|complete|appropriate))\b/i;

/** Which option (1-3) an answer says was best: an explicit "Chosen option: N", else a preferring sentence. */
export function findChosenOption(answer: string): number | null {
  const explicit =
    /chosen\s+option\s*[:\-–]?\s*[*_]*\s*(?:option\s*|instruction\s*(?:option\s*)?)?#?\s*([123])\b/i.exec(
      answer,
    ) ??
    /\b(?:best|chosen|selected)\s+(?:instruction\s+)?option\s*(?:is|was|:)\s*[*_]*\s*(?:option\s*|instruction\s*(?:option\s*)?)?#?\s*([123])\b/i.exec(
      answer,
    );
  if (explicit?.[1]) return Number(explicit[1]);
  // Clauses, so that "option 1 is weak; the best is option 3" is read per part.
  const sentences = answer.split(/(?<=[.!?;])\s+|\n+|,\s+(?=but\b|while\b|whereas\b)/i);
  for (const s of sentences) {
    if (!PREFERENCE.test(s) || /\b(not|n't|least|worst)\b/i.test(s)) continue;
    const ref = optionRefs(s)[0];
    if (ref) return ref;
  }
  return null;
}

function optionRefs(text: string): number[] {
  const refs: number[] = [];
  for (const m of text.matchAll(OPTION_REF)) {
    const n = m[1] ? Number(m[1]) : m[2] ? ORDINALS[m[2].toLowerCase()] : m[3] ? Number(m[3]) : undefined;
    if (n) refs.push(n);
  }
  return refs;
}

/** The section a line names when it is a heading ("#### Model Training:", "**Data Preprocessing**", "2. Training:"). */
function headingSection(line: string): string | null {
  const t = line.trim();
  const heading = /^(#{1,6}\s*|\*\*|\d{1,2}[.)]\s+)?([^:*#]{2,60}?)(\*\*)?\s*:?\s*(\*\*)?\s*$/.exec(t);
  if (!heading?.[2]) return null;
  if (!heading[1] && !t.endsWith(':')) return null;
  const key = classifyHeading(heading[2]);
  return key && key !== 'other' ? key : null;
}

/**
 * Reads the resolver's answer: the chosen option and the improved instruction printed in full (rank 0).
 * The instruction is the last full one in the answer, since the step-by-step part may recap the options first.
 */
export function parseResolverAnswer(answer: string, options: Instruction[]): ResolverDecision {
  const lines = answer.replace(/\r\n?/g, '\n').split('\n');
  const chose = findChosenOption(answer);

  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (
      /\b(improved|final|refined|revised|enhanced)\s+(version\s+of\s+(the\s+)?)?instruction\b/i.test(
        lines[i] ?? '',
      )
    ) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    let lastPre = -1;
    for (let i = 0; i < lines.length; i++)
      if (headingSection(lines[i] ?? '') === 'dataPreprocessing') lastPre = i;
    if (lastPre < 0) lastPre = lines.findIndex((l) => headingSection(l) !== null);
    start = lastPre;
    // A title heading just above the first section belongs to the instruction.
    for (let i = lastPre - 1, seen = 0; i >= 0 && seen < 2; i--) {
      const l = (lines[i] ?? '').trim();
      if (!l) continue;
      seen++;
      if (/^#{1,6}\s/.test(l) && headingSection(l) === null && !/chosen option/i.test(l)) {
        start = i;
        break;
      }
    }
  }

  const chosenOption = options.find((o) => o.rank === chose) ?? null;
  const head = start >= 0 ? lines.slice(0, start).join('\n') : answer;
  const rationale = head
    .replace(/^\s*[*_#]*\s*chosen\s+option\s*[:\-–]?.*$/im, '')
    .trim()
    .slice(0, 4000);

  let instruction: Instruction | null = null;
  if (start >= 0) {
    try {
      instruction = parseInstruction(lines.slice(start).join('\n'), 0);
    } catch (error) {
      if (!(error instanceof LinguacodusError)) throw error;
    }
  }
  if (!instruction) {
    if (!chosenOption) {
      throw new LinguacodusError(
        'llm_bad_output',
        "The resolver's answer named no option and printed no improved instruction.",
        { cause: new Error(`resolver answer: ${answer.slice(0, 500)}`) },
      );
    }
    return {
      chose: chosenOption.rank,
      instruction: { ...chosenOption, rank: 0 },
      rationale: `${rationale ? `${rationale}\n\n` : ''}The resolver printed no improved instruction; option ${chosenOption.rank} is used as it stands.`,
    };
  }
  const chosen = chose ?? guessFromText(instruction, options);
  return {
    chose: chosen,
    instruction: { ...instruction, rank: 0 },
    rationale: rationale || `The resolver chose option ${chosen} and improved it.`,
  };
}

/** With no option named, the option whose steps share most words with the improved instruction. */
function guessFromText(improved: Instruction, options: Instruction[]): number {
  const words = (i: Instruction) =>
    new Set(
      [i.title, ...i.dataPreprocessing, ...i.modelArchitecture, ...i.modelTraining, ...i.submission]
        .join(' ')
        .toLowerCase()
        .match(/[a-z][a-z0-9_-]{3,}/g) ?? [],
    );
  const target = words(improved);
  let best = options[0]?.rank ?? 1;
  let bestScore = -1;
  for (const option of options) {
    const w = words(option);
    let shared = 0;
    for (const x of w) if (target.has(x)) shared++;
    const score = shared / Math.max(1, w.size);
    if (score > bestScore) {
      best = option.rank;
      bestScore = score;
    }
  }
  return Math.min(3, Math.max(1, best));
}
