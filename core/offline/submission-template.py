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


# @block predictions
PREDICTION_COLUMNS = {{PREDICTION_COLUMNS}}


def prediction_frame(row_ids, values):
    """Scores in the harness's prediction layout: the value per target, P(positive class), or one probability per
    class; rows the cross-validation never predicted stay empty."""
    frame = pd.DataFrame({ID_COLUMN: row_ids})
    values = np.asarray(values, dtype=float).reshape(len(row_ids), -1)
    if not CLASSIFICATION:
        for j, target in enumerate(TARGETS):
            frame[target] = values[:, j]
    elif N_CLASSES == 2:
        frame[TARGETS[0]] = values[:, -1]
    else:
        for name in PREDICTION_COLUMNS[1:]:
            matches = [i for i, value in enumerate(CLASSES) if same_label(value, name)]
            frame[name] = values[:, matches[0]] if matches else 0.0
    return frame[PREDICTION_COLUMNS]


train_ids = train[ID_COLUMN].values if ID_COLUMN in train.columns else np.arange(len(train))
prediction_frame(train_ids, oof_prediction).to_csv({{OOF_FILE}}, index=False)
prediction_frame(ids, final_prediction).to_csv({{TEST_PREDICTIONS_FILE}}, index=False)
print(f'wrote {{OOF_FILE_NAME}} ({len(train_ids)} rows) and {{TEST_PREDICTIONS_FILE_NAME}} ({len(ids)} rows)')
