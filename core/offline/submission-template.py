# The submission stage's Python, one "# @block <name>" section; submission-template.ts writes the instruction step
# above it and fills the {{PLACEHOLDERS}} with Python literals.

# @block submission
SUBMISSION_COLUMNS = {{SUBMISSION_COLUMNS}}
PROBABILITY_OUTPUT = {{PROBABILITY_OUTPUT}}
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
submission.to_csv({{SUBMISSION_FILE}}, index=False)
print(f'wrote {{SUBMISSION_FILE_NAME}}: {len(submission)} rows, columns {list(submission.columns)}')
