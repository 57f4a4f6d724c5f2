# The submission stage's Python, one "# @block <name>" section per code block; submission-template.ts writes the
# instruction step above each, and nunjucks renders them with what the engine knows (script-facts.ts).

# @block submission
{% if regression %}
submission = pd.DataFrame(test_prediction, columns=TARGETS)
{% if metric == "rmsle" %}
submission = submission.clip(lower=0)  # RMSLE takes no negative prediction
{% endif %}
{% elif binary and probability_output %}
submission = pd.DataFrame({TARGETS[0]: test_prediction})
{% elif binary %}
submission = pd.DataFrame({TARGETS[0]: np.where(test_prediction >= 0.5, CLASSES[1], CLASSES[0])})
{% elif probability_output %}
# One probability column per class; a class absent from the training rows gets 0.
submission = pd.DataFrame(test_prediction, columns=CLASSES).reindex(columns={{ submission_columns.slice(1) | py }}, fill_value=0.0)
{% else %}
submission = pd.DataFrame({TARGETS[0]: np.asarray(CLASSES)[test_prediction.argmax(axis=1)]})
{% endif %}
submission.insert(0, ID_COLUMN, test[ID_COLUMN].to_numpy())
submission.to_csv({{ submission_file | py }}, index=False)
print(f"wrote {{ submission_file }}: {len(submission)} rows, columns {list(submission.columns)}")

# @block contract
import json


def write_contract(oof, test_prediction, cv_score):
    """The CV score, and the out-of-fold and test predictions{{ "" if regression else (" as P(" + positive + ")" if binary else " as class probabilities") }}."""
    with open({{ cv_score_file | py }}, "w") as handle:
        json.dump({"metric": {{ metric | py }}, "cv_score": cv_score}, handle)
    for path, rows, values in (({{ oof_file | py }}, train, oof), ({{ test_predictions_file | py }}, test, test_prediction)):
{% if multiclass %}
        frame = pd.DataFrame(values, columns=CLASSES).reindex(columns={{ prediction_columns.slice(1) | py }}, fill_value=0.0)
{% else %}
        frame = pd.DataFrame(np.reshape(values, (len(rows), -1)), columns=TARGETS)
{% endif %}
        frame.insert(0, ID_COLUMN, rows[ID_COLUMN].to_numpy())
        frame.to_csv(path, index=False)


write_contract(oof, test_prediction, cv_score)
