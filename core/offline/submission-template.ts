// The submission stage (submission-template.py): the harness contract's columns, one row per test row, no missing values.
import { join } from 'node:path';
import {
  OOF_FILE,
  PROBABILITY_METRICS,
  predictionColumns,
  SUBMISSION_FILE,
  submissionColumns,
  TEST_PREDICTIONS_FILE,
} from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { py } from './python-literal.ts';
import { readPythonTemplate } from './python-template.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'submission-template.py'));

/** The submission stage's blocks. */
export function submissionBlocks(input: TemplateInput): CodeBlock[] {
  const { task, profile } = input;
  const columns = submissionColumns(task, profile);
  const probability = PROBABILITY_METRICS.has(task.metric);
  const type = profile.target.type;
  const what =
    type === 'binary' && probability
      ? `the predicted probability that \`${task.targets[0]}\` is the positive class`
      : type === 'multiclass' && probability
        ? 'one probability column per class'
        : type === 'binary' || type === 'multiclass'
          ? 'the predicted class label (original values)'
          : 'the predicted value(s)';
  return [
    {
      step: `Write \`${SUBMISSION_FILE}\` with the columns ${columnList(columns, 12)}: \`${task.idColumn}\` from the test file and ${what}, one row per test row.`,
      code: PYTHON.block('submission', {
        SUBMISSION_COLUMNS: py(columns),
        PROBABILITY_OUTPUT: py(probability),
        SUBMISSION_FILE: py(SUBMISSION_FILE),
        SUBMISSION_FILE_NAME: SUBMISSION_FILE,
      }),
    },
    {
      step: null,
      note: `The harness contract's prediction files, scores rather than labels: ${OOF_FILE} (out of fold, every training row) and ${TEST_PREDICTIONS_FILE} (the test rows), so runs can be blended.`,
      code: PYTHON.block('predictions', {
        PREDICTION_COLUMNS: py(predictionColumns(task, profile)),
        OOF_FILE: py(OOF_FILE),
        TEST_PREDICTIONS_FILE: py(TEST_PREDICTIONS_FILE),
        OOF_FILE_NAME: OOF_FILE,
        TEST_PREDICTIONS_FILE_NAME: TEST_PREDICTIONS_FILE,
      }),
    },
  ];
}
