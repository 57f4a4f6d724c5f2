# The image recipes' Python, one "# @block <name>" section per code block; image-template.ts writes the instruction
# step above each, and nunjucks renders them with what the engine knows (script-facts.ts plus the pictures' facts).

# @block load
import os

import numpy as np
import pandas as pd
from PIL import Image

# A quick check ({{ quick_env }}=1, the plan's evidence) changes these constants, never the code path.
QUICK = os.environ.get({{ quick_env | py }}) == "1"
SEED = 0
FOLDS = 2 if QUICK else {{ folds }}
ID_COLUMN = {{ id_column | py }}
TARGETS = {{ targets | py }}
PATH = {{ path_column | py }}
SIDE = {{ side }}  # every picture is resized to SIDE x SIDE
CHANNELS = {{ channels }}
train = pd.read_csv({{ train_file | py }}, dtype={ID_COLUMN: str})
train = train.iloc[: {{ quick_pictures }} if QUICK else len(train)]
test = pd.read_csv({{ test_file | py }}, dtype={ID_COLUMN: str})


def load_pictures(paths):
    """Each picture as a SIDE x SIDE x CHANNELS array of floats in [0, 1]."""
    pictures = np.zeros((len(paths), SIDE, SIDE, CHANNELS), dtype=np.float32)
    for i, path in enumerate(paths):
        with Image.open(path) as picture:
            pixels = picture.convert({{ mode | py }}).resize((SIDE, SIDE))
        pictures[i] = np.asarray(pixels, dtype=np.float32).reshape(SIDE, SIDE, CHANNELS) / 255
    return pictures


images = load_pictures(train[PATH])
test_images = load_pictures(test[PATH])
print(f"pictures: {len(images)} to learn from, {len(test_images)} to predict for, {SIDE}x{SIDE}x{CHANNELS}")

# @block labels
{% if regression %}
Y = train[TARGETS].to_numpy(dtype=float)
y = Y[:, 0]
{% else %}
labels = train[TARGETS[0]].astype(str)
{% if binary %}
CLASSES = sorted(labels.unique(), key=lambda label: label == {{ positive | py }})
{% else %}
CLASSES = sorted(labels.unique())
{% endif %}
y = labels.map({label: i for i, label in enumerate(CLASSES)}).to_numpy()
print("classes:", CLASSES)
{% endif %}

# @block features
{% if recipe == "image-hog" %}
from skimage.feature import hog


def describe(pictures):
    """HOG of the grey picture (shapes and edges) and a 16-bin histogram of each channel (colour)."""
    rows = []
    for picture in pictures:
        shape = hog(picture.mean(axis=2), orientations=9, pixels_per_cell=({{ cell }}, {{ cell }}), cells_per_block=(2, 2))
        colour = [np.histogram(picture[:, :, c], bins=16, range=(0, 1))[0] / SIDE**2 for c in range(CHANNELS)]
        rows.append(np.concatenate([shape, *colour]))
    return np.asarray(rows, dtype=np.float32)


X = describe(images)
X_test = describe(test_images)
{% else %}
X = images.reshape(len(images), -1)
X_test = test_images.reshape(len(test_images), -1)
{% endif %}
print(f"features: {X.shape[1]} per picture")

# @block network
import torch
from torch import nn

torch.manual_seed(SEED)
torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))  # one thread per core the sandbox gives
EPOCHS = 1 if QUICK else {{ epochs }}
BATCH = 64
OUTPUTS = {{ "1" if regression else "len(CLASSES)" }}


def make_network():
    """Two convolution blocks (convolution, batch norm, ReLU, max pooling), then a small dense head."""
    return nn.Sequential(
        nn.Conv2d(CHANNELS, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.25),
        nn.Linear(32 * (SIDE // 4) ** 2, 64),
        nn.ReLU(),
        nn.Linear(64, OUTPUTS),
    )


def augment(batch):
{% if flips %}
    """Random horizontal flips{{ ", quarter turns" if turns }} and shifts of up to 2 pixels (a padded crop)."""
    batch = torch.where(torch.rand(len(batch), 1, 1, 1) < 0.5, batch.flip(3), batch)
{% else %}
    """Random shifts of up to 2 pixels (a padded crop){{ " and quarter turns" if turns }}; no mirroring."""
{% endif %}
{% if turns %}
    batch = torch.rot90(batch, int(torch.randint(0, 4, (1,))), dims=(2, 3))
{% endif %}
    padded = nn.functional.pad(batch, (2, 2, 2, 2), mode="reflect")
    dx, dy = (int(v) for v in torch.randint(0, 5, (2,)))
    return padded[:, :, dy : dy + SIDE, dx : dx + SIDE]

# @block model
{% if recipe == "image-hog" and regression %}
from sklearn.ensemble import HistGradientBoostingRegressor
{% elif recipe == "image-hog" %}
from sklearn.ensemble import HistGradientBoostingClassifier
{% else %}
from sklearn.decomposition import PCA
from sklearn.linear_model import {{ "Ridge" if regression else "LogisticRegression" }}
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
{% endif %}


def make_model():
{% if recipe == "image-hog" %}
    """Gradient boosting on the HOG and colour features."""
    return HistGradientBoosting{{ "Regressor" if regression else "Classifier" }}(
        max_iter=30 if QUICK else {{ trees }}, min_samples_leaf={{ leaf }}, early_stopping=False, random_state=SEED
    )
{% else %}
    """Pixels scaled, reduced by PCA to at most {{ components }} components, then a linear model."""
    components = min({{ components }}, len(X) // 2, X.shape[1])
{% if regression %}
    return make_pipeline(StandardScaler(), PCA(n_components=components, random_state=SEED), Ridge(alpha=1.0))
{% else %}
    linear = LogisticRegression(C=0.1, max_iter=300)
    return make_pipeline(StandardScaler(), PCA(n_components=components, random_state=SEED), linear)
{% endif %}
{% endif %}

# @block fit-network
def to_tensor(pictures):
    """(rows, SIDE, SIDE, CHANNELS) floats as the network's (rows, CHANNELS, SIDE, SIDE) tensor."""
    return torch.from_numpy(np.ascontiguousarray(pictures.transpose(0, 3, 1, 2)))


def predict(network, pictures):
{% if regression %}
    """The predicted values for the pictures, in batches."""
{% elif binary %}
    """P({{ positive }}) for the pictures, in batches."""
{% else %}
    """Class probabilities for the pictures, in batches."""
{% endif %}
    network.eval()
    with torch.no_grad():
        out = torch.cat([network(to_tensor(pictures[i : i + 256])) for i in range(0, len(pictures), 256)])
{% if regression %}
    return out.numpy() * SCALE + CENTRE
{% elif binary %}
    return out.softmax(dim=1)[:, 1].numpy()
{% else %}
    return out.softmax(dim=1).numpy()
{% endif %}


def fit(pictures, target, valid_pictures, valid_truth):
    """Adam on {{ "the scaled values' squared error" if regression else "cross-entropy" }} with augmented batches; the loss and the fold's score after each epoch."""
    network = make_network()
    optimiser = torch.optim.Adam(network.parameters(), lr=0.002)
{% if regression %}
    loss_function = nn.MSELoss()
    target = torch.tensor((target - CENTRE) / SCALE, dtype=torch.float32).reshape(-1, 1)
{% else %}
    loss_function = nn.CrossEntropyLoss()
    target = torch.as_tensor(target, dtype=torch.long)
{% endif %}
    x = to_tensor(pictures)
    for epoch in range(1, EPOCHS + 1):
        network.train()
        order = torch.randperm(len(x))
        total = 0.0
        for start in range(0, len(x), BATCH):
            rows = order[start : start + BATCH]
            optimiser.zero_grad()
            loss = loss_function(network(augment(x[rows])), target[rows])
            loss.backward()
            optimiser.step()
            total += float(loss) * len(rows)
        epoch_score = score(valid_truth, predict(network, valid_pictures))
        history.append({"fold": len(fold_scores) + 1, "epoch": epoch, "loss": total / len(x), "score": epoch_score})
        print(f"epoch {epoch}/{EPOCHS}: loss {total / len(x):.4f}, {{ metric }} {epoch_score:.4f}")
    return network

# @block cross-validation
from sklearn.model_selection import {{ "KFold" if regression else "StratifiedKFold" }}

{% if regression %}
CENTRE, SCALE = float(Y.mean()), float(Y.std() or 1.0)
truth = Y
{% else %}
truth = y
{% endif %}
{% if cnn %}
inputs, test_inputs = images, test_images
history = []
{% else %}
inputs, test_inputs = X, X_test
{% endif %}
{% if regression %}
oof = np.zeros((len(train), 1))
test_prediction = np.zeros((len(test), 1))
{% elif binary %}
oof = np.zeros(len(train))
test_prediction = np.zeros(len(test))
{% else %}
oof = np.zeros((len(train), len(CLASSES)))
test_prediction = np.zeros((len(test), len(CLASSES)))
{% endif %}
fold_scores = []
splitter = {{ "KFold" if regression else "StratifiedKFold" }}(n_splits=FOLDS, shuffle=True, random_state=SEED)
for fold, (fit_rows, valid_rows) in enumerate(splitter.split(inputs, y), start=1):
{% if cnn %}
    model = fit(inputs[fit_rows], y[fit_rows], inputs[valid_rows], truth[valid_rows])
    oof[valid_rows] = predict(model, inputs[valid_rows])
    test_prediction += predict(model, test_inputs) / FOLDS
{% else %}
    model = make_model().fit(inputs[fit_rows], y[fit_rows])
{% if regression %}
    oof[valid_rows] = model.predict(inputs[valid_rows]).reshape(-1, 1)
    test_prediction += model.predict(test_inputs).reshape(-1, 1) / FOLDS
{% else %}
    oof[valid_rows] = model.predict_proba(inputs[valid_rows]){{ "[:, 1]" if binary }}
    test_prediction += model.predict_proba(test_inputs){{ "[:, 1]" if binary }} / FOLDS
{% endif %}
{% endif %}
    fold_scores.append(score(truth[valid_rows], oof[valid_rows]))
    print(f"fold {fold} of {FOLDS}: {{ metric }} = {fold_scores[-1]:.5f}", flush=True)
cv_score = float(np.mean(fold_scores))
print(f"CV {{ metric }}: {cv_score:.5f} (mean of {FOLDS} folds)")

# @block chart
import matplotlib.pyplot as plt

plt.switch_backend("Agg")  # no display in the sandbox
{% if cnn %}
figure, (loss_axes, score_axes) = plt.subplots(1, 2, figsize=(11, 4))
for fold, curve in pd.DataFrame(history).groupby("fold"):
    loss_axes.plot(curve["epoch"], curve["loss"], label=f"fold {fold}")
    score_axes.plot(curve["epoch"], curve["score"], label=f"fold {fold}")
loss_axes.set(title="training loss per epoch", xlabel="epoch")
score_axes.set(title=f"{{ metric }} on the fold's held-out pictures (CV {cv_score:.4f})", xlabel="epoch")
score_axes.legend()
{% else %}
figure, score_axes = plt.subplots(figsize=(6, 4))
score_axes.bar([str(k) for k in range(1, len(fold_scores) + 1)], fold_scores)
score_axes.set(title=f"{{ metric }} by CV fold (mean {cv_score:.5f})", xlabel="fold")
{% endif %}
figure.tight_layout()
figure.savefig({{ chart_file | py }}, dpi=90)
