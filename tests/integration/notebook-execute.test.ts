// The notebook executed in the real sandbox (both drivers): outputs, execution counts, the chart a cell draws, the
// error that stops it, and the first cell that says which files it expects.
import { describe, expect, it } from 'vitest';
import { buildNotebook, executeNotebook, type Notebook } from '../../core/pipeline/notebook.ts';
import type { Instruction } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import type { Execution, Sandbox, SandboxJob } from '../../sandbox/types.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const task = taskFixture({
  description: 'Predict y from x.',
  metric: 'rmse',
  targets: ['y'],
  trainFile: '/uploads/houses.csv',
  split: { kind: 'random', testFraction: 0.25, seed: 42 },
});
const instruction: Instruction = {
  rank: 1,
  title: 'Linear fit',
  dataPreprocessing: ['Read the files'],
  modelArchitecture: ['Least squares'],
  modelTraining: ['Fit on train.csv'],
  submission: ['Write submission.csv'],
  recipe: null,
};
const files = [
  { path: 'train.csv', content: 'id,x,y\n1,1,2\n2,2,4\n3,3,6\n' },
  { path: 'test.csv', content: 'id,x\n4,4\n5,5\n' },
];
const stages = [
  {
    stage: 'preprocessing' as const,
    code: 'import pandas as pd\ntrain = pd.read_csv("train.csv")\ntest = pd.read_csv("test.csv")\nprint("rows", len(train), len(test))',
  },
  {
    stage: 'architecture' as const,
    code: 'import numpy as np\nimport sys\nprint("fitting", file=sys.stderr)\nslope = float(np.polyfit(train["x"], train["y"], 1)[0])\nround(slope, 3)',
  },
  {
    stage: 'training' as const,
    code: 'import matplotlib.pyplot as plt\nplt.plot(train["x"], train["y"])\nplt.savefig("chart.png")\nprint("slope", round(slope, 3))',
  },
  {
    stage: 'submission' as const,
    code: 'pd.DataFrame({"id": test["id"], "y": slope * test["x"]}).to_csv("submission.csv", index=False)\nprint("written")',
  },
];
const LIMITS = { timeoutMs: 60_000, memoryMb: 1024 };

const notebookOf = (code: string, stageCode = stages) =>
  buildNotebook({ task, instruction, stages: stageCode, code });
const codeCells = (nb: Notebook) => nb.cells.filter((cell) => cell.cell_type === 'code');
const streamText = (nb: Notebook, i: number, name: 'stdout' | 'stderr') =>
  (codeCells(nb)[i]?.outputs ?? [])
    .map((output) =>
      output.output_type === 'stream' && output.name === name
        ? typeof output.text === 'string'
          ? output.text
          : output.text.join('')
        : '',
    )
    .join('');

describe.each(['bwrap', 'docker'] as const)('notebook executed in the %s sandbox', (driver) => {
  const sandbox = createSandbox({ driver });

  it('fills each code cell with its outputs and execution count, and shows the chart it drew', async () => {
    const notebook = notebookOf(stages.map((s) => s.code).join('\n\n'));
    const result = await executeNotebook(sandbox, notebook, files, { limits: LIMITS });
    expect(result.problem).toBeNull();
    const cells = codeCells(result.notebook);
    expect(cells).toHaveLength(4);
    expect(cells.map((cell) => cell.execution_count)).toEqual([1, 2, 3, 4]);
    expect(streamText(result.notebook, 0, 'stdout')).toBe('rows 3 2\n');
    expect(streamText(result.notebook, 1, 'stderr')).toBe('fitting\n');
    // A cell's last bare expression is shown, as in Jupyter.
    expect(cells[1]?.outputs).toContainEqual(
      expect.objectContaining({
        output_type: 'execute_result',
        execution_count: 2,
        data: { 'text/plain': ['2.0'] },
      }),
    );
    expect(streamText(result.notebook, 2, 'stdout')).toBe('slope 2.0\n');
    const image = cells[2]?.outputs?.find((output) => output.output_type === 'display_data');
    expect(image?.output_type).toBe('display_data');
    const png = image?.output_type === 'display_data' ? image.data['image/png'] : undefined;
    expect(typeof png).toBe('string');
    expect(
      Buffer.from(png as string, 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    // The chart shows once, on the cell that drew it.
    expect(cells[3]?.outputs?.some((output) => output.output_type === 'display_data')).toBe(false);
    expect(streamText(result.notebook, 3, 'stdout')).toBe('written\n');
    // Markdown and code are what was sent; the original notebook is left as it was.
    expect(result.notebook.cells.map((cell) => cell.source)).toEqual(
      notebook.cells.map((cell) => cell.source),
    );
    expect(codeCells(notebook).every((cell) => cell.execution_count === null)).toBe(true);
    // The first cell says which files it expects.
    const intro = result.notebook.cells[0]!.source.join('');
    expect(intro).toContain('`train.csv`');
    expect(intro).toContain('`test.csv`');
    expect(intro).toContain('`houses.csv`');
  });

  it('stops at the cell that raises and shows the error as Jupyter does, keeping what the cell printed first', async () => {
    const broken = stages.map((s) =>
      s.stage === 'architecture'
        ? { ...s, code: 'print("before the error")\nslope = train["target"].mean()' }
        : s,
    );
    const result = await executeNotebook(
      sandbox,
      notebookOf(broken.map((s) => s.code).join('\n\n'), broken),
      files,
      {
        limits: LIMITS,
      },
    );
    expect(result.problem).toBeNull();
    const cells = codeCells(result.notebook);
    expect(cells.map((cell) => cell.execution_count)).toEqual([1, 2, null, null]);
    expect(streamText(result.notebook, 1, 'stdout')).toBe('before the error\n');
    const error = cells[1]?.outputs?.at(-1);
    expect(error).toMatchObject({ output_type: 'error', ename: 'KeyError', evalue: "'target'" });
    const traceback = error?.output_type === 'error' ? error.traceback.join('\n') : '';
    expect(traceback).toContain('<cell 2>');
    expect(traceback).toContain('slope = train["target"].mean()');
    expect(traceback).not.toContain('notebook_runner');
    expect(cells[2]?.outputs).toEqual([]);
    expect(cells[3]?.outputs).toEqual([]);
  });
});

describe('notebook execution problems', () => {
  const sandbox = createSandbox({ driver: 'bwrap' });

  it('returns the notebook as it was with a one-line reason when it runs past the time limit', async () => {
    const slow = stages.map((s) =>
      s.stage === 'training' ? { ...s, code: 'import time\ntime.sleep(30)' } : s,
    );
    const notebook = notebookOf(slow.map((s) => s.code).join('\n\n'), slow);
    const result = await executeNotebook(sandbox, notebook, files, { limits: { timeoutMs: 3_000 } });
    expect(result.problem).toBe('the notebook ran past the time limit of 3 s');
    expect(result.notebook).toBe(notebook);
  });

  it('runs the cells as __main__, so a function a cell defines can go to a process pool, as in Jupyter', async () => {
    const pooled = stages.map((s) =>
      s.stage === 'architecture'
        ? {
            ...s,
            code: 'def square(x):\n    return x * x\n\nslope = 2.0',
          }
        : s.stage === 'training'
          ? {
              ...s,
              code: 'import multiprocessing\nwith multiprocessing.Pool(2) as pool:\n    print(pool.map(square, [1, 2, 3]))',
            }
          : s,
    );
    const result = await executeNotebook(
      sandbox,
      notebookOf(pooled.map((s) => s.code).join('\n\n'), pooled),
      files,
      {
        limits: LIMITS,
      },
    );
    expect(result.problem).toBeNull();
    expect(streamText(result.notebook, 2, 'stdout')).toBe('[1, 4, 9]\n');
    expect(codeCells(result.notebook).map((cell) => cell.execution_count)).toEqual([1, 2, 3, 4]);
  });

  it('says so when cancelled', async () => {
    const notebook = notebookOf(stages.map((s) => s.code).join('\n\n'));
    const result = await executeNotebook(sandbox, notebook, files, { signal: AbortSignal.abort() });
    expect(result.problem).toBe('the notebook run was cancelled');
    expect(result.notebook).toBe(notebook);
  });

  it('rejects what is not an executed notebook of the same cells, and a sandbox that fails', async () => {
    const notebook = notebookOf(stages.map((s) => s.code).join('\n\n'));
    const answering = (content: string): Sandbox => ({
      driver: 'bwrap',
      execute: async (job: SandboxJob): Promise<Execution> => ({
        exitCode: 0,
        signal: null,
        timedOut: false,
        oomKilled: false,
        cancelled: false,
        stdout: '',
        stderr: '',
        stdoutDroppedBytes: 0,
        stderrDroppedBytes: 0,
        durationMs: 1,
        files: [{ name: job.collect![0]!, bytes: Buffer.from(content) }],
      }),
    });
    const shapeless = await executeNotebook(
      answering('{"nbformat": 4, "cells": "none"}'),
      notebook,
      files,
      {},
    );
    expect(shapeless.problem).toMatch(/^the executed notebook is not valid: /);
    expect(shapeless.notebook).toBe(notebook);
    const other = { ...notebook, cells: notebook.cells.slice(1) };
    const fewer = await executeNotebook(answering(JSON.stringify(other)), notebook, files, {});
    expect(fewer.problem).toBe(
      `the executed notebook is not valid: it has ${notebook.cells.length - 1} cells, not ${notebook.cells.length}`,
    );
    const broken: Sandbox = {
      driver: 'bwrap',
      execute: async () => {
        throw new Error('bwrap: no permission');
      },
    };
    expect((await executeNotebook(broken, notebook, files, {})).problem).toBe(
      'the sandbox could not run the notebook: bwrap: no permission',
    );
  });
});
