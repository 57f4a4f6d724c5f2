// The paper's prompts (Figs. 4-8) and the staged code prompts of Fig. 9, built from our task, profile and instructions.
import type { ImproveInput, StageContext } from './engine.ts';
import { describeContract, METRICS } from './harness/index.ts';
import { renderInstruction } from './instruction-markdown.ts';
import {
  type DataProfile,
  type Evidence,
  type Instruction,
  type MetricName,
  SECTION_TITLES,
  STAGE_SECTIONS,
  STAGES,
  type StageName,
  type TaskSpec,
} from './types.ts';

/** What the paper's prompts say about a task: its description, data type and metric type. */
export interface TaskFacts {
  description: string;
  dataType: string;
  metric: string;
}

export function taskFacts(task: TaskSpec): TaskFacts {
  // The registry's label ("ROC AUC", "RMSE") reads as the metric types the instructor was tuned on.
  return { description: task.description, dataType: task.dataType, metric: METRICS[task.metric].label };
}

/**
 * The metric types as the released fine-tuning records name them (result_prompts_new.csv: auc, mae, mse,
 * log_loss, categorization_accuracy, ...): the vocabulary the fine-tuned instructor saw, for INSTRUCTOR_PROMPT=paper.
 * Errors on a log scale or relative to the target are the records' "percentage_errors" (house prices, ride times).
 */
export function trainingMetric(metric: MetricName, target: DataProfile['target']['type']): string {
  const multiclass = target === 'multiclass';
  switch (metric) {
    case 'rmse':
    case 'mse':
    case 'mcrmse':
      return 'mse';
    case 'mae':
      return 'mae';
    case 'rmsle':
    case 'mape':
      return 'percentage_errors';
    case 'r2':
      return 'r2_score';
    case 'roc-auc':
      return multiclass ? 'auc_multiclass' : 'auc';
    case 'log-loss':
      return multiclass ? 'multiclass_log_loss' : 'log_loss';
    case 'accuracy':
      return 'categorization_accuracy';
    case 'f1':
      return 'f_score';
    case 'f1-macro':
    case 'f1-micro':
      return 'f_score_multiclass';
  }
}

/** Data types as the released records name them: "tabular data" (so the prompt reads "The tabular data data is used"). */
const TRAINING_DATA_TYPES: Record<TaskSpec['dataType'], string> = {
  tabular: 'tabular data',
  text: 'text data',
  image: 'image data',
  'time series': 'time series',
};

/** The task facts in the released records' words, for the fine-tuned instructor (INSTRUCTOR_PROMPT=paper). */
export function trainingTaskFacts(task: TaskSpec, profile: DataProfile): TaskFacts {
  return {
    description: task.description,
    dataType: TRAINING_DATA_TYPES[task.dataType],
    metric: trainingMetric(task.metric, profile.target.type),
  };
}

/**
 * The instructor's prompt styles: `rich` (Fig. 6 in the metric registry's labels, plus a data card naming the
 * real columns; for general chat models) and `paper` (exactly Fig. 6 in the training records' vocabulary, no
 * data card; for the released fine-tuned adapter).
 */
export const INSTRUCTOR_PROMPT_MODES = ['rich', 'paper'] as const;
export type InstructorPromptMode = (typeof INSTRUCTOR_PROMPT_MODES)[number];

/**
 * The Llama 2 chat model's default system prompt, as it stands in every released fine-tuning record
 * (result_prompts_new.csv): the instructor was tuned behind it, so plain completions endpoints get it too.
 */
export const LLAMA2_DEFAULT_SYSTEM =
  "You are a helpful, respectful and honest assistant. Always answer as helpfully as possible, while being safe. Your answers should not include any harmful, unethical, racist, sexist, toxic, dangerous, or illegal content. Please ensure that your responses are socially unbiased and positive in nature. If a question does not make any sense, or is not factually coherent, explain why instead of answering something not correct. If you don't know the answer to a question, please don't share false information.";

/**
 * One Llama 2 chat turn for a plain completions endpoint. No leading "<s>": servers such as vLLM add the BOS
 * token themselves, and a literal one would be a second.
 */
export function llama2ChatTemplate(system: string | undefined, user: string): string {
  const sys = system?.trim() ? `<<SYS>>\n${system.trim()}\n<</SYS>>\n\n` : '';
  return `[INST] ${sys}${user.trim()} [/INST]`;
}

/** Place words as the released fine-tuning records spell them (they go up to the twentieth place). */
export const PLACE_WORDS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
];

/** "first", "second", "third": the form of the released fine-tuning records and inference script. */
export function placeWord(rank: number): string {
  return PLACE_WORDS[rank - 1] ?? placeOrdinal(rank);
}

/** "1st", "2nd", "3rd": the form printed in the paper's Fig. 6. */
export function placeOrdinal(rank: number): string {
  const tens = rank % 100;
  if (tens >= 11 && tens <= 13) return `${rank}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][rank % 10] ?? 'th';
  return `${rank}${suffix}`;
}

export type PlaceStyle = 'word' | 'ordinal';

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Fig. 4: the prompt that turned a ranked Kaggle solution into an instruction (training data side). */
export function instructionRetrievalPrompt(code: string): string {
  return `Get the main information about data preprocessing, model architecture and model training from the code. Code: ${code}`;
}

/** Fig. 5: one Llama 2 fine-tuning record, prompt and completion separated by [/INST]. */
export function fineTuneRecord(input: TaskFacts & { rank: number; instruction: string }): string {
  return `<s>[INST] Get the main information about data preprocessing, model architecture and model training for this problem. This solution has the ${input.rank} place in rating. Data type: ${sentence(input.dataType)} Metric type is: ${sentence(input.metric)} Problem: ${sentence(input.description)} [/INST] ${input.instruction.trim()} </s>`;
}

/** The part of Figs. 6 and 7 that states the task, data type and metric type. */
function taskSentence(facts: TaskFacts): string {
  return `Task: ${sentence(facts.description)} The ${facts.dataType} data is used for the problem. The metric type is ${facts.metric} for the problem.`;
}

/**
 * Fig. 6: the instructor's prompt for the rank-th place instruction. A data card (columns, target), when given,
 * follows the paper's text so that a general model can name the real columns; the fine-tuned model ignores it.
 */
export function instructorPrompt(
  facts: TaskFacts,
  rank: number,
  options: { place?: PlaceStyle; dataCard?: string } = {},
): string {
  const place = options.place === 'ordinal' ? placeOrdinal(rank) : placeWord(rank);
  const prompt = `Imagine that you are a data analyst. Your objective is writing the ${place} place instruction for solving this machine learning task. ${taskSentence(facts)} Your response contains the main information about data preprocessing, model architecture and model training.`;
  return options.dataCard?.trim() ? `${prompt}\n\nData card:\n${options.dataCard.trim()}` : prompt;
}

/** Cross-validation evidence for each option, in words for the critic (never the holdout). */
export function evidenceText(evidence: Evidence[], metric: string, higherIsBetter?: boolean): string {
  if (evidence.length === 0) return '';
  const direction =
    higherIsBetter === undefined ? '' : higherIsBetter ? ' (higher is better)' : ' (lower is better)';
  const lines = [...evidence]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => {
      const score =
        e.cvScore === null
          ? `no score${e.error ? ` (${oneLine(e.error, 200)})` : ''}`
          : formatNumber(e.cvScore);
      return `Instruction option ${e.rank}: ${metric} = ${score} in ${Math.round(e.seconds)} s`;
    });
  return `Evidence: a quick cross-validation of each option's code on a sample of the training rows, ${metric}${direction}:\n${lines.join('\n')}`;
}

function optionsText(instructions: Instruction[]): string {
  return [...instructions]
    .sort((a, b) => a.rank - b.rank)
    .map((i) => `Instruction option ${i.rank}: ${renderInstruction(i).trim()}`)
    .join('\n\n');
}

/** Fig. 7: the researcher lists the flaws and faulty logic of each option. */
export function researcherPrompt(input: {
  facts: TaskFacts;
  instructions: Instruction[];
  evidence?: Evidence[];
  higherIsBetter?: boolean;
}): string {
  const head = `You are a researcher tasked with investigating the 3 options of instruction for solving this machine learning task. ${taskSentence(input.facts)}

Your response contains the main information about data preprocessing, model architecture and model training. List the flaws and faulty logic of each instruction option. Let's work this out in a step by step way to be sure we have all the errors.

${optionsText(input.instructions)}`;
  const evidence = evidenceText(input.evidence ?? [], input.facts.metric, input.higherIsBetter);
  return evidence ? `${head}\n\n${evidence}` : head;
}

/** The answer layout the resolver is asked for, so that the choice and the improved instruction can be read back. */
export const RESOLVER_ANSWER_FORMAT = `Begin your answer with the line "Chosen option: N", where N is the number (1, 2 or 3) of the option the researcher thought was best. Then print the improved instruction in full in this markdown form:

### <a short title naming the model>

#### Data Preprocessing:

- <step>

#### Model Architecture:

- <step>

#### Model Training:

- <step>

#### Submission:

- <step>`;

/** Fig. 8: the resolver finds the researcher's best option, improves it and prints it in full. */
export function resolverPrompt(input: {
  facts: TaskFacts;
  instructions: Instruction[];
  critique: string;
  evidence?: Evidence[];
  higherIsBetter?: boolean;
}): string {
  const evidence = evidenceText(input.evidence ?? [], input.facts.metric, input.higherIsBetter);
  return [
    `${taskSentence(input.facts)}`,
    optionsText(input.instructions),
    `The researcher's analysis:\n${input.critique.trim()}`,
    evidence,
    "You are resolver tasked with 1) find which of the instruction options the researcher thought was best 2) improving the instruction 3) printing the improved instruction in full. Let's work this out in a step by step way to be sure we have the right meaningful instruction.",
    RESOLVER_ANSWER_FORMAT,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The coder's standing orders: the sandbox's limits and the answer format. */
export const CODER_SYSTEM =
  'You are an expert machine learning engineer who writes correct, runnable Python. The code runs offline in a sandbox with pandas, numpy, scikit-learn, xgboost and matplotlib only. Answer with the code in a single ```python fenced block.';

/** Each stage under its instruction section's title ("Data Preprocessing"). */
export const STAGE_TITLES = Object.fromEntries(
  STAGES.map((stage) => [stage, SECTION_TITLES[STAGE_SECTIONS[stage]]]),
) as Record<StageName, string>;

/** What each stage of Fig. 9 must leave behind for the next one. */
const STAGE_GOALS: Record<StageName, string> = {
  preprocessing:
    'Load train.csv and test.csv and carry out the Data Preprocessing steps, leaving the training features `X`, the target `y` and the test features `X_test` ready for modelling (keep the test ids).',
  architecture:
    'Define the model (or models) the Model Architecture steps describe, as unfitted objects or a function that builds one; do not train yet.',
  training:
    'Train the model as the Model Training steps describe, with cross-validation on the training rows only, and write the cross-validation score file the contract names.',
  submission:
    'Predict the test rows with the trained model and write the submission file exactly as the contract says.',
};

/** A compact data profile for prompts: size, target and one line per column (bounded). */
export function profileSummary(profile: DataProfile, maxColumns = 60): string {
  const t = profile.target;
  let target = `Target ${t.names.map((n) => `\`${n}\``).join(', ')}: ${t.type}`;
  if (t.classes?.length) {
    const total = t.classes.reduce((n, c) => n + c.count, 0) || 1;
    const shown = t.classes.slice(0, 10).map((c) => `${c.value} ${Math.round((100 * c.count) / total)}%`);
    target += `; classes ${shown.join(', ')}${t.classes.length > 10 ? `, and ${t.classes.length - 10} more` : ''}`;
  }
  if (t.mean !== undefined) target += `; mean ${formatNumber(t.mean)}`;
  if (t.skew !== undefined) target += `; skew ${formatNumber(t.skew)}`;
  const columns = profile.columns.slice(0, maxColumns).map((c) => {
    const bits: string[] = [c.kind];
    if (c.missingShare > 0)
      bits.push(`${(c.missingShare * 100).toFixed(c.missingShare < 0.01 ? 1 : 0)}% missing`);
    bits.push(`${c.unique} unique`);
    if (c.kind === 'numeric' && c.min !== undefined && c.max !== undefined) {
      bits.push(`range ${formatNumber(c.min)}..${formatNumber(c.max)}`);
    }
    if (c.kind === 'text' && c.meanLength !== undefined)
      bits.push(`mean length ${Math.round(c.meanLength)} chars`);
    if ((c.kind === 'categorical' || c.kind === 'boolean') && c.top?.length) {
      bits.push(
        `top ${c.top
          .slice(0, 4)
          .map((v) => oneLine(v.value, 30))
          .join(', ')}`,
      );
    } else if (c.examples.length && c.kind !== 'numeric') {
      bits.push(
        `e.g. ${c.examples
          .slice(0, 2)
          .map((v) => oneLine(v, 40))
          .join(' | ')}`,
      );
    }
    return `- \`${c.name}\`: ${bits.join(', ')}`;
  });
  const more =
    profile.columns.length > maxColumns
      ? [`- ... and ${profile.columns.length - maxColumns} more columns`]
      : [];
  return [
    `${profile.rows} labelled rows, ${profile.columns.length} columns.`,
    `${target}.`,
    ...columns,
    ...more,
    ...(profile.images ? [picturesLine(profile.images)] : []),
  ].join('\n');
}

/** An image task's layout for the models: where the pictures are, their sizes, and what is installed to read them. */
function picturesLine(images: NonNullable<DataProfile['images']>): string {
  const span = (r: { min: number; max: number }) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`);
  return `Pictures: each row is one picture (${images.count} to learn from, ${images.testCount} to predict for; ${images.formats.join(', ')}, ${span(images.width)}x${span(images.height)} pixels, ${images.channels.join(' or ')} channel(s)); the last column holds its path under the images/ folder, relative to the current folder (open it with PIL.Image.open). torch and torchvision (CPU only), scikit-image and Pillow are installed.`;
}

/** Prompts for a model whose context is small: a short data profile and, for stages, earlier code by name only. */
export interface CodePromptOptions {
  compact?: boolean;
}

function contextHead(context: StageContext, options: CodePromptOptions = {}): string {
  return `${taskSentence(taskFacts(context.task))}

Data profile:
${profileSummary(context.profile, options.compact ? 12 : 60)}

Harness contract (the script's environment and what it must write):
${describeContract(context.task, context.profile)}

Instruction:
${renderInstruction(context.instruction).trim()}`;
}

function codeSoFar(previous: StageContext['previous'], options: CodePromptOptions = {}): string {
  if (previous.length === 0) return 'No code has been written yet; this is the first part of the script.';
  if (options.compact) {
    return `Code written so far (left out for length) defines: ${definedNames(previous.map((p) => p.code).join('\n')).join(', ') || 'nothing at the top level'}.`;
  }
  return `Code written so far:\n\`\`\`python\n${previous
    .map((p) => `# --- ${STAGE_TITLES[p.stage]} ---\n${p.code.trim()}`)
    .join('\n\n')}\n\`\`\``;
}

/** Top-level names a script defines (imports, assignments, functions, classes), in order, once each. */
export function definedNames(code: string): string[] {
  const names: string[] = [];
  const add = (n: string) => {
    const name = n.trim();
    if (/^[A-Za-z_][\w]*$/.test(name) && !names.includes(name)) names.push(name);
  };
  for (const line of code.split('\n')) {
    const def = /^(?:def|class)\s+([A-Za-z_]\w*)/.exec(line);
    if (def?.[1]) add(def[1]);
    const imp = /^(?:from\s+\S+\s+)?import\s+(.+)$/.exec(line);
    if (imp?.[1]) for (const part of imp[1].split(',')) add(part.split(/\s+as\s+/).at(-1) ?? '');
    const assign = /^([A-Za-z_][\w, ]*?)\s*=(?!=)/.exec(line);
    if (assign?.[1]) for (const part of assign[1].split(',')) add(part);
  }
  return names;
}

/** Fig. 9, one stage: the code for this stage only, continuing the stages before it. */
export function stagePrompt(
  stage: StageName,
  context: StageContext,
  options: CodePromptOptions = {},
): string {
  const steps = context.instruction[STAGE_SECTIONS[stage]];
  const stepsText = steps.length
    ? steps.map((s) => `- ${s}`).join('\n')
    : '- (the instruction gives no steps here; choose sensible ones that fit the rest of it)';
  return `${contextHead(context, options)}

${codeSoFar(context.previous, options)}

Write the Python code for the ${STAGE_TITLES[stage]} stage only. ${STAGE_GOALS[stage]}
Steps of the instruction for this stage:
${stepsText}
The code continues the code above: reuse its variables and imports, do not repeat it. Return one \`\`\`python block.`;
}

/** Fig. 9, integration: the stages joined into one runnable script. */
export function integrationPrompt(context: StageContext, options: CodePromptOptions = {}): string {
  return `${contextHead(context, options)}

${codeSoFar(context.previous)}

Integrate all the code parts above into one complete Python script that runs from top to bottom: keep the order of the stages, put the imports at the top, remove duplicated definitions, and make sure the script follows the harness contract (it writes the submission and the cross-validation score files). Return the whole script in one \`\`\`python block.`;
}

/**
 * The vanilla control (the paper's comparison with a model given the task alone): the task, the data profile and
 * the harness contract, no instruction, the whole script in one answer.
 */
export function vanillaPrompt(context: StageContext, options: CodePromptOptions = {}): string {
  return `${taskSentence(taskFacts(context.task))}

Data profile:
${profileSummary(context.profile, options.compact ? 12 : 60)}

Harness contract (the script's environment and what it must write):
${describeContract(context.task, context.profile)}

Write a complete Python script that solves this task. Return the whole script in one \`\`\`python block.`;
}

/** The most of the parent script an improvement prompt carries (its tail is cut, with a note). */
const MAX_IMPROVE_CODE_CHARS = 40_000;

/**
 * Improve, in the spirit of AIDE's improvement step: the task, the contract, the scored script, its holdout score
 * and its own CV score, the tail of its log; one concrete change, said in a line, then the whole improved script.
 */
export function improvePrompt(input: ImproveInput, options: CodePromptOptions = {}): string {
  const { context } = input;
  const metric = METRICS[context.task.metric];
  const code =
    input.code.length > MAX_IMPROVE_CODE_CHARS
      ? `${input.code.slice(0, MAX_IMPROVE_CODE_CHARS)}\n# ... (the rest of the script left out for length)`
      : input.code;
  const history = input.history.length
    ? `\nChanges already made along this line of runs (do not repeat them):\n${input.history.map((h) => `- ${h}`).join('\n')}\n`
    : '';
  return `${taskSentence(taskFacts(context.task))}

Data profile:
${profileSummary(context.profile, options.compact ? 12 : 60)}

Harness contract (the script's environment and what it must write):
${describeContract(context.task, context.profile)}

This script ran and was scored:
\`\`\`python
${code.trim()}
\`\`\`

Its ${context.task.metric} on held-out rows (scored by the harness): ${input.score ?? 'none'}; its own cross-validation ${context.task.metric}: ${input.cvScore ?? 'not reported'} (${metric.higherIsBetter ? 'higher' : 'lower'} is better).
The last lines of its log:
\`\`\`
${input.logTail.trim().slice(-4000)}
\`\`\`
${history}
Propose ONE concrete change that should improve the score (features, model, tuning or validation), say it in one line that starts with "Change:", then give the full improved script in one \`\`\`python block. Keep everything else the script does, and keep following the harness contract.`;
}

/** The change line of an improvement answer ("Change: ..."), or the first line of prose before the code. */
export function improvementChange(text: string): string {
  const labelled = /^\s*\**change\**\s*:\s*\**\s*(.+)$/im.exec(text)?.[1];
  const prose = text
    .split(/```/)[0]
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  const line = (labelled ?? prose ?? 'one change to the script').replace(/\*+/g, '').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** The most of an error fed back: its tail, where Python puts the exception, is what the coder needs. */
export const MAX_ERROR_CHARS = 6000;

/** The error as fed back: its tail, where Python puts the exception, up to `max` characters. */
function errorTail(rawError: string, max: number): string {
  const trimmed = rawError.trim();
  return trimmed.length > max ? `...\n${trimmed.slice(-max)}` : trimmed;
}

const FIX_ORDER = 'Fix the error. Return the whole corrected script in one ```python block.';

/** Fig. 9, error fixing: the failing script and its error, fed back as they are (the paper adds no other advice). */
export function repairPrompt(code: string, rawError: string, context: StageContext): string {
  return `${taskSentence(taskFacts(context.task))}

Harness contract (the script's environment and what it must write):
${describeContract(context.task, context.profile)}

Script:
\`\`\`python
${code.trim()}
\`\`\`

Error:
\`\`\`
${errorTail(rawError, MAX_ERROR_CHARS)}
\`\`\`

${FIX_ORDER}`;
}

/** The most characters a repair conversation carries; older scripts are left out first. */
export const MAX_REPAIR_HISTORY_CHARS = 30_000;
/** Errors of earlier attempts are shown shorter than the latest one. */
const EARLIER_ERROR_CHARS = 1500;

/** A turn of the repair conversation (the model client's chat message shape). */
export interface PromptTurn {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The repair as a conversation: the first failing script and its error, then each fix the coder gave (the next
 * attempt's script) and the error it ended in, so the coder sees what it already tried. The latest script is
 * always in full; older scripts give way to a placeholder, oldest first, to stay under `maxChars`.
 */
export function repairConversation(
  code: string,
  error: string,
  context: StageContext,
  maxChars = MAX_REPAIR_HISTORY_CHARS,
): PromptTurn[] {
  const earlier = context.repairs ?? [];
  if (earlier.length === 0) return [{ role: 'user', content: repairPrompt(code, error, context) }];
  // Scripts s1..sN and errors e1..eN: s1 with e1 opens, each later script is the coder's answer to the one before.
  const scripts = [...earlier.map((r) => r.code), code];
  const errors = [
    ...earlier.map((r) => errorTail(r.error, EARLIER_ERROR_CHARS)),
    errorTail(error, MAX_ERROR_CHARS),
  ];
  const shown = scripts.map((s) => s.trim());
  const placeholder = (n: number) =>
    `# (the script of attempt ${n}, ${scripts[n - 1]?.split('\n').length ?? 0} lines, left out for length)`;
  const build = (): PromptTurn[] => {
    const turns: PromptTurn[] = [
      { role: 'user', content: repairPrompt(shown[0] ?? '', errors[0] ?? '', context) },
    ];
    for (let n = 1; n < shown.length; n++) {
      turns.push({ role: 'assistant', content: `\`\`\`python\n${shown[n]}\n\`\`\`` });
      const last = n === shown.length - 1;
      turns.push({
        role: 'user',
        content: `Attempt ${n + 1} (your fix above) failed too.\n\nError:\n\`\`\`\n${errors[n]}\n\`\`\`\n\n${last ? `Do not repeat a fix that already failed. ${FIX_ORDER}` : 'Fix the error.'}`,
      });
    }
    return turns;
  };
  let turns = build();
  const size = () => turns.reduce((n, t) => n + t.content.length, 0);
  for (let n = 1; n < shown.length && size() > maxChars; n++) {
    shown[n - 1] = placeholder(n);
    turns = build();
  }
  return turns;
}

/** What a coder whose answer was cut off is told, to continue it. */
export function continuePrompt(reason: string): string {
  return `Your answer was cut off (${reason}). Continue exactly where it stopped: do not repeat anything already written and do not start a new code block; close the code block at the end.`;
}

/** What a coder whose answer was cut off twice is told when it is asked for the whole script again. */
export function shorterPrompt(reason: string): string {
  return `(Your earlier answer to this was cut off: ${reason}. Answer with the complete code, shorter: no explanations and no comments.)`;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 1000 ? n.toFixed(1) : Number(n.toPrecision(4)).toString();
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 3)}...`;
}
