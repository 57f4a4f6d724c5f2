// Python for the submission stage: the harness contract's columns, one row per test row, no missing values.
import { PROBABILITY_METRICS, SUBMISSION_FILE, submissionColumns } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { py } from './python-literal.ts';

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
      code: `SUBMISSION_COLUMNS = ${py(columns)}
PROBABILITY_OUTPUT = ${py(probability)}
ids = test[ID_COLUMN].values if ID_COLUMN in test.columns else np.arange(len(test))
submission = pd.DataFrame({ID_COLUMN: ids})
if not CLASSIFICATION:
    prediction = np.asarray(final_prediction, dtype=float).reshape(len(test), -1)
    if METRIC == 'rmsle':
        prediction = np.clip(prediction, 0, None)
    for j, target in enumerate(TARGETS):
        column = prediction[:, j]
        submission[target] = np.where(np.isfinite(column), column, np.nanmean(Y[:, j]))
elif N_CLASSES == 2:
    probability = np.nan_to_num(np.asarray(final_prediction, dtype=float), nan=0.5)
    if PROBABILITY_OUTPUT:
        submission[TARGETS[0]] = probability
    else:
        submission[TARGETS[0]] = np.where(probability >= 0.5, CLASSES[1], CLASSES[0])
else:
    probability = np.nan_to_num(np.asarray(final_prediction, dtype=float).reshape(len(test), N_CLASSES))
    if PROBABILITY_OUTPUT:
        for name in SUBMISSION_COLUMNS[1:]:
            matches = [i for i, value in enumerate(CLASSES) if same_label(value, name)]
            submission[name] = probability[:, matches[0]] if matches else 0.0
    else:
        submission[TARGETS[0]] = [CLASSES[i] for i in probability.argmax(axis=1)]
submission = submission[SUBMISSION_COLUMNS]
submission.to_csv(${py(SUBMISSION_FILE)}, index=False)
print(f'wrote ${SUBMISSION_FILE}: {len(submission)} rows, columns {list(submission.columns)}')`,
    },
  ];
}
