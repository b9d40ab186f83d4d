"""All data the examples use, made or loaded once here and fed to both sides as numpy arrays."""
import contextlib
import dataclasses
import functools
import gzip
import io
import pathlib
import struct

import numpy as np

from tf1to2.errors import UserError


def house_prices():
    """The handbook's five house prices, 2013-2017, both min-max normalised to [0, 1]."""
    X_raw = np.array([2013, 2014, 2015, 2016, 2017], dtype=np.float32)
    y_raw = np.array([12000, 14000, 15000, 16500, 17500], dtype=np.float32)
    X = (X_raw - X_raw.min()) / (X_raw.max() - X_raw.min())
    y = (y_raw - y_raw.min()) / (y_raw.max() - y_raw.min())
    return X, y


def linear_dense():
    """The handbook's two-sample regression problem: X [2, 3], y [2, 1]."""
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    y = np.array([[10.0], [20.0]], dtype=np.float32)
    return X, y


def gaussian_classes(samples_per_class, seed=0):
    """DLwP ch. 3: two 2-D Gaussian clouds around (0, 3) (label 0) and (3, 0) (label 1).

    Both share the covariance [[1, .5], [.5, 1]]; returns float32 inputs [2n, 2] and targets [2n, 1].
    """
    rng = np.random.default_rng(seed)
    covariance = [[1.0, 0.5], [0.5, 1.0]]
    negative = rng.multivariate_normal(mean=[0.0, 3.0], cov=covariance, size=samples_per_class)
    positive = rng.multivariate_normal(mean=[3.0, 0.0], cov=covariance, size=samples_per_class)
    inputs = np.vstack([negative, positive]).astype(np.float32)
    targets = np.vstack([np.zeros((samples_per_class, 1)),
                         np.ones((samples_per_class, 1))]).astype(np.float32)
    return inputs, targets


def check_shape(name, array, shape):
    """Raise a one-line UserError unless ``array`` has ``shape`` (None matches any size)."""
    actual = np.shape(array)
    if len(actual) != len(shape) or any(s is not None and s != a for s, a in zip(shape, actual)):
        expected = "[" + ", ".join("N" if s is None else str(s) for s in shape) + "]"
        raise UserError(f"{name} has shape {list(actual)}, expected {expected}")
    return array


# --- MNIST --------------------------------------------------------------------------------------

DATASETS = pathlib.Path(__file__).resolve().parent / "datasets"
MNIST_IMAGES = DATASETS / "mnist-t10k-images-idx3-ubyte.gz"
MNIST_LABELS = DATASETS / "mnist-t10k-labels-idx1-ubyte.gz"
MNIST_BUNDLED_TRAIN = 8000  # the bundled 10,000 test images split 8,000 train / 2,000 eval


@dataclasses.dataclass(frozen=True)
class MNIST:
    """The handbook's MNIST: float32 images in [0, 1], [N, 28, 28, 1]; int32 labels [N]."""
    train_images: np.ndarray
    train_labels: np.ndarray
    eval_images: np.ndarray
    eval_labels: np.ndarray
    source: str  # says which data was used, for the command line's output

    def random_batches(self, batch_size, count, seed):
        """``count`` batches drawn with replacement, as the handbook's ``get_batch`` does.

        One seeded numpy generator draws all indices up front, so both sides see the same batches.
        """
        rng = np.random.default_rng(seed)
        for _ in range(count):
            index = rng.integers(0, len(self.train_labels), batch_size)
            yield self.train_images[index], self.train_labels[index]


def _read_idx(path, magic, item_shape):
    """Read a gzipped IDX file (MNIST's format) into a uint8 array; one-line error if it is bad."""
    try:
        with gzip.open(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError) as error:
        raise UserError(f"cannot read MNIST file {path}: {error}") from None
    dims = len(item_shape) + 1
    header = 4 + 4 * dims
    if len(raw) < header or struct.unpack(">I", raw[:4])[0] != magic:
        raise UserError(f"MNIST file {path} is not an IDX file with magic {magic}")
    shape = struct.unpack(f">{dims}I", raw[4:header])
    if tuple(shape[1:]) != item_shape or len(raw) != header + int(np.prod(shape)):
        raise UserError(f"MNIST file {path} is truncated or has shape {list(shape)}, "
                        f"expected [N, {', '.join(map(str, item_shape))}]".replace(", ]", "]"))
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _mnist_arrays(images, labels):
    images = check_shape("MNIST images", images, (None, 28, 28))
    check_shape("MNIST labels", labels, (len(images),))
    return (images.astype(np.float32)[..., np.newaxis] / 255.0).astype(np.float32), labels.astype(np.int32)


@functools.lru_cache(maxsize=None)
def mnist(source="auto"):
    """MNIST for the handbook's examples.

    ``source="auto"``: the full 60,000/10,000 set through ``keras.datasets.mnist.load_data()``
    when it is cached or can be downloaded, else the bundled copy. ``"bundled"``: always the
    real MNIST test set shipped in ``tf1to2/datasets`` (CC BY-SA 3.0, LeCun, Cortes, Burges),
    split deterministically into its first 8,000 images for training and last 2,000 for eval.
    The tests use "bundled" so that their numbers do not depend on a cache.
    """
    if source not in ("auto", "bundled", "keras"):
        raise UserError(f"unknown MNIST source {source!r}: use auto, bundled or keras")
    if source != "bundled":
        import keras
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                (train_x, train_y), (eval_x, eval_y) = keras.datasets.mnist.load_data()
            return MNIST(*_mnist_arrays(train_x, train_y), *_mnist_arrays(eval_x, eval_y),
                         source="keras.datasets.mnist (60,000 train / 10,000 eval)")
        except Exception as error:  # no network and no cache: fall back to the bundled copy
            if source == "keras":
                raise UserError(f"keras.datasets.mnist.load_data() failed: {error}") from None
    images = _read_idx(MNIST_IMAGES, 2051, (28, 28))
    labels = _read_idx(MNIST_LABELS, 2049, ())
    images, labels = _mnist_arrays(images, labels)
    n = MNIST_BUNDLED_TRAIN
    return MNIST(images[:n], labels[:n], images[n:], labels[n:],
                 source=f"bundled MNIST test set ({n:,} train / {len(labels) - n:,} eval)")
