// The fine-tuning set builder reads every released record and writes the paper's Fig. 5 records.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstruction } from '../../core/instruction-markdown.ts';
import {
  buildDataset,
  parseReleasedRecord,
  placeNumber,
  toTrainingText,
} from '../../training/build-dataset.ts';
import { PAPER_RECORDS } from '../helpers/datasets.ts';

const RELEASED = PAPER_RECORDS;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sample = `<s>[INST] <<SYS>>
You are a helpful assistant.
<</SYS>>

Imagine that you are is an data analyst. Your objective is writing the ninth place instruction for solving this machine learning task. Task: Ship or iceberg
Let’s identify if a target is a ship or iceberg. 
The image data data is used for the problem. The metric type is log_loss for the problem. Your response contains the main information about data preprocessing, model architecture and model training. [/INST]
Data Preprocessing:
- Read the JSON file.

Model Architecture:
- A CNN.</s>`;

describe('parseReleasedRecord', () => {
  it('takes a released record apart: place, task, data type, metric and instruction', () => {
    expect(parseReleasedRecord(sample, 'statoil')).toEqual({
      rank: 9,
      description: 'Ship or iceberg. Let’s identify if a target is a ship or iceberg.',
      dataType: 'image data',
      metric: 'log_loss',
      instruction: 'Data Preprocessing:\n- Read the JSON file.\n\nModel Architecture:\n- A CNN.',
      kaggleId: 'statoil',
    });
    expect(parseReleasedRecord('not a record')).toBeNull();
    expect([
      placeNumber('first'),
      placeNumber('twentieth'),
      placeNumber('28.0th'),
      placeNumber('many'),
    ]).toEqual([1, 20, 28, null]);
  });

  it('writes the Fig. 5 record and the released (Fig. 6) form', () => {
    const record = parseReleasedRecord(sample);
    if (!record) throw new Error('sample did not parse');
    expect(toTrainingText(record, 'fig5')).toBe(
      '<s>[INST] Get the main information about data preprocessing, model architecture and model training for this problem. This solution has the 9 place in rating. Data type: image data. Metric type is: log_loss. Problem: Ship or iceberg. Let’s identify if a target is a ship or iceberg. [/INST] Data Preprocessing:\n- Read the JSON file.\n\nModel Architecture:\n- A CNN. </s>',
    );
    const released = toTrainingText(record, 'released');
    expect(
      released.startsWith('<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.'),
    ).toBe(true);
    expect(released).toContain(
      'Your objective is writing the ninth place instruction for solving this machine learning task.',
    );
    expect(
      released.endsWith(
        '[/INST] Data Preprocessing:\n- Read the JSON file.\n\nModel Architecture:\n- A CNN. </s>',
      ),
    ).toBe(true);
  });
});

describe('buildDataset', () => {
  it('turns every one of the 1,330 released records into a JSONL training line', async () => {
    const out = join(dir, 'all.jsonl');
    const summary = await buildDataset(RELEASED, out);
    expect(summary).toMatchObject({ read: 1330, written: 1330, skipped: 0 });
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1330);
    const first = JSON.parse(lines[0] ?? '{}') as {
      text: string;
      rank: number;
      data_type: string;
      metric: string;
    };
    expect(first.text).toMatch(
      /^<s>\[INST\] Get the main information .* This solution has the \d+ place in rating\. /,
    );
    expect(first.text.endsWith(' </s>')).toBe(true);
    // The completion side is an instruction our own parser reads.
    const completion = first.text.slice(first.text.indexOf('[/INST]') + 7, -5);
    expect(parseInstruction(completion, first.rank).modelArchitecture.length).toBeGreaterThan(0);
  });

  it('keeps only the top places when asked, in the released form', async () => {
    const out = join(dir, 'top3.jsonl');
    const summary = await buildDataset(RELEASED, out, { format: 'released', maxRank: 3 });
    expect(summary.written).toBeGreaterThan(200);
    expect(summary.written + summary.skipped).toBe(1330);
    const ranks = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { rank: number }).rank);
    expect(new Set(ranks)).toEqual(new Set([1, 2, 3]));
  });
});
