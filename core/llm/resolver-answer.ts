// Reading the resolver's free-form answer: which option it chose (in the many ways models say it) and the improved
// instruction it printed; with fallbacks, each said in words, when either cannot be read.
import type { ResolverDecision } from '../engine.ts';
import { parseInstruction } from '../instruction-markdown.ts';
import type { AnswerNote, Evidence, Instruction } from '../types.ts';
import { headingSection, quote, thinInstruction } from './answer-checks.ts';

const NUMBER_WORDS: Record<string, number> = {
  '1': 1,
  '2': 2,
  '3': 3,
  one: 1,
  two: 2,
  three: 3,
  first: 1,
  second: 2,
  third: 3,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
};
const N = '([123]|one|two|three|first|second|third|1st|2nd|3rd)';

/** "Chosen option: 2", "Best: 2.", "The best option is: Option 3", "**Chosen option:** the second instruction". */
const LABELLED = new RegExp(
  String.raw`\b(?:chosen|best|selected|preferred|winning|final)(?:\s+(?:instruction\s+)?(?:option|instruction|choice|pick))?\s*[*_]*\s*(?:(?:is|was)\s*:?|:|=|-|–)\s*[*_\x60"'(]*\s*(?:the\s+)?(?:instruction\s+)?(?:option\s+)?(?:instruction\s+)?(?:number\s+|no\.?\s*|#\s*)?${N}\b(?!\s*(?:%|\.\d|-?\s*(?:folds?|layers?|trees?|epochs?|models?)\b))`,
  'i',
);
/** An answer that opens with the option alone: "2.", "**2**", "Option 2", "Instruction #2". */
const BARE_FIRST_LINE = new RegExp(
  String.raw`^[\s*_#>-]*(?:(?:instruction\s+)?option\s*|instruction\s*)?(?:#\s*|no\.?\s*|number\s+)?${N}\s*[.):*_]*\s*$`,
  'i',
);
/** Mentions of an option inside a sentence. */
const REFS = [
  new RegExp(String.raw`\b(?:instruction\s+)?option\s*(?:number\s*|no\.?\s*)?#?\s*\(?${N}\b`, 'gi'),
  /\b(first|second|third|1st|2nd|3rd)\s+(?:instruction(?:\s+option)?|option|one|proposal|approach)\b/gi,
  /\binstruction\s*(?:number\s*|no\.?\s*)?#\s*([123])\b|\binstruction\s+([123])\b/gi,
  /(?:^|\s)#([123])\b/g,
];
const PREFERENCE =
  /\b(best|better|choose|chose|chosen|select(?:ed)?|prefer(?:red|able)?|pick(?:ed)?|strongest|winner|go with|recommend(?:ed)?|most (?:promising|suitable|comprehensive|robust|complete|appropriate|effective))\b/i;
const NEGATION = /\b(not|n't|least|worst|weakest|never)\b/i;

function number(word: string | undefined): number | null {
  return word ? (NUMBER_WORDS[word.toLowerCase()] ?? null) : null;
}

/** Every option a piece of text mentions, with where. */
function optionRefs(text: string): { n: number; at: number }[] {
  const refs: { n: number; at: number }[] = [];
  for (const re of REFS) {
    for (const m of text.matchAll(re)) {
      const n = number(m.slice(1).find((g) => g !== undefined));
      if (n) refs.push({ n, at: m.index ?? 0 });
    }
  }
  return refs;
}

/**
 * Which option (1-3) a text says is best: a labelled choice ("Chosen option: 2", "best: 2."), an opening line
 * that is only the option ("2.", "Option 2"), else the option nearest the preference word of the first
 * preferring sentence that is not negated. Null when none says.
 */
export function findChosenOption(answer: string): number | null {
  const text = answer.replace(/\r\n?/g, '\n');
  for (const line of text.split('\n')) {
    const m = LABELLED.exec(line);
    if (m && !/\bnot\b/i.test(m[0])) {
      const n = number(m[1]);
      if (n) return n;
    }
  }
  const firstLine = text.split('\n').find((l) => l.trim()) ?? '';
  const bare = BARE_FIRST_LINE.exec(firstLine);
  if (bare) return number(bare[1]);
  // Clauses, so that "option 1 is weak; the best is option 3" is read per part.
  const sentences = text.split(/(?<=[.!?;])\s+|\n+|,\s+(?=but\b|while\b|whereas\b|although\b)/i);
  for (const s of sentences) {
    const preference = PREFERENCE.exec(s);
    if (!preference || NEGATION.test(s)) continue;
    const refs = optionRefs(s);
    if (refs.length === 0) continue;
    const at = preference.index;
    refs.sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at));
    return refs[0]?.n ?? null;
  }
  return null;
}

/** What the choice falls back on when the resolver's answer names no option. */
export interface ChoiceFallback {
  critique?: string;
  evidence?: Evidence[];
  higherIsBetter?: boolean;
}

/** The option the critique or the evidence prefers, else rank 1, with the reason in words. */
export function fallbackChoice(fallback: ChoiceFallback): { chose: number; because: string } {
  const fromCritique = fallback.critique ? findChosenOption(fallback.critique) : null;
  if (fromCritique)
    return { chose: fromCritique, because: `the researcher's critique prefers option ${fromCritique}` };
  const scored = (fallback.evidence ?? []).filter(
    (e): e is Evidence & { cvScore: number } => e.cvScore !== null && Number.isFinite(e.cvScore),
  );
  if (scored.length > 0 && fallback.higherIsBetter !== undefined) {
    const best = scored.reduce((a, b) =>
      fallback.higherIsBetter ? (b.cvScore > a.cvScore ? b : a) : b.cvScore < a.cvScore ? b : a,
    );
    if (best.rank >= 1 && best.rank <= 3)
      return { chose: best.rank, because: `the quick cross-validation evidence prefers option ${best.rank}` };
  }
  return {
    chose: 1,
    because: 'neither the critique nor the evidence prefers one, so the first place is taken',
  };
}

/** Lines that introduce the improved instruction ("**Improved instruction:**", "Final version of the instruction"). */
const IMPROVED =
  /\b(improved|final|refined|revised|enhanced|updated)\s+(version\s+of\s+(the\s+)?)?instruction\b/i;
/** Closing remarks after the instruction that are about it, not steps of it. */
const META =
  /\b(this|these|the above|overall|in summary|in conclusion)\b.*\b(instruction|improvements?|changes|flaws|researcher|addresses|address|option)\b/i;
const STEP_LINE = /^\s*(?:[-*•+–]|\d{1,2}[.)])\s+/;

export interface ParsedResolverAnswer extends ResolverDecision {
  /** What could not be read, and what was done instead. */
  findings: { action: AnswerNote['action']; reason: string }[];
}

/**
 * Reads the resolver's answer: the chosen option and the improved instruction (rank 0). The instruction starts at
 * the last line introducing it that has section headings after it (a closing "This improved instruction
 * addresses ..." has none), else at the last Data Preprocessing heading; closing remarks after it are dropped.
 * With no option named, the critique's or the evidence's preference or rank 1 is taken; with no real improved
 * instruction, the chosen option as it stands. Both are said in `findings` and in the rationale.
 */
export function parseResolverAnswer(
  answer: string,
  options: Instruction[],
  fallback: ChoiceFallback = {},
): ParsedResolverAnswer {
  const lines = answer.replace(/\r\n?/g, '\n').split('\n');
  const findings: ParsedResolverAnswer['findings'] = [];
  const sectionAfter = (i: number) => lines.slice(i + 1).some((l) => headingSection(l) !== null);

  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (IMPROVED.test(lines[i] ?? '') && sectionAfter(i)) {
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

  let end = lines.length;
  if (start >= 0) {
    // After the last section, a blank line then a remark about the instruction ends it.
    let lastHeading = start;
    for (let i = start; i < lines.length; i++) if (headingSection(lines[i] ?? '') !== null) lastHeading = i;
    for (let i = lastHeading + 1; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (!l.trim() || STEP_LINE.test(l)) continue;
      if (!(lines[i - 1] ?? '').trim() && META.test(l)) {
        end = i;
        break;
      }
    }
  }

  const head = start >= 0 ? lines.slice(0, start).join('\n') : answer;
  const rationale = head
    .replace(/^\s*[*_#]*\s*chosen\s+option\s*[:\-–]?.*$/im, '')
    .trim()
    .slice(0, 4000);

  let chose = findChosenOption(start >= 0 ? head : answer) ?? findChosenOption(answer);
  if (chose === null || !options.some((o) => o.rank === chose)) {
    const fb = fallbackChoice(fallback);
    chose = fb.chose;
    findings.push({
      action: 'fallback',
      reason: `the resolver named no option (it opened ${quote(answer.trim().split('\n')[0] ?? '', 60)}); ${fb.because}`,
    });
  }
  const chosen = options.find((o) => o.rank === chose) ?? options[0];

  let improved: Instruction | null = null;
  let thin: string | null = 'no instruction sections could be found';
  if (start >= 0) {
    try {
      improved = parseInstruction(lines.slice(start, end).join('\n'), 0);
      thin = thinInstruction(improved);
    } catch {
      improved = null;
    }
  }
  if (!improved || thin) {
    const reason = `the resolver printed no real improved instruction (${thin ?? 'none could be read'}); option ${chose} is used as it stands`;
    findings.push({ action: 'fallback', reason });
    return {
      chose: chose as number,
      instruction: { ...(chosen as Instruction), rank: 0 },
      rationale: `${rationale ? `${rationale}\n\n` : ''}${reason[0]?.toUpperCase()}${reason.slice(1)}.`,
      findings,
    };
  }
  return {
    chose: chose as number,
    instruction: { ...improved, rank: 0 },
    rationale: rationale || `The resolver chose option ${chose} and improved it.`,
    findings,
  };
}
