import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareHarness } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask, parseCsvText } from '../../core/intake/index.ts';

let dir: string;
let trainFile: string;
let testFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-harness-'));
  trainFile = join(dir, 'houses.csv');
  testFile = join(dir, 'new-houses.csv');
  const rows = Array.from(
    { length: 200 },
    (_, i) => `${1000 + i},${i % 7},${i % 3 === 0 ? 'north' : 'south'},${10 * i + 5}`,
  );
  await writeFile(trainFile, `house_id,rooms,side,price\n${rows.join('\n')}\n`);
  await writeFile(testFile, 'house_id,rooms,side\n5001,3,north\n5002,4,south\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (content: string | Uint8Array) =>
  typeof content === 'string' ? content : Buffer.from(content).toString();
const table = (files: { path: string; content: string | Uint8Array }[], name: string) =>
  parseCsvText(text(files.find((f) => f.path === name)!.content), name, DEFAULT_INTAKE_LIMITS);

async function harness() {
  const { spec, profile } = await intakeTask(
    {
      text: 'Predict the price of each house. RMSE.',
      files: [trainFile],
      overrides: {
        target: 'price',
        idColumn: 'house_id',
        testFile,
        split: { kind: 'random', testFraction: 0.25 },
      },
    },
    DEFAULT_INTAKE_LIMITS,
  );
  return { spec, profile, harness: await prepareHarness(spec, profile, DEFAULT_INTAKE_LIMITS) };
}

describe('the harness keeps the held-out labels to itself', () => {
  it('gives generated code the training part and the held-out features only', async () => {
    const { harness: h } = await harness();
    const train = table(h.runFiles, 'train.csv');
    const test = table(h.runFiles, 'test.csv');
    expect(test.columns).toEqual(['house_id', 'rooms', 'side']);
    expect(train.rows.length + test.rows.length).toBe(200);
    expect(h.heldOutRows).toBe(test.rows.length);
    const trainIds = new Set(train.rows.map((r) => r[0]));
    expect(test.rows.some((r) => trainIds.has(r[0]))).toBe(false);
  });

  it('runs the evidence on rows of the training part only', async () => {
    const { harness: h } = await harness();
    const heldOut = new Set(table(h.runFiles, 'test.csv').rows.map((r) => r[0]));
    const train = table(h.evidenceFiles, 'train.csv');
    const test = table(h.evidenceFiles, 'test.csv');
    expect(test.columns).not.toContain('price');
    for (const part of [train, test]) expect(part.rows.some((r) => heldOut.has(r[0]))).toBe(false);
  });

  it("trains on every labelled row for the user's test file and checks its ids", async () => {
    const { harness: h } = await harness();
    expect(table(h.userTestFiles!, 'train.csv').rows).toHaveLength(200);
    expect(table(h.userTestFiles!, 'test.csv').rows.map((r) => r[0])).toEqual(['5001', '5002']);
    expect(h.checkUserSubmission(Buffer.from('house_id,price\n5001,10\n5002,20\n'))).toBeNull();
    expect(h.checkUserSubmission(Buffer.from('house_id,price\n5001,10\n'))).toMatch(/1 rows; expected 2/);
  });

  it('scores a submission with the held-out labels and says what is wrong with a bad one', async () => {
    const { harness: h } = await harness();
    const test = table(h.runFiles, 'test.csv');
    // price = 10 * (id - 1000) + 5 in this file: a perfect submission scores 0 rmse.
    const perfect = `house_id,price\n${test.rows.map((r) => `${r[0]},${10 * (Number(r[0]) - 1000) + 5}`).join('\n')}\n`;
    expect(h.checkHoldoutSubmission(Buffer.from(perfect))).toBeNull();
    expect(h.score(Buffer.from(perfect))).toBeCloseTo(0, 9);
    const off = perfect.replace(/,(\d+)\n/g, (_, v) => `,${Number(v) + 3}\n`);
    expect(h.score(Buffer.from(off))).toBeCloseTo(3, 9);
    expect(h.checkHoldoutSubmission(null)).toContain('did not write submission.csv');
    expect(h.checkHoldoutSubmission(Buffer.from('house_id,cost\n1,2\n'))).toContain('`price`');
    expect(h.baseline()?.score).toBeGreaterThan(100);
    expect(h.truthCsv.split('\n')[0]).toBe('house_id,price');
  });
});
