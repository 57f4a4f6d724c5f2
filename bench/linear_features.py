# The bench's linear features, one module for the default linear model (linear-baseline.py) and the strong panel's
# linear member (strong-panel.py): both send it into the sandbox beside their script as linear_features.py.
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def linear_preprocessor(numeric, categorical, text):
    """Numbers imputed (median) and scaled, narrow categories one-hot encoded, each free-text column as TF-IDF."""
    parts = []
    if numeric:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric))
    if categorical:
        parts.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categorical))
    for c in text:
        parts.append(("txt_" + c, TfidfVectorizer(max_features=20000, ngram_range=(1, 2), sublinear_tf=True), c))
    return ColumnTransformer(parts)
