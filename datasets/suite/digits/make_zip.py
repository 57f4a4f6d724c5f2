"""Builds digits.zip: the 1,797 handwritten digits (8x8, 17 grey levels) that scikit-learn ships
(sklearn/datasets/data/digits.csv.gz, a copy of the UCI "Optical Recognition of Handwritten Digits" test set),
as 8x8 grey PNGs in one folder per digit (0/ ... 9/). Run with Debian's python3-sklearn and python3-pil installed:
/usr/bin/python3 make_zip.py"""

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import sklearn
from PIL import Image

source = Path(sklearn.__file__).parent / "datasets" / "data" / "digits.csv.gz"
with gzip.open(source) as handle:
    data = np.loadtxt(handle, delimiter=",")
with zipfile.ZipFile("digits.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for i, row in enumerate(data):
        pixels = np.round(row[:64].reshape(8, 8) * 255 / 16).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(pixels, mode="L").save(out, format="PNG", optimize=True)
        info = zipfile.ZipInfo(f"{int(row[64])}/{i:04d}.png", date_time=(1998, 7, 1, 0, 0, 0))
        archive.writestr(info, out.getvalue(), zipfile.ZIP_DEFLATED)
print(len(data), "pictures")
