// Builds a Jupyter notebook (nbformat 4) from the final script: one code cell per stage, each under a
// markdown cell with the instruction steps that stage implements; then runs it in the sandbox (notebook-runner.py)
// so its cells hold what they printed, drew and raised.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { Sandbox, SandboxFile, SandboxLimits } from '../../sandbox/types.ts';
import {
  CHART_FILE,
  CV_SCORE_FILE,
  OOF_FILE,
  SUBMISSION_FILE,
  TEST_FILE,
  TEST_PREDICTIONS_FILE,
  TRAIN_FILE,
} from '../harness/index.ts';
import {
  type Instruction,
  SECTION_TITLES,
  STAGE_SECTIONS,
  STAGES,
  type StageName,
  type TaskSpec,
} from '../types.ts';

/** One output of a code cell, as nbformat 4 stores it. */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string | string[] }
  | {
      output_type: 'display_data';
      data: Record<string, string | string[]>;
      metadata: Record<string, unknown>;
    }
  | {
      output_type: 'execute_result';
      execution_count: number | null;
      data: Record<string, string | string[]>;
      metadata: Record<string, unknown>;
    }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

interface NotebookCell {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export interface NotebookInput {
  task: TaskSpec;
  instruction: Instruction;
  stages: { stage: StageName; code: string }[];
  /** The script that ran (after integration and repairs). */
  code: string;
  /** Score line shown at the top, when there is one. */
  summary?: string;
}

/** Jupyter stores a cell's source as lines that keep their newline, except the last. */
function sourceLines(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

const markdown = (text: string): NotebookCell => ({
  cell_type: 'markdown',
  metadata: {},
  source: sourceLines(text),
});
const codeCell = (text: string): NotebookCell => ({
  cell_type: 'code',
  metadata: {},
  execution_count: null,
  outputs: [],
  source: sourceLines(text),
});

/**
 * Lines that may mark where a stage's code begins in the script: its first line, then its first line that
 * says something (not blank, a comment or an import, which integration tends to move or merge).
 */
function anchorLines(code: string): string[] {
  const lines = code.split('\n').map((l) => l.trimEnd());
  const first = lines.find((l) => l.trim() !== '');
  const meaningful = lines.find((l) => {
    const t = l.trim();
    return t !== '' && !t.startsWith('#') && !/^(import|from)\s/.test(t);
  });
  return [first, meaningful].filter((l): l is string => l !== undefined);
}

const MARKER_PATTERNS: Record<StageName, RegExp> = {
  preprocessing: /^#.*\b(stage\s*1|data\s+preprocessing|preprocessing)\b/i,
  architecture: /^#.*\b(stage\s*2|model\s+architecture|architecture)\b/i,
  training: /^#.*\b(stage\s*3|model\s+training|training)\b/i,
  submission: /^#.*\b(stage\s*4|submission)\b/i,
};

/**
 * Splits the final script where each stage begins: at a stage marker comment when the script has one for
 * every stage in order, else at the first meaningful line of each stage's own code. Null when neither
 * gives four increasing boundaries (the script was rewritten beyond recognition).
 */
export function splitByStage(code: string, stages: { stage: StageName; code: string }[]): string[] | null {
  const lines = code.split('\n');
  const byMarker: number[] = [];
  let from = 0;
  for (const stage of STAGES) {
    const at = lines.findIndex((line, i) => i >= from && MARKER_PATTERNS[stage].test(line.trim()));
    if (at < 0) break;
    byMarker.push(at);
    from = at + 1;
  }
  let starts: number[] | null = byMarker.length === STAGES.length ? byMarker : null;
  if (!starts) {
    const byAnchor: number[] = [];
    from = 0;
    for (const stage of STAGES) {
      const anchors = anchorLines(stages.find((s) => s.stage === stage)?.code ?? '');
      let at = -1;
      for (const anchor of anchors) {
        at = lines.findIndex((line, i) => i >= from && line.trimEnd() === anchor);
        if (at >= 0) break;
      }
      if (at < 0) return null;
      byAnchor.push(at);
      from = at + 1;
    }
    starts = byAnchor;
  }
  // Everything before the first stage (imports, the contract comment) belongs to the first cell.
  starts[0] = 0;
  return starts.map((start, i) =>
    lines
      .slice(start, starts[i + 1] ?? lines.length)
      .join('\n')
      .trim(),
  );
}

function stepsMarkdown(instruction: Instruction, stage: StageName, index: number): string {
  const section = STAGE_SECTIONS[stage];
  const steps = instruction[section];
  const list = steps.length > 0 ? steps.map((s, i) => `${i + 1}. ${s}`).join('\n') : '_No steps given._';
  return `## ${index + 1}. ${SECTION_TITLES[section]}\n\n${list}`;
}

const ticked = (name: string) => `\`${name}\``;

/**
 * The files the notebook reads and writes, in words: train.csv and test.csv are the run's own copies (the user's
 * training file less the held-out rows, and those rows without their labels), which the thread never posts.
 */
export function dataFilesMarkdown(task: TaskSpec): string {
  const trainName = ticked(basename(task.trainFile));
  const labels = task.targets.map(ticked).join(', ');
  const split = task.split;
  const share = `${Math.round(split.testFraction * 100)}%`;
  const held =
    split.kind === 'time'
      ? `the last ${share} of its rows ${split.column ? `by ${ticked(split.column)}` : 'in file order'}`
      : split.kind === 'group'
        ? `${share} of its ${split.column ? `${ticked(split.column)} ` : ''}groups (seed ${split.seed})`
        : `a ${split.kind === 'stratified' ? 'stratified ' : ''}random ${share} of its rows (seed ${split.seed})`;
  const added = task.idAdded
    ? `, with the ${ticked(task.idColumn)} column the harness added (the row number, from 0)`
    : '';
  const lines = [
    '## Data files',
    '',
    'Run it in a folder that holds these files (the run made them from yours; they are not among the files posted):',
    '',
    `- ${ticked(TRAIN_FILE)}: the labelled rows the run trained on: your training file ${trainName} minus ${held}, which the harness held out for scoring${added}.`,
    `- ${ticked(TEST_FILE)}: those held-out rows without their labels (${labels}): the rows the holdout score was computed on.`,
  ];
  if (task.testFile) {
    lines.push(
      `- For predictions on your own test file, use all of ${trainName} as ${ticked(TRAIN_FILE)} and ${ticked(basename(task.testFile))} as ${ticked(TEST_FILE)}.`,
    );
  }
  if (task.extraFiles.length > 0) {
    lines.push(`- ${task.extraFiles.map((file) => ticked(basename(file))).join(', ')}: as you gave them.`);
  }
  if (task.drop.length > 0) {
    lines.push(`- Left out of both: ${task.drop.map(ticked).join(', ')} (they would leak the target).`);
  }
  lines.push(
    '',
    `It writes ${ticked(SUBMISSION_FILE)} (a prediction for each row of ${ticked(TEST_FILE)}), ${ticked(CV_SCORE_FILE)} (its own cross-validation score), and may write ${ticked(CHART_FILE)} and the prediction files ${ticked(OOF_FILE)} (out-of-fold, for ${ticked(TRAIN_FILE)}'s rows) and ${ticked(TEST_PREDICTIONS_FILE)}.`,
  );
  return lines.join('\n');
}

/** The notebook as an object; `JSON.stringify` it to write an .ipynb file. */
export function buildNotebook(input: NotebookInput): Notebook {
  const { task, instruction } = input;
  const intro = [
    `# ${instruction.title || 'Linguacodus solution'}`,
    '',
    task.description,
    '',
    `Metric: **${task.metric}**; target: ${task.targets.map(ticked).join(', ')}; id column: ${ticked(task.idColumn)}.`,
  ];
  if (input.summary) intro.push('', input.summary);
  intro.push('', dataFilesMarkdown(task));
  const cells: NotebookCell[] = [markdown(intro.join('\n'))];
  const parts = splitByStage(input.code, input.stages);
  if (parts) {
    STAGES.forEach((stage, i) => {
      cells.push(markdown(stepsMarkdown(instruction, stage, i)));
      cells.push(codeCell(parts[i] ?? ''));
    });
  } else {
    // The integrated or repaired script no longer follows the stages: show the steps, then the script whole,
    // so the notebook still runs exactly what was scored.
    STAGES.forEach((stage, i) => {
      cells.push(markdown(stepsMarkdown(instruction, stage, i)));
    });
    cells.push(markdown('## Script\n\nThe stages above, integrated into the script that ran.'));
    cells.push(codeCell(input.code));
  }
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python', pygments_lexer: 'ipython3' },
    },
    cells,
  };
}

const RUNNER_SCRIPT = readFileSync(join(import.meta.dirname, 'notebook-runner.py'), 'utf8');
/** Names in the work folder, beside the data files; unusual so they never meet a file of the task's. */
const RUNNER_FILE = '_lc_notebook_runner.py';
const NOTEBOOK_IN = '_lc_notebook.ipynb';
const NOTEBOOK_OUT = '_lc_notebook_executed.ipynb';

const multiline = z.union([z.string(), z.array(z.string())]);
const mimeBundle = z.record(z.string(), multiline);
const outputSchema = z.discriminatedUnion('output_type', [
  z.object({ output_type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: multiline }),
  z.object({
    output_type: z.literal('display_data'),
    data: mimeBundle,
    metadata: z.record(z.string(), z.unknown()),
  }),
  z.object({
    output_type: z.literal('execute_result'),
    execution_count: z.number().int().positive().nullable(),
    data: mimeBundle,
    metadata: z.record(z.string(), z.unknown()),
  }),
  z.object({
    output_type: z.literal('error'),
    ename: z.string(),
    evalue: z.string(),
    traceback: z.array(z.string()),
  }),
]);
const executedNotebookSchema = z.object({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().nonnegative(),
  metadata: z.record(z.string(), z.unknown()),
  cells: z.array(
    z.discriminatedUnion('cell_type', [
      z.object({
        cell_type: z.literal('markdown'),
        metadata: z.record(z.string(), z.unknown()),
        source: z.array(z.string()),
      }),
      z.object({
        cell_type: z.literal('code'),
        metadata: z.record(z.string(), z.unknown()),
        source: z.array(z.string()),
        execution_count: z.number().int().positive().nullable(),
        outputs: z.array(outputSchema),
      }),
    ]),
  ),
});

/** The runner's notebook, checked: nbformat's shape, and the same cells with the same code as the one sent. */
function readExecuted(bytes: Buffer, sent: Notebook): Notebook {
  const parsed = executedNotebookSchema.parse(JSON.parse(bytes.toString('utf8')));
  if (parsed.cells.length !== sent.cells.length) {
    throw new Error(`it has ${parsed.cells.length} cells, not ${sent.cells.length}`);
  }
  parsed.cells.forEach((cell, i) => {
    const before = sent.cells[i]!;
    if (cell.cell_type !== before.cell_type || cell.source.join('') !== before.source.join('')) {
      throw new Error(`cell ${i + 1} is not the cell that was sent`);
    }
  });
  return parsed;
}

/** The last line of stderr that says something, for a one-line reason. */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('[sandbox]'));
  return (lines.at(-1) ?? '').slice(0, 300);
}

/**
 * Runs the notebook's code cells in order in the sandbox, in one namespace, with the files the script ran on
 * (train.csv, test.csv, extra files) in its current folder, and returns it with each cell's outputs (streams, a
 * chart the cell wrote, the error that stopped it) and execution counts. A cell that raises is shown as Jupyter
 * shows it and ends the run there; that is not a problem. `problem` (one line) says why the notebook could not be
 * run at all (time or memory limit, cancelled, the sandbox failing); the notebook is then returned as it was.
 * Never throws.
 */
export async function executeNotebook(
  sandbox: Sandbox,
  notebook: Notebook,
  files: SandboxFile[],
  options: { limits?: Partial<SandboxLimits>; signal?: AbortSignal },
): Promise<{ notebook: Notebook; problem: string | null }> {
  const failed = (problem: string) => ({ notebook, problem });
  try {
    const execution = await sandbox.execute({
      files: [
        ...files,
        { path: RUNNER_FILE, content: RUNNER_SCRIPT },
        { path: NOTEBOOK_IN, content: JSON.stringify(notebook) },
      ],
      entry: RUNNER_FILE,
      args: [NOTEBOOK_IN, NOTEBOOK_OUT],
      collect: [NOTEBOOK_OUT],
      limits: options.limits,
      signal: options.signal,
    });
    const limits = options.limits ?? {};
    if (execution.cancelled) return failed('the notebook run was cancelled');
    if (execution.timedOut) {
      return failed(
        `the notebook ran past the time limit${limits.timeoutMs ? ` of ${limits.timeoutMs / 1000} s` : ''}`,
      );
    }
    if (execution.oomKilled) {
      return failed(`the notebook ran out of memory${limits.memoryMb ? ` (${limits.memoryMb} MB)` : ''}`);
    }
    if (execution.workDirExceeded) return failed('the notebook wrote more than its work folder may hold');
    const written = execution.files.find((file) => file.name === NOTEBOOK_OUT);
    if (execution.exitCode !== 0 || !written) {
      const status =
        execution.exitCode === null ? `was killed (${execution.signal})` : `exited ${execution.exitCode}`;
      const why = lastLine(execution.stderr);
      return failed(
        `the notebook runner ${status}${written ? '' : ' without writing the notebook'}${why ? `: ${why}` : ''}`,
      );
    }
    try {
      return { notebook: readExecuted(written.bytes, notebook), problem: null };
    } catch (error) {
      const reason =
        error instanceof z.ZodError ? z.prettifyError(error).split('\n')[0] : (error as Error).message;
      return failed(`the executed notebook is not valid: ${reason}`);
    }
  } catch (error) {
    if (options.signal?.aborted) return failed('the notebook run was cancelled');
    return failed(
      `the sandbox could not run the notebook: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
