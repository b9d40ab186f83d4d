"""California housing, as Géron's chapter 12 loads, splits and scales it.

``sklearn.datasets.fetch_california_housing`` is tried first (its cache, or a download that may
not hang: short socket timeout, one quick retry); without it the raw StatLib file shipped in
``tf1to2/data/datasets/cal_housing.data.gz`` (the same file sklearn's archive holds) is read and
turned into sklearn's 8 features and target exactly as sklearn does.
"""
import dataclasses
import functools
import gzip
import warnings

import numpy as np

from tf1to2.data import DATASETS, DOWNLOAD_TIMEOUT, _socket_timeout
from tf1to2.errors import UserError

CAL_HOUSING = DATASETS / "cal_housing.data.gz"
ROWS = 20640
FEATURE_NAMES = ("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
                 "Latitude", "Longitude")
# sklearn's reordering of the raw file's columns (longitude, latitude, housing_median_age,
# total_rooms, total_bedrooms, population, households, median_income, median_house_value):
# target first, then median_income, age, rooms, bedrooms, population, households, lat, long.
SKLEARN_COLUMNS = [8, 7, 2, 3, 4, 5, 6, 1, 0]
SPLIT_SEED = 42  # the book's random_state for both train_test_split calls


@dataclasses.dataclass(frozen=True)
class Housing:
    """The book's split, standardised by a StandardScaler fitted on X_train; float32, y [N, 1]."""
    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str  # which loader was used, for the command line's output
    feature_names: tuple = FEATURE_NAMES

    def random_batches(self, batch_size, count, seed):
        """``count`` training batches drawn with replacement, as the book's ``random_batch``.

        The book draws ``np.random.randint(len(X), size=batch_size)``; one seeded generator
        draws them here, so both sides of a pair see the same batches.
        """
        rng = np.random.default_rng(seed)
        for _ in range(count):
            index = rng.integers(0, len(self.X_train), batch_size)
            yield self.X_train[index], self.y_train[index]


def sklearn_features(raw):
    """sklearn's derivation from the raw 9-column file: (data [N, 8], target [N]), float64.

    The same steps, in the same order, as ``fetch_california_housing``: reorder the columns,
    divide rooms and bedrooms by households, occupancy = population / households, target / 1e5.
    """
    cal_housing = np.asarray(raw, dtype=np.float64)[:, SKLEARN_COLUMNS]
    target, data = cal_housing[:, 0], cal_housing[:, 1:]
    data[:, 2] /= data[:, 5]
    data[:, 3] /= data[:, 5]
    data[:, 5] = data[:, 4] / data[:, 5]
    return data, target / 100000.0


def read_raw(path=CAL_HOUSING):
    """The raw StatLib file as float64 [20640, 9]; a one-line error if it is missing or bad."""
    try:
        with gzip.open(path, "rt") as file:
            raw = np.loadtxt(file, delimiter=",")
    except (OSError, EOFError, ValueError) as error:
        raise UserError(f"cannot read California housing file {path}: "
                        f"{str(error).splitlines()[0] if str(error) else type(error).__name__}"
                        ) from None
    if raw.shape != (ROWS, 9):
        raise UserError(f"California housing file {path} has shape {list(raw.shape)}, "
                        f"expected [{ROWS}, 9]")
    return raw


def _fetch_sklearn():
    from sklearn.datasets import fetch_california_housing
    with _socket_timeout(DOWNLOAD_TIMEOUT), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns before its one retry
        bunch = fetch_california_housing(n_retries=1, delay=0.1)
    return bunch.data, bunch.target


def features(source="auto"):
    """(data [20640, 8], target [20640], float64, source description) before any split."""
    if source not in ("auto", "bundled", "sklearn"):
        raise UserError(f"unknown California housing source {source!r}: "
                        f"use auto, bundled or sklearn")
    if source != "bundled":
        try:
            data, target = _fetch_sklearn()
            return data, target, "sklearn.datasets.fetch_california_housing"
        except Exception as error:  # no network and no cache: fall back to the shipped file
            if source == "sklearn":
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise UserError(f"fetch_california_housing() failed: {message}") from None
    data, target = sklearn_features(read_raw())
    return data, target, f"bundled raw StatLib file {CAL_HOUSING.name}, derived as sklearn does"


@functools.lru_cache(maxsize=None)
def load(source="auto"):
    """California housing split and scaled exactly as the book does.

    ``train_test_split(X, y, random_state=42)`` into full-train and test, the same into train and
    validation, then a ``StandardScaler`` fitted on X_train (in float64) applied to all three;
    the arrays are then cast to float32, the dtype both sides train in.
    """
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    data, target, where = features(source)
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        data, target.reshape(-1, 1), random_state=SPLIT_SEED)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=SPLIT_SEED)
    scaler = StandardScaler().fit(X_train)
    f32 = functools.partial(np.asarray, dtype=np.float32)
    return Housing(f32(scaler.transform(X_train)), f32(y_train),
                   f32(scaler.transform(X_valid)), f32(y_valid),
                   f32(scaler.transform(X_test)), f32(y_test),
                   source=f"{where} ({len(y_train):,} train / {len(y_valid):,} valid / "
                          f"{len(y_test):,} test)")
