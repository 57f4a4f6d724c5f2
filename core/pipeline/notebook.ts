// Builds a Jupyter notebook (nbformat 4) from the final script: one code cell per stage, each under a
// markdown cell with the instruction steps that stage implements.
import type { Sandbox, SandboxFile, SandboxLimits } from '../../sandbox/types.ts';
import {
  type Instruction,
  SECTION_TITLES,
  STAGE_SECTIONS,
  STAGES,
  type StageName,
  type TaskSpec,
} from '../types.ts';

interface NotebookCell {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
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

/** The notebook as an object; `JSON.stringify` it to write an .ipynb file. */
export function buildNotebook(input: NotebookInput): Notebook {
  const { task, instruction } = input;
  const intro = [
    `# ${instruction.title || 'Linguacodus solution'}`,
    '',
    task.description,
    '',
    `Metric: **${task.metric}**; target: ${task.targets.map((t) => `\`${t}\``).join(', ')}; id column: \`${task.idColumn}\`.`,
  ];
  if (input.summary) intro.push('', input.summary);
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

/**
 * Runs the notebook's code cells in order in the sandbox, with the files the script ran on (train.csv, test.csv),
 * and returns it with each cell's outputs and execution count; `problem` says why it could not (the notebook is then
 * returned as it was). Not built yet: returns the notebook unexecuted.
 */
export async function executeNotebook(
  _sandbox: Sandbox,
  notebook: Notebook,
  _files: SandboxFile[],
  _options: { limits?: Partial<SandboxLimits>; signal?: AbortSignal },
): Promise<{ notebook: Notebook; problem: string | null }> {
  return { notebook, problem: 'notebook execution is not built yet' };
}
