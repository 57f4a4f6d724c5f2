// A model server that answers the way real models do, over the real OpenAI wire protocol (fake-openai-server.ts):
// the instructor replays the paper's released Llama 2 instructions with real styles (chatter, headings, cut-offs
// at max_tokens, loops, refusals); the critic words its choice freely; the coder answers with the offline
// engine's code in varied forms (prose-wrapped, split, bare, a wrong column, a missing import, cut off).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { StageContext } from '../../core/engine.ts';
import { seededRandom } from '../../core/harness/index.ts';
import { parseInstruction } from '../../core/instruction-markdown.ts';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { placeWord } from '../../core/prompts.ts';
import type { DataProfile, Instruction, StageName, TaskSpec } from '../../core/types.ts';
import type { ReleasedRecord } from '../../training/build-dataset.ts';
import {
  type FakeOpenAI,
  type FakeReply,
  type FakeRequest,
  paperPromptOf,
  startFakeOpenAI,
} from './fake-openai-server.ts';
import { tabularInstructions } from './paper-records.ts';

export const INSTRUCTOR_STYLES = [
  'plain',
  'chatter',
  'headings',
  'cut',
  'loop',
  'refusal',
  'chatter-only',
] as const;
export type InstructorStyle = (typeof INSTRUCTOR_STYLES)[number];
export const RESOLVER_STYLES = [
  'labelled',
  'closing-sentence',
  'ordinal',
  'best-colon',
  'bare-number',
  'no-option',
  'thin',
] as const;
export type ResolverStyle = (typeof RESOLVER_STYLES)[number];
export const CODER_STYLES = [
  'fenced',
  'prose',
  'split',
  'bare',
  'wrong-column',
  'missing-import',
  'cut',
] as const;
export type CoderStyle = (typeof CODER_STYLES)[number];

export type CoderCall = 'stage' | 'integrate' | 'repair';

/**
 * How the models answer. Each function gets the place or call and how many times the same question was asked
 * before (0 the first time); leave one out for the realistic mix (`mixedScript`).
 */
export interface ReplayScript {
  instructor?: (rank: number, nth: number) => InstructorStyle;
  /** Which option the researcher prefers (1-3). */
  prefers?: () => number;
  resolver?: (nth: number) => ResolverStyle;
  coder?: (call: CoderCall, nth: number, stage?: StageName) => CoderStyle;
  /** A transport fault to answer instead (a broken body, an error status), or null to answer normally. */
  fault?: (request: FakeRequest, index: number) => FakeReply | null;
}

export interface ReplayServer extends FakeOpenAI {
  /** The task the coder writes code for (the offline engine needs its spec and profile). */
  useTask(prepared: { task: TaskSpec; profile: DataProfile }): void;
  /** What was answered, in order: the kind of question and the style of the answer. */
  readonly answered: { kind: string; style: string; finishReason: string }[];
}

function pick<T>(random: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted[0]![0];
}

/**
 * The mix the benchmark replays: mostly usable answers in the styles real models write, with the failures the
 * checks must catch at rates seen in practice (cut-offs and loops of a 7B model, refusals, misread choices).
 */
export function mixedScript(seed = 1): ReplayScript {
  // The harness's seeded generator: a replay is the same on every run.
  const random = seededRandom(seed);
  return {
    instructor: (_rank, nth) =>
      pick<InstructorStyle>(random, [
        ['plain', 35],
        ['chatter', 20],
        ['headings', 20],
        ['cut', nth === 0 ? 10 : 4],
        ['loop', nth === 0 ? 5 : 2],
        ['refusal', nth === 0 ? 5 : 2],
        ['chatter-only', nth === 0 ? 5 : 2],
      ]),
    prefers: () => 1 + Math.floor(random() * 3),
    resolver: () =>
      pick<ResolverStyle>(random, [
        ['labelled', 30],
        ['closing-sentence', 20],
        ['ordinal', 15],
        ['best-colon', 10],
        ['bare-number', 10],
        ['no-option', 10],
        ['thin', 5],
      ]),
    coder: (call, nth) =>
      call === 'integrate' && nth === 0
        ? pick<CoderStyle>(random, [
            ['prose', 50],
            ['wrong-column', 20],
            ['missing-import', 15],
            ['cut', 15],
          ])
        : call === 'repair'
          ? 'prose'
          : pick<CoderStyle>(random, [
              ['fenced', 30],
              ['prose', 35],
              ['split', 20],
              ['bare', 10],
              ['cut', 5],
            ]),
  };
}

const hash = (text: string) => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
};

/** The words of an option in prose: "second". */
const ordinal = (n: number) => placeWord(n);

function userMessages(request: FakeRequest): string[] {
  const { messages, prompt } = request.body as {
    messages?: { role: string; content: string }[];
    prompt?: string;
  };
  if (Array.isArray(messages)) return messages.filter((m) => m.role === 'user').map((m) => m.content);
  // A completions prompt: the user turns of the Llama 2 template.
  return [
    ...String(prompt ?? '').matchAll(/\[INST\]\s*(?:<<SYS>>[\s\S]*?<<\/SYS>>\s*)?([\s\S]*?)\s*\[\/INST\]/g),
  ].map((m) => m[1] ?? '');
}

function assistantMessages(request: FakeRequest): string[] {
  const { messages } = request.body as { messages?: { role: string; content: string }[] };
  return Array.isArray(messages) ? messages.filter((m) => m.role === 'assistant').map((m) => m.content) : [];
}

/** The instruction a code prompt carries ("Instruction:\n..." up to the code so far). */
function instructionIn(prompt: string): Instruction | null {
  const m = /\nInstruction:\n([\s\S]*?)\n\n(?:No code has been written yet|Code written so far)/.exec(prompt);
  if (!m?.[1]) return null;
  try {
    return parseInstruction(m[1], 1);
  } catch {
    return null;
  }
}

/** The options a critic prompt lists, by number. */
function optionsIn(prompt: string): Map<number, string> {
  const found = new Map<number, string>();
  const parts = prompt.split(/^Instruction option (\d): /m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const body = (parts[i + 1] ?? '').split(
      /\n\n(?=The researcher's analysis:|Evidence:|You are resolver|Begin your answer)/,
    )[0];
    found.set(Number(parts[i]), (body ?? '').trim());
  }
  return found;
}

function asHeadings(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      /^(data preprocessing|model architecture|model training|model prediction|submission|prediction|training|preprocessing)[^:]*:\s*$/i.test(
        l.trim(),
      )
        ? `#### ${l
            .trim()
            .replace(/:$/, '')
            .replace(/\b\w/g, (c) => c.toUpperCase())}`
        : l,
    )
    .join('\n');
}

/** A repair prompt carries no instruction: the one of the code it repairs was seen when that code was asked for. */
function instructionOrThrow(instruction: Instruction | null): Instruction {
  if (!instruction) throw new Error('replay server: a repair came before any code was asked for');
  return instruction;
}

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export async function startReplayModels(script: ReplayScript = mixedScript()): Promise<ReplayServer> {
  const records = await tabularInstructions();
  const offline = new OfflineCoder();
  let prepared: { task: TaskSpec; profile: DataProfile } | null = null;
  let lastInstruction: Instruction | null = null;
  const seen = new Map<string, number>();
  /** Planted faults and cut answers, to answer their repair or continuation as the model would. */
  const intended = new Map<string, string>();
  const answered: ReplayServer['answered'] = [];
  let index = 0;

  const nthTime = (key: string) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n;
  };

  function reply(
    kind: string,
    style: string,
    content: string,
    request: FakeRequest,
    forceLength = false,
  ): FakeReply {
    const maxTokens = Number(request.body.max_tokens ?? request.body.max_completion_tokens ?? 4096);
    // A real server stops at max_tokens, whatever the answer was going to be.
    const over = estimateTokens(content) > maxTokens;
    const text = over ? content.slice(0, maxTokens * 4) : content;
    const finishReason = over || forceLength ? 'length' : 'stop';
    answered.push({ kind, style, finishReason });
    return { content: text, finishReason };
  }

  function instructorAnswer(request: FakeRequest, rank: number): FakeReply {
    const prompt = userMessages(request).at(-1) ?? '';
    // Keyed by the opening of the prompt (the task), so that a re-ask with a note added counts as the same question.
    const nth = nthTime(`instruction ${rank} ${prompt.slice(0, 300)}`);
    const style = script.instructor?.(rank, nth) ?? 'plain';
    const record = records[hash(`${prompt.slice(0, 400)} ${rank} ${nth}`) % records.length] as ReleasedRecord;
    const body = record.instruction.trim();
    const place = ordinal(rank);
    switch (style) {
      case 'plain':
        return reply('instruction', style, body, request);
      case 'chatter':
        return reply(
          'instruction',
          style,
          `Sure! Here is the ${place} place instruction for solving this machine learning task:\n\n${body}\n\nI hope this helps! Let me know if you have any other questions.`,
          request,
        );
      case 'headings':
        return reply(
          'instruction',
          style,
          `### ${place[0]?.toUpperCase()}${place.slice(1)} place solution\n\n${asHeadings(body)}`,
          request,
        );
      case 'cut': {
        // Cut late, as max_tokens usually falls: in the training or prediction part.
        const at = Math.floor(body.length * 0.8);
        return reply('instruction', style, body.slice(0, at), request, true);
      }
      case 'loop': {
        const lines = body.split('\n');
        const head = lines.slice(0, Math.max(3, Math.floor(lines.length * 0.6)));
        const repeated =
          [...head].reverse().find((l) => /^\s*-\s+\S/.test(l)) ?? '- The model is trained on the data.';
        const maxTokens = Number(request.body.max_tokens ?? 2048);
        // The 7B model's failure: one line copied until max_tokens (8,170 characters in one released run).
        const loop = `${head.join('\n')}\n${`${repeated}\n`.repeat(Math.ceil((maxTokens * 4) / (repeated.length + 1)))}`;
        return reply('instruction', style, loop, request, true);
      }
      case 'refusal':
        return reply(
          'instruction',
          style,
          `I apologize, but I cannot provide a specific ${place} place instruction for this competition, as I do not have access to its leaderboard or the participants' code. However, I can suggest general approaches if you like.`,
          request,
        );
      case 'chatter-only':
        return reply(
          'instruction',
          style,
          `Sure! Here is the ${place} place instruction for solving this machine learning task:`,
          request,
        );
    }
  }

  function critiqueAnswer(request: FakeRequest, prefers: number): FakeReply {
    const options = optionsIn(userMessages(request).at(-1) ?? '');
    const lines = [...options.keys()].map(
      (n) =>
        `${n}. Instruction option ${n}: ${n === prefers ? 'a sound plan, though it does not say how the hyper-parameters are tuned' : 'it does not validate its choices on held-out folds and leaves missing values to the model'}.`,
    );
    return reply(
      'critique',
      'list',
      `Let's go through the options step by step.\n\n${lines.join('\n')}\n\nOverall, the ${ordinal(prefers)} option is the most promising.`,
      request,
    );
  }

  function resolverAnswer(request: FakeRequest, prefers: number): FakeReply {
    const prompt = userMessages(request).at(-1) ?? '';
    const nth = nthTime('resolve');
    const style = script.resolver?.(nth) ?? 'labelled';
    const chosen = optionsIn(prompt).get(prefers) ?? '';
    const improved = `${chosen.replace(/^### (.*)$/m, '### $1, tuned')}\n- Tune the learning rate and the number of trees with early stopping on a validation fold.`;
    const because = `The researcher thought instruction option ${prefers} was best: it suits the data, and its flaw is fixable.`;
    const text: Record<ResolverStyle, string> = {
      labelled: `Chosen option: ${prefers}\n\n${because}\n\n${improved}`,
      'closing-sentence': `Step 1: ${because}\n\nStep 2: add hyper-parameter tuning with early stopping.\n\n**Improved instruction:**\n\n${improved}\n\nThis improved instruction addresses the flaws identified by the researcher.`,
      ordinal: `After reviewing the analysis, the ${ordinal(prefers)} instruction is the strongest; here it is, improved.\n\n${improved}`,
      'best-colon': `best: ${prefers}.\n\n${improved}`,
      'bare-number': `${prefers}.\n\n${improved}`,
      'no-option': `Both remaining approaches have merit, so here is a refined plan.\n\n${improved}`,
      thin: `Chosen option: ${prefers}\n\nFinal instruction: use option ${prefers} with more trees and early stopping.`,
    };
    return reply('resolve', style, text[style], request);
  }

  function wrap(style: CoderStyle, code: string, what: string): string {
    const lines = code.trimEnd().split('\n');
    switch (style) {
      case 'fenced':
        return `\`\`\`python\n${code.trimEnd()}\n\`\`\``;
      case 'bare':
        return `Here is the ${what}:\n\n${code.trimEnd()}`;
      case 'split': {
        const at = Math.max(1, Math.floor(lines.length / 2));
        // Split between top-level statements so that each block reads as a part of one script.
        let cut = at;
        const insideString = (n: number) =>
          (lines
            .slice(0, n)
            .join('\n')
            .match(/"""|'''/g)?.length ?? 0) %
            2 ===
          1;
        while (cut < lines.length && (/^\s|^[)\]}]/.test(lines[cut] ?? '') || insideString(cut))) cut++;
        return `First the set-up:\n\n\`\`\`python\n${lines.slice(0, cut).join('\n')}\n\`\`\`\n\nThen the rest:\n\n\`\`\`python\n${lines.slice(cut).join('\n')}\n\`\`\`\n\nTogether these form the ${what}.`;
      }
      default:
        return `Here is the ${what}. It follows the instruction and the harness contract.\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n\nThe code reads train.csv and test.csv and writes the files the contract asks for.`;
    }
  }

  /** A planted fault: the target's name misspelt, or the numpy import left out. */
  function plant(style: 'wrong-column' | 'missing-import', code: string): string {
    if (style === 'missing-import') return code.replace(/^import numpy as np\n/m, '');
    return code.replace(
      /^TARGETS = \["([^"]+)"/m,
      (_m, t: string) => `TARGETS = ["${t.slice(0, -2)}${t.slice(-1)}${t.slice(-2, -1)}"`,
    );
  }

  async function coderAnswer(request: FakeRequest): Promise<FakeReply> {
    const users = userMessages(request);
    const last = users.at(-1) ?? '';
    if (!prepared) throw new Error('replay server: useTask() was not called before the coder was asked');
    // A continuation: the rest of the answer that was cut.
    if (last.includes('Continue exactly where it stopped')) {
      const cut = assistantMessages(request).at(-1) ?? '';
      const whole = intended.get(cut);
      const rest = whole ? whole.slice(cut.length) : '\n```';
      return reply('continue', 'rest', rest, request);
    }
    const first = users[0] ?? '';
    const kind = paperPromptOf({ ...request, body: { messages: [{ role: 'user', content: first }] } });
    const call: CoderCall =
      kind.kind === 'stage' ? 'stage' : kind.kind === 'integrate' ? 'integrate' : 'repair';
    const stage = kind.kind === 'stage' ? kind.stage : undefined;
    // Counted per question (task, instruction, stage or failing script), not across the whole session.
    const nth = nthTime(`${call} ${stage ?? ''} ${hash(first)}`);
    let style = script.coder?.(call, nth, stage) ?? 'prose';
    const instruction = instructionIn(first) ?? lastInstruction;
    if (instruction) lastInstruction = instruction;
    const context: StageContext = {
      ...prepared,
      instruction: instructionOrThrow(instruction),
      previous: [],
    };
    let code: string;
    let what: string;
    if (call === 'stage' && stage) {
      const previous: StageContext['previous'] = [];
      // The offline engine writes each stage knowing the ones before; regenerate them in order.
      for (const s of ['preprocessing', 'architecture', 'training', 'submission'] as const) {
        const c = await offline.writeStage(s, { ...context, previous: [...previous] });
        if (s === stage) {
          code = c;
          break;
        }
        previous.push({ stage: s, code: c });
      }
      code ??= '';
      what = `code for the ${stage} stage`;
      if (style === 'wrong-column' || style === 'missing-import') style = 'prose';
    } else if (call === 'integrate') {
      code = await offline.integrate(context);
      what = 'integrated script';
    } else {
      // A repair: the script that failed is the last one shown; a planted fault is undone, else the offline repair.
      const failing = (
        assistantMessages(request).at(-1) ??
        /Script:\n```python\n([\s\S]*?)\n```\n\nError:/.exec(first)?.[1] ??
        ''
      )
        .replace(/^```python\n|\n```$/g, '')
        .trim();
      const error = /Error:\n```\n([\s\S]*?)\n```/.exec(last)?.[1] ?? '';
      code = intended.get(failing) ?? (await offline.repair(failing, error, context));
      what = 'fixed script';
      if (style !== 'fenced' && style !== 'bare' && style !== 'split') style = 'prose';
    }
    if (style === 'wrong-column' || style === 'missing-import') {
      const planted = plant(style, code);
      intended.set(planted.trim(), code);
      return reply(call, style, wrap('prose', planted, what), request);
    }
    if (style === 'cut') {
      const whole = wrap('prose', code, what);
      const cut = whole.slice(0, Math.floor(whole.length * 0.6));
      intended.set(cut, whole);
      return reply(call, style, cut, request, true);
    }
    return reply(call, style, wrap(style, code, what), request);
  }

  let prefers: number | null = null;
  const useTask = (p: { task: TaskSpec; profile: DataProfile }) => {
    prepared = p;
  };
  const server = await startFakeOpenAI(
    async (request) => {
      const i = index++;
      const fault = script.fault?.(request, i);
      if (fault) {
        answered.push({
          kind: 'fault',
          style: String((fault as { status?: number }).status ?? 'raw'),
          finishReason: '',
        });
        return fault;
      }
      const users = userMessages(request);
      const last = users.at(-1) ?? '';
      const kind = paperPromptOf({
        ...request,
        body: { messages: [{ role: 'user', content: users[0] ?? '' }] },
      });
      if (kind.kind === 'instruction') return instructorAnswer(request, kind.rank);
      if (kind.kind === 'critique') {
        prefers = script.prefers?.() ?? 2;
        return critiqueAnswer(request, prefers);
      }
      if (kind.kind === 'resolve') return resolverAnswer(request, prefers ?? script.prefers?.() ?? 2);
      if (
        kind.kind === 'stage' ||
        kind.kind === 'integrate' ||
        kind.kind === 'repair' ||
        last.includes('Continue exactly')
      )
        return coderAnswer(request);
      return reply('unknown', 'none', 'I am not sure what you are asking.', request);
    },
    {
      // Run as its own process (the benchmark), the server is told the task over HTTP.
      '/replay/task': (body) => {
        useTask(body as { task: TaskSpec; profile: DataProfile });
        return { ok: true };
      },
      '/replay/answered': () => answered,
    },
  );
  return Object.assign(server, { useTask, answered });
}

/**
 * Run directly (`node --import tsx tests/helpers/replay-model-server.ts [--seed N]`), it serves the realistic
 * mix and prints its base URL on the first line of stdout; POST /replay/task {task, profile} before each task.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' } } });
  const server = await startReplayModels(mixedScript(Number(values.seed)));
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
