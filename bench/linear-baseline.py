# The benchmark's default linear model (linear-baseline.ts sends it to the sandbox with linear_spec.json and
# linear_features.py): scikit-learn's LinearRegression or LogisticRegression behind imputation, scaling, one-hot
# encoding and TF-IDF (linear_features.py, shared with the strong panel's linear member), to the harness contract.
import json
import numpy as np
import pandas as pd
from linear_features import linear_preprocessor
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline

spec = json.load(open("linear_spec.json"))
key, targets = spec["id"], spec["targets"]
train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
features = [c for c in train.columns if c not in targets and c != key and c in test.columns]
numeric = [c for c in features if pd.api.types.is_numeric_dtype(train[c])]
text = [c for c in features if c in spec["text_columns"] and c not in numeric]
categorical = [c for c in features if c not in numeric and c not in text and train[c].nunique() <= 50]

no_features = not (numeric or categorical or text)
for frame in (train, test):
    for c in text:
        frame[c] = frame[c].fillna("").astype(str)
    if no_features:
        frame["__const"] = 1.0
if no_features:
    pre = ColumnTransformer([("const", "passthrough", ["__const"])])
else:
    pre = linear_preprocessor(numeric, categorical, text)

out = pd.DataFrame({key: test[key]})
if spec["kind"] == "regression":
    y = train[targets].astype(float)
    keep = y.notna().all(axis=1)
    model = make_pipeline(pre, LinearRegression())
    model.fit(train[keep], y[keep].to_numpy() if len(targets) > 1 else y[keep][targets[0]])
    pred = np.asarray(model.predict(test)).reshape(len(test), -1)
    if spec["metric"] == "rmsle":
        pred = np.clip(pred, 0, None)
    for i, t in enumerate(targets):
        out[t] = pred[:, i]
else:
    target = targets[0]
    keep = train[target].notna()
    y = train.loc[keep, target].astype(str)
    model = make_pipeline(pre, LogisticRegression(max_iter=2000))
    model.fit(train[keep], y)
    classes = [str(c) for c in model.classes_]
    if spec["probability"] and spec["positive"] is not None:
        out[target] = model.predict_proba(test)[:, classes.index(spec["positive"])]
    elif spec["probability"]:
        proba = model.predict_proba(test)
        for c in spec["columns"][1:]:
            out[c] = proba[:, classes.index(c)] if c in classes else 0.0
    else:
        out[target] = model.predict(test)
out.to_csv("submission.csv", index=False)
