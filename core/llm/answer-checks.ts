// Checks on model answers before they count: refusals, chatter, cut-offs, loops and size for instructions,
// completeness for code. Each finding is a reason in words that the thread and the logs can show.
import { classifyHeading, parseInstruction } from '../instruction-markdown.ts';
import { type Instruction, SECTION_KEYS, type SectionKey } from '../types.ts';

/** Bounds on one instruction: a longer one inflates every later prompt (critique, resolver, each code stage). */
export const INSTRUCTION_BOUNDS = { maxChars: 6000, maxStepsPerSection: 15, maxStepChars: 400 };

/** A line (or sentence) repeated at least this often, making up at least LOOP_SHARE of the text, is a loop. */
const LOOP_MIN_COPIES = 8;
const LOOP_SHARE = 0.3;
/** This many copies of one line in a row are a loop whatever their share (none of the released records has two). */
const LOOP_MIN_RUN = 4;
/** So many copies are a loop even in a long answer. */
const LOOP_ANY_SHARE = 20;

export interface LoopFinding {
  /** The repeated line or sentence. */
  unit: string;
  copies: number;
  /** Index in the text just after the first copy: what comes later is the loop. */
  endOfFirst: number;
}

/** A model stuck repeating itself: one line or sentence copied over and over, usually until max_tokens. */
export function findLoop(text: string): LoopFinding | null {
  const normalised = text.replace(/\r\n?/g, '\n');
  const units: { unit: string; end: number }[] = [];
  let offset = 0;
  for (const line of normalised.split('\n')) {
    const end = offset + line.length;
    // Long lines are looked at sentence by sentence: a loop inside one paragraph has no newlines.
    const parts = line.length > 300 ? [...line.matchAll(/[^.!?]+[.!?]+/g)] : [];
    if (parts.length > 1) {
      for (const p of parts) units.push({ unit: p[0].trim(), end: offset + (p.index ?? 0) + p[0].length });
    } else {
      units.push({ unit: line.trim(), end });
    }
    offset = end + 1;
  }
  const counts = new Map<string, { copies: number; firstEnd: number }>();
  let run = 1;
  let previous = '';
  let found: LoopFinding | null = null;
  for (const { unit, end } of units) {
    if (unit.replace(/[^A-Za-z0-9]/g, '').length < 6) continue;
    const seen = counts.get(unit) ?? { copies: 0, firstEnd: end };
    seen.copies++;
    counts.set(unit, seen);
    run = unit === previous ? run + 1 : 1;
    previous = unit;
    if (run >= LOOP_MIN_RUN && !found) found = { unit, copies: 0, endOfFirst: seen.firstEnd };
  }
  for (const [unit, { copies, firstEnd }] of counts) {
    const share = (copies * unit.length) / Math.max(1, normalised.length);
    const loops = copies >= LOOP_ANY_SHARE || (copies >= LOOP_MIN_COPIES && share >= LOOP_SHARE);
    if (found?.unit === unit || (loops && (!found || firstEnd < found.endOfFirst))) {
      found = { unit, copies, endOfFirst: firstEnd };
    }
  }
  return found;
}

const REFUSAL =
  /\b(I apologi[sz]e|I'm sorry|I am sorry|I (?:cannot|can't|can not|am unable to|won't be able to|am not able to) (?:provide|help|assist|write|fulfil|fulfill|comply|create|generate|complete|answer)|As an AI(?: language model)?\b|I'm (?:unable|not able) to)/i;

/** The opening of a refusal ("I apologize, but I cannot provide ..."), or null. */
export function refusalOf(text: string): string | null {
  const head = text.trim().slice(0, 400);
  const m = REFUSAL.exec(head);
  if (!m) return null;
  const sentence =
    head.slice(Math.max(0, head.lastIndexOf('\n', m.index) + 1)).split(/(?<=[.!?])\s/)[0] ?? '';
  return quote(sentence);
}

/**
 * A first sentence that refuses, apologises or asks for more to go on: whatever follows it is not an instruction
 * the model stands behind ("I apologize, but I cannot provide a first place instruction ... Additionally, I would
 * need more information ...", whose sentences would otherwise parse as steps).
 */
const DECLINING_SENTENCE = new RegExp(
  [
    // Apologies and regrets.
    /\b(?:I\s+(?:do\s+)?apologi[sz]e|apologies\b|(?:I'm|I am|I['’]m)\s+(?:really\s+|very\s+|so\s+)?sorry|^sorry\b|^unfortunately\b|^regrettably\b|I['’]?m afraid|I am afraid)/
      .source,
    // Refusals in the model's own voice ("we cannot use the id" is a step), or an AI's disclaimer.
    /\bI\s+(?:cannot|can['’]?t|can not|could not|couldn['’]t|am unable|['’]m unable|am not able|['’]m not able|won['’]t|will not|must decline|have to decline|do not have|don['’]t have|lack)\b/
      .source,
    /\bas an AI\b|\bI am an AI\b|\bas a (?:large )?language model\b/.source,
    /\b(?:it is|it['’]s)\s+not\s+(?:appropriate|possible|ethical|feasible)\s+(?:for me\s+)?to\s+(?:provide|give|rank|write|create|generate|answer|say|tell|compare)\b/
      .source,
    // Asking for more to go on.
    /\bI\s+(?:would\s+|will\s+|)need\s+(?:more|additional|further|some)\b/.source,
    /\b(?:could|can|would)\s+you\s+(?:please\s+)?(?:provide|share|give|clarify|tell|specify|send)\b/.source,
    /^please\s+(?:provide|share|clarify|specify|tell)\b|^(?:provide|share)\s+(?:me\s+)?(?:with\s+)?(?:more|additional|further)\b/
      .source,
    /\b(?:more|additional|further)\s+(?:information|details|context)\s+(?:is|are|would be)\s+needed\b/.source,
    /\bwithout\s+(?:more|additional|further|any)\s+(?:information|details|context|knowledge)\b/.source,
  ].join('|'),
  'i',
);

/** A line that only labels what follows ("### First place instruction", "**Instruction 1:**"). */
function isLabelLine(line: string): boolean {
  return line.length <= 80 && !/[.!?]$/.test(line) && line.split(/\s+/).length <= 8;
}

/** The answer's first sentence, markdown and labels left out (the thing a refusal opens with). */
export function firstSentence(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,2}[.)]\s+)*/, '')
        .replace(/\*\*|__|`/g, '')
        .replace(/(^|\s)[*_](\S)/g, '$1$2')
        .replace(/(\S)[*_](?=\s|$|[.,!?:;])/g, '$1')
        .trim(),
    )
    .filter((l) => l.length > 0);
  const start = lines.findIndex((l, i) => !(isLabelLine(l) && i < lines.length - 1 && i < 2));
  const prose = lines.slice(Math.max(0, start)).join(' ');
  return (prose.split(/(?<=[.!?])\s+/)[0] ?? '').trim();
}

/** The first sentence quoted when it refuses, apologises or asks for more information; null otherwise. */
export function decliningOpening(text: string): string | null {
  const sentence = firstSentence(text);
  return DECLINING_SENTENCE.test(sentence) ? quote(sentence) : null;
}

/** What names a model or a technique to build one (one of them must be in any instruction worth coding). */
const MODEL_OR_TECHNIQUE =
  /\b(?:model|models|regress(?:or|ion)|classif(?:ier|ication)|forest|tree|trees|boost\w*|xgb\w*|lightgbm|lgbm|catboost|gbm|gbdt|svm|svr|svc|kernel|knn|neighbou?rs?|nearest|bayes|linear|logistic|ridge|lasso|elastic\s*net|network|neural|mlp|perceptron|cnn|rnn|lstm|gru|transformer|bert|roberta|deberta|gpt|t5|resnet|efficientnet|vgg|unet|yolo|attention|embedding|embeddings|tf-?idf|word2vec|glove|ensembl\w*|stack\w*|blend\w*|bagging|arima|sarima|prophet|cluster\w*|k-?means|pca|autoencoder|cross[- ]validation|k-?fold|fold|folds|fine-?tun\w*|train|trained|training|fit|fitted|fitting|epoch|epochs|optimi[sz]er|adam|sgd|gradient|learning rate|hyper-?parameters?|dropout|layer|layers|estimator|algorithm|keras|pytorch|torch|tensorflow|sklearn|scikit|huggingface|averag\w*|weighted|mean|median|merg\w*|correlat\w*|threshold\w*|cutoff|cut-off|mask\w*|group(?:ed|by)?|sums?|rules?|heuristics?|calculat\w*|comput\w*|lookup|look up|regex|interpolat\w*|lag|lags|shift\w*|predict\w*)\b/i;

/** What names the data: its files, rows, columns, features, target or kind. */
const DATA_WORDS =
  /\b(?:data|dataset|datasets|csv|train\.csv|test\.csv|columns?|features?|rows?|records|samples?|target|labels?|values?|variables?|inputs?|categorical|numerical|numeric|text|texts|sentences?|tokens?|images?|pixels?|audio|time series|series|sequences?|dates?|timestamps?|missing|nan|nulls?|ids?|observations?|examples?|table|tabular)\b/i;

/**
 * Why the instruction says nothing concrete, or null: it must name at least a model or a technique and
 * something of the data (an answer that parses into steps but names neither is talk, not an instruction).
 */
export function vagueInstruction(i: Instruction): string | null {
  const text = [i.title, ...SECTION_KEYS.flatMap((k) => i[k])].join('\n');
  const model = MODEL_OR_TECHNIQUE.test(text);
  const data = DATA_WORDS.test(text);
  if (!model && !data) return 'it names neither a model or technique nor anything of the data';
  if (!model) return 'it names no model or technique';
  if (!data) return 'it names nothing of the data';
  return null;
}

/** Lines around an instruction that say nothing about the task ("Sure! Here is ...", "I hope this helps"). */
const CHATTER_LINE =
  /^\s*(sure|certainly|of course|absolutely|okay|ok|great|here(?:'s| is| are)|below is|i(?:'d| would) be (?:happy|glad)|i hope|hope this|let me know|happy to help|feel free)\b/i;

export function isChatterLine(line: string): boolean {
  return CHATTER_LINE.test(line) && line.trim().length < 200;
}

/** The section a heading line names ("#### Model Training:", "**Data Preprocessing**", "2. Training:"), or null. */
export function headingSection(line: string): SectionKey | null {
  const t = line.trim();
  const heading = /^(#{1,6}\s*|\*\*|\d{1,2}[.)]\s+)?([^:*#]{2,60}?)(\*\*)?\s*:?\s*(\*\*)?\s*$/.exec(t);
  if (!heading?.[2]) return null;
  if (!heading[1] && !t.endsWith(':')) return null;
  const key = classifyHeading(heading[2]);
  return key && key !== 'other' ? key : null;
}

function stepCount(i: Instruction): number {
  return SECTION_KEYS.reduce((n, k) => n + i[k].length, 0);
}

/**
 * Why an instruction is too thin to code from, or null: it must name a model (architecture or training steps),
 * fill at least two of the sections the prompt asks for and hold three steps (1,296 of the 1,330 released
 * instructions do; the rest describe inference-only code).
 */
export function thinInstruction(i: Instruction): string | null {
  if (i.modelArchitecture.length + i.modelTraining.length === 0)
    return 'it has no model architecture or training steps';
  const asked = [i.dataPreprocessing, i.modelArchitecture, i.modelTraining].filter(
    (s) => s.length > 0,
  ).length;
  if (asked < 2)
    return 'it fills only one of the data preprocessing, model architecture and training sections';
  const steps = stepCount(i);
  if (steps < 3) return `it holds only ${steps} step${steps === 1 ? '' : 's'}`;
  return null;
}

/** The instruction within INSTRUCTION_BOUNDS, and what was cut to get there (null when nothing was). */
export function boundInstruction(i: Instruction): { instruction: Instruction; trimmed: string | null } {
  const { maxStepsPerSection, maxStepChars, maxChars } = INSTRUCTION_BOUNDS;
  const out: Instruction = { ...i };
  const cuts: string[] = [];
  let longSteps = 0;
  for (const key of SECTION_KEYS) {
    let steps = i[key];
    if (steps.length > maxStepsPerSection) {
      cuts.push(`${steps.length - maxStepsPerSection} steps past the ${maxStepsPerSection}th of a section`);
      steps = steps.slice(0, maxStepsPerSection);
    }
    out[key] = steps.map((s) => {
      if (s.length <= maxStepChars) return s;
      longSteps++;
      return `${s.slice(0, maxStepChars - 3).replace(/\s+\S*$/, '')}...`;
    });
  }
  if (longSteps)
    cuts.push(`${longSteps} step${longSteps === 1 ? '' : 's'} shortened to ${maxStepChars} characters`);
  // Still too long: the sections' last steps go, the longest section first.
  let size = SECTION_KEYS.reduce((n, k) => n + out[k].reduce((m, s) => m + s.length + 3, 0), 0);
  let dropped = 0;
  while (size > maxChars) {
    const longest = SECTION_KEYS.reduce((a, b) => (out[b].length > out[a].length ? b : a));
    if (out[longest].length <= 1) break;
    size -= (out[longest].at(-1)?.length ?? 0) + 3;
    out[longest] = out[longest].slice(0, -1);
    dropped++;
  }
  if (dropped)
    cuts.push(`${dropped} more steps to stay under ${maxChars.toLocaleString('en-US')} characters`);
  return { instruction: out, trimmed: cuts.length ? cuts.join(', ') : null };
}

export type InstructionVerdict =
  | { ok: true; instruction: Instruction; trimmed: string | null }
  | {
      ok: false;
      /** Why the answer cannot be used as it came. */
      reason: string;
      /** Whether a second answer may be better (a cut or a loop); a refusal is asked again too, once. */
      salvage: Instruction | null;
    };

function parseOrNull(text: string, rank: number): Instruction | null {
  try {
    return parseInstruction(text, rank);
  } catch {
    return null;
  }
}

/** The answer without its chatter lines (opening "Sure! Here is ...", closing "I hope this helps"). */
function withoutChatter(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => !isChatterLine(l))
    .join('\n');
}

/**
 * What can be kept of a cut answer: the sections before the one being written when it stopped; for an answer
 * without section headings, everything but its last, unfinished line. With `endsClean` (a loop cut at the end
 * of its first copy) every line is whole and all of it is kept. Null when that is too thin.
 */
export function completeSections(text: string, rank: number, endsClean = false): Instruction | null {
  const lines = withoutChatter(text).split('\n');
  let lastHeading = -1;
  lines.forEach((l, i) => {
    if (headingSection(l)) lastHeading = i;
  });
  const kept = endsClean
    ? lines
    : lastHeading > 0
      ? lines.slice(0, lastHeading)
      : lastHeading === 0
        ? []
        : lines.slice(0, -1);
  const instruction = parseOrNull(kept.join('\n'), rank);
  if (!instruction || thinInstruction(instruction)) return null;
  return boundInstruction(instruction).instruction;
}

/**
 * Checks one instructor answer. Usable: parsed and within bounds (`trimmed` says what the bounds cut). Not
 * usable: a refusal, chatter only, cut at max_tokens, a loop or too thin, with what can be salvaged of it.
 */
export function checkInstructionAnswer(
  text: string,
  finishReason: string | null,
  rank: number,
): InstructionVerdict {
  const loop = findLoop(text);
  if (loop) {
    return {
      ok: false,
      reason: `it repeats one line over and over (${loop.copies > 0 ? `${loop.copies} times: ` : ''}${quote(loop.unit)})${finishReason === 'length' ? ' until the token limit' : ''}`,
      salvage: completeSections(text.slice(0, loop.endOfFirst), rank, true),
    };
  }
  if (finishReason === 'length') {
    return {
      ok: false,
      reason: 'it was cut off at the token limit (finish_reason "length")',
      salvage: completeSections(text, rank),
    };
  }
  // An answer whose first sentence refuses, apologises or asks for more is not an instruction however it parses.
  const declining = decliningOpening(text);
  if (declining) return { ok: false, reason: `the model refused: ${declining}`, salvage: null };
  const parsed = parseOrNull(withoutChatter(text), rank);
  const refusal = refusalOf(text);
  if (refusal && (!parsed || stepCount(parsed) < 3)) {
    return { ok: false, reason: `the model refused: ${refusal}`, salvage: null };
  }
  if (!parsed) {
    const lead = text.trim().split('\n')[0] ?? '';
    return {
      ok: false,
      reason: isChatterLine(lead)
        ? `it is chatter with no instruction: ${quote(lead)}`
        : 'it holds no instruction steps',
      salvage: null,
    };
  }
  const thin = thinInstruction(parsed);
  if (thin) {
    const lead = text.trim().split('\n')[0] ?? '';
    return {
      ok: false,
      reason:
        isChatterLine(lead) && stepCount(parsed) < 3
          ? `it is chatter with no instruction: ${quote(lead)}`
          : `it is incomplete: ${thin}`,
      salvage: null,
    };
  }
  const vague = vagueInstruction(parsed);
  if (vague) return { ok: false, reason: `it is not an instruction: ${vague}`, salvage: null };
  const bounded = boundInstruction(parsed);
  return { ok: true, instruction: bounded.instruction, trimmed: bounded.trimmed };
}

/** A short quotation of model text for a reason line. */
export function quote(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `"${t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/, '')}…`}"`;
}

/**
 * Why a Python script is visibly unfinished, or null: the cheap part of `ast.parse` that catches answers cut at
 * max_tokens: a string or bracket left open, a block header or a continued line at the very end.
 */
export function incompletePython(code: string): string | null {
  const stack: { char: string; line: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let line = 1;
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i] as string;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = code.startsWith(c.repeat(3), i);
      const quoteMark = triple ? c.repeat(3) : c;
      const startLine = line;
      i += quoteMark.length;
      let closed = false;
      while (i < n) {
        const d = code[i];
        if (d === '\\') {
          if (code[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (code.startsWith(quoteMark, i)) {
          i += quoteMark.length;
          closed = true;
          break;
        }
        if (d === '\n') {
          // A one-quote string ends at the line's end (a syntax error, not a cut); a triple-quoted one goes on.
          if (!triple) break;
          line++;
        }
        i++;
      }
      if (!closed && i >= n) return `a string opened on line ${startLine} is never closed`;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push({ char: c, line });
    else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (!open || open.char !== pairs[c]) return `a '${c}' on line ${line} closes nothing`;
    }
    i++;
  }
  const open = stack.at(-1);
  if (open) return `a '${open.char}' opened on line ${open.line} is never closed`;
  const lines = code.split('\n');
  const last = [...lines].reverse().find((l) => l.trim() && !l.trim().startsWith('#'));
  if (last === undefined) return 'it holds no code';
  const t = last.replace(/#.*$/, '').trimEnd();
  if (/:$/.test(t) && /^\s*(def|class|if|elif|else|for|while|try|except|finally|with|async)\b/.test(last))
    return `the last line opens a block with no body (${quote(t.trim(), 60)})`;
  if (/(\\|,|[+\-*/%=<>&|^]|\band|\bor|\bnot|\.)$/.test(t) && !/^\s*(return|pass|break|continue)\b/.test(t))
    return `the last line stops mid-statement (${quote(t.trim(), 60)})`;
  return null;
}
