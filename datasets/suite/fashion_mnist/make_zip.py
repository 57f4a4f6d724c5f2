"""Builds fashion_mnist.zip: 3,000 Fashion-MNIST training pictures (300 per class, the first of each class in the
training file) as 28x28 grey PNGs under train/, with train.csv (id, label) naming each by its id.
Run with Debian's dataset-fashion-mnist and python3-pil installed: /usr/bin/python3 make_zip.py"""

import csv
import gzip
import io
import zipfile

from PIL import Image

SOURCE = "/usr/share/datasets/fashion-mnist/"
NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
PER_CLASS = 300

with gzip.open(SOURCE + "train-images-idx3-ubyte.gz") as handle:
    pixels = handle.read()[16:]
with gzip.open(SOURCE + "train-labels-idx1-ubyte.gz") as handle:
    labels = handle.read()[8:]

taken = {k: 0 for k in range(10)}
rows = []
with zipfile.ZipFile("fashion_mnist.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for i, label in enumerate(labels):
        if taken[label] >= PER_CLASS:
            continue
        taken[label] += 1
        picture = Image.frombytes("L", (28, 28), pixels[i * 784 : (i + 1) * 784])
        out = io.BytesIO()
        picture.save(out, format="PNG", optimize=True)
        name = f"{i:05d}"
        info = zipfile.ZipInfo(f"train/{name}.png", date_time=(2020, 5, 23, 0, 0, 0))
        archive.writestr(info, out.getvalue(), zipfile.ZIP_DEFLATED)
        rows.append((name, NAMES[label]))
        if len(rows) == PER_CLASS * 10:
            break
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["id", "label"])
    writer.writerows(rows)
    info = zipfile.ZipInfo("train.csv", date_time=(2020, 5, 23, 0, 0, 0))
    archive.writestr(info, text.getvalue(), zipfile.ZIP_DEFLATED)
print(len(rows), "pictures")
