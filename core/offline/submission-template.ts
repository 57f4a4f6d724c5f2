// The submission stage (submission-template.py): the harness contract's columns, one row per test row, no missing values.
import { join } from 'node:path';
import {
  CV_SCORE_FILE,
  OOF_FILE,
  PROBABILITY_METRICS,
  SUBMISSION_FILE,
  submissionColumns,
  TEST_PREDICTIONS_FILE,
} from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { readPythonTemplate } from './python-template.ts';
import { type ScriptFacts, scriptFacts } from './script-facts.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'submission-template.py'));

/** The submission stage's blocks: the harness contract's files, then the submission. */
export function submissionBlocks(input: TemplateInput, facts: ScriptFacts = scriptFacts(input)): CodeBlock[] {
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
      step: null,
      note: `The harness contract: ${CV_SCORE_FILE}, ${OOF_FILE} and ${TEST_PREDICTIONS_FILE} (scores, for blends).`,
      code: PYTHON.block('contract', facts),
    },
    {
      step: `Write \`${SUBMISSION_FILE}\` with the columns ${columnList(columns, 12)}: \`${task.idColumn}\` from the test file and ${what}, one row per test row.`,
      code: PYTHON.block('submission', facts),
    },
  ];
}
