// The harness's own chart of a scored run, drawn in the real sandbox: regression, ROC, labels and class probabilities.
import { describe, expect, it } from 'vitest';
import { type ChartSpec, drawHoldoutChart } from '../../core/harness/index.ts';
import { createSandbox } from '../../sandbox/index.ts';

const sandbox = createSandbox({ driver: 'bwrap' });
const isPng = (bytes: Buffer | null) => bytes !== null && bytes.subarray(1, 4).toString() === 'PNG';

const ids = Array.from({ length: 20 }, (_, i) => i + 1);

describe("the harness's holdout chart", () => {
  it('draws predicted against actual for each regression target', async () => {
    const spec: ChartSpec = { id: 'id', targets: ['content', 'wording'], kind: 'regression' };
    const truth = `id,content,wording\n${ids.map((i) => `${i},${i / 10},${-i / 10}`).join('\n')}\n`;
    const sub = `id,content,wording\n${ids.map((i) => `${i},${i / 10 + 0.1},${-i / 10}`).join('\n')}\n`;
    const drawn = await drawHoldoutChart(sandbox, spec, truth, Buffer.from(sub));
    expect(drawn.problem).toBeNull();
    expect(isPng(drawn.png)).toBe(true);
  });

  it('draws the ROC curve of binary probabilities', async () => {
    const spec: ChartSpec = { id: 'id', targets: ['spam'], kind: 'roc', positive: 'yes' };
    const truth = `id,spam\n${ids.map((i) => `${i},${i % 2 ? 'yes' : 'no'}`).join('\n')}\n`;
    const sub = `id,spam\n${ids.map((i) => `${i},${i % 2 ? 0.8 : 0.3}`).join('\n')}\n`;
    const drawn = await drawHoldoutChart(sandbox, spec, truth, Buffer.from(sub));
    expect(drawn.problem).toBeNull();
    expect(isPng(drawn.png)).toBe(true);
  });

  it('draws a confusion matrix from labels or from class probabilities', async () => {
    const truth = `id,grade\n${ids.map((i) => `${i},${i % 3 === 0 ? 10 : 3}`).join('\n')}\n`;
    const labels = await drawHoldoutChart(
      sandbox,
      { id: 'id', targets: ['grade'], kind: 'labels' },
      truth,
      Buffer.from(`id,grade\n${ids.map((i) => `${i},${i % 2 ? '10.0' : '3'}`).join('\n')}\n`),
    );
    expect(labels.problem).toBeNull();
    expect(isPng(labels.png)).toBe(true);
    const probabilities = await drawHoldoutChart(
      sandbox,
      { id: 'id', targets: ['grade'], kind: 'class-probabilities', classes: ['3', '10'] },
      truth,
      Buffer.from(`id,3,10\n${ids.map((i) => `${i},0.7,0.3`).join('\n')}\n`),
    );
    expect(probabilities.problem).toBeNull();
    expect(isPng(probabilities.png)).toBe(true);
  });

  it('reports why when the submission cannot be charted', async () => {
    const drawn = await drawHoldoutChart(
      sandbox,
      { id: 'id', targets: ['y'], kind: 'regression' },
      'id,y\n1,2\n',
      Buffer.from('not,a,submission\n'),
    );
    expect(drawn.png).toBeNull();
    expect(drawn.problem).toMatch(/chart script exited 1: \w*Error/);
  });
});
