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
    real MNIST test set shipped in ``tf1to2/data/datasets`` (CC BY-SA 3.0, LeCun, Cortes, Burges),
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


def epoch_batches(mnist, batch_size, epochs, seed):
    """Full passes over the training split: each epoch a seeded permutation, cut into batches.

    Unlike :meth:`MNIST.random_batches` (the handbook's sampling with replacement), every training
    image is seen once per epoch; a last partial batch is dropped. One seeded numpy generator
    draws every permutation, so both sides of a pair get the same batches.
    """
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(mnist.train_labels))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            index = order[start:start + batch_size]
            yield mnist.train_images[index], mnist.train_labels[index]


def mnist_subset(mnist, train_images, eval_images):
    """The first ``train_images`` training and ``eval_images`` eval examples of ``mnist``."""
    return dataclasses.replace(
        mnist, train_images=mnist.train_images[:train_images],
        train_labels=mnist.train_labels[:train_images], eval_images=mnist.eval_images[:eval_images],
        eval_labels=mnist.eval_labels[:eval_images],
        source=f"{mnist.source}, first {train_images:,} train / {eval_images:,} eval")


def epoch_arrays(mnist, batch_size, epochs, seed):
    """Each epoch's training images and labels, in the order :func:`epoch_batches` serves them.

    ``fit(images, labels, batch_size=batch_size, shuffle=False)`` on one epoch's arrays trains on
    exactly the batches that a Session loop slicing the same arrays feeds, in the same order.
    """
    batches = epoch_batches(mnist, batch_size, epochs, seed)
    batches_per_epoch = len(mnist.train_labels) // batch_size
    for _ in range(epochs):
        epoch = [next(batches) for _ in range(batches_per_epoch)]
        yield (np.concatenate([images for images, _ in epoch]),
               np.concatenate([labels for _, labels in epoch]))


def conv_example():
    """The handbook's worked convolution (cnn/cnn_example.py): image [1, 7, 7, 1], W, b.

    W is [1, 3, 3], as the handbook writes it; a one-filter 3x3 layer's kernel is [3, 3, 1, 1].
    """
    image = np.array([[0, 0, 0, 0, 0, 0, 0],
                      [0, 1, 0, 1, 2, 1, 0],
                      [0, 0, 2, 2, 0, 1, 0],
                      [0, 1, 1, 0, 2, 1, 0],
                      [0, 0, 2, 1, 1, 0, 0],
                      [0, 2, 1, 1, 2, 0, 0],
                      [0, 0, 0, 0, 0, 0, 0]], dtype=np.float32)[np.newaxis, :, :, np.newaxis]
    kernel = np.array([[[0, 0, -1],
                        [0, 1, 0],
                        [-2, 0, 2]]], dtype=np.float32)
    bias = np.array([1], dtype=np.float32)
    return image, kernel, bias


def classifier_batches(batch_sizes, skill, seed, classes=10):
    """Labels and logits of a pretend MNIST classifier: one (int32 [n], float32 [n, classes]) per batch.

    The logits are standard normal with ``skill`` added to the true class, so the accuracy grows
    with the skill (about 0.51 at 1.5 and 0.81 at 2.5 for ten classes).
    """
    rng = np.random.default_rng(seed)
    batches = []
    for size in batch_sizes:
        labels = rng.integers(0, classes, size).astype(np.int32)
        logits = rng.standard_normal((size, classes)).astype(np.float32)
        logits[np.arange(size), labels] += skill
        batches.append((labels, logits))
    return batches


def handbook_gradient_problem():
    """The handbook's eager/grad.py: X [2, 2], y [2, 1] and the starting w [2, 1] and b [].

    With L = 0.5·Σ(X·w + b − y)² they give L = 62.5, ∂L/∂w = [[35], [50]] and ∂L/∂b = 15.
    """
    X = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    y = np.array([[1.0], [2.0]], dtype=np.float32)
    w = np.array([[1.0], [2.0]], dtype=np.float32)
    b = np.float32(1.0)
    return X, y, w, b


def scatter_problem():
    """The scatter_nd_update example of the TensorFlow API docs: a vector and what to write where.

    Writing 9, 10, 11, 12 at positions 4, 3, 1, 7 of [1, 2, ..., 8] gives [1, 11, 3, 10, 9, 6, 7, 12].
    """
    vector = np.arange(1, 9, dtype=np.float32)
    indices = np.array([[4], [3], [1], [7]], dtype=np.int32)
    updates = np.array([9.0, 10.0, 11.0, 12.0], dtype=np.float32)
    return vector, indices, updates


# --- Nietzsche: the character-level LSTM's corpus ----------------------------------------------

NIETZSCHE = DATASETS / "nietzsche.txt"
NIETZSCHE_ORIGIN = "https://s3.amazonaws.com/text-datasets/nietzsche.txt"
NIETZSCHE_MD5 = "a941bb9acc3a83c1f5186b846bbee663"
DOWNLOAD_TIMEOUT = 5.0  # seconds; without network the bundled copy is used at once


@dataclasses.dataclass(frozen=True)
class CharCorpus:
    """A lower-cased text as int32 character indices into its sorted distinct characters."""
    text: np.ndarray  # int32 [length]
    chars: tuple      # the distinct characters, sorted; index i stands for chars[i]
    source: str       # says which data was used, for the command line's output

    @property
    def num_chars(self):
        return len(self.chars)

    def decode(self, indices):
        return "".join(self.chars[index] for index in indices)

    def random_batches(self, batch_size, seq_length, count, seed):
        """``count`` batches of windows [batch, seq_length] and the character after each [batch].

        As the handbook's ``get_batch``: every window starts at a uniformly drawn position. One
        seeded numpy generator draws them, so both sides see the same batches.
        """
        rng = np.random.default_rng(seed)
        offsets = np.arange(seq_length + 1)
        for _ in range(count):
            starts = rng.integers(0, len(self.text) - seq_length, batch_size)
            windows = self.text[starts[:, np.newaxis] + offsets]
            yield windows[:, :-1], windows[:, -1]

    def generate(self, predict, seq_length, temperatures, length, seed):
        """{temperature: ``length`` generated character indices}, as the handbook generates text.

        ``predict(window, temperature)`` gives softmax(logits / temperature) [1, num_chars] for an
        int32 window [1, seq_length]. Every temperature starts from the same random window of the
        corpus; each sampled character is appended and the window slides by one. One numpy
        generator seeded with ``seed`` draws the start and every sample, in the same order on both
        sides, so two models with the same weights generate the same text.
        """
        rng = np.random.default_rng(seed)
        start = rng.integers(0, len(self.text) - seq_length)
        generated = {}
        for temperature in temperatures:
            window = self.text[np.newaxis, start:start + seq_length]
            indices = []
            for _ in range(length):
                indices.append(sample(predict(window, temperature)[0], rng))
                window = np.append(window[:, 1:], [[indices[-1]]], axis=1).astype(np.int32)
            generated[temperature] = np.array(indices, dtype=np.int32)
        return generated


def sample(probabilities, rng):
    """One index drawn from ``probabilities`` with ``rng`` (one uniform draw per call).

    The float32 softmax sums to 1 only within a few ulps; the draw renormalises in float64.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    return int(rng.choice(len(probabilities), p=probabilities / probabilities.sum()))


@contextlib.contextmanager
def _socket_timeout(seconds):
    import socket
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


@functools.lru_cache(maxsize=None)
def nietzsche(source="auto"):
    """Nietzsche's *Beyond Good and Evil*, lower-cased: the handbook's char-LSTM corpus.

    ``source="auto"``: ``keras.utils.get_file("nietzsche.txt", origin=...)`` (the Keras cache, or
    the usual S3 origin with a 5-second timeout), else the identical bundled copy in
    ``tf1to2/data/datasets`` (public domain). ``"bundled"``: always the bundled copy; ``"keras"``: only
    get_file. Lower-cased it has 600,893 characters, 57 distinct.
    """
    if source not in ("auto", "bundled", "keras"):
        raise UserError(f"unknown Nietzsche source {source!r}: use auto, bundled or keras")
    path, where = NIETZSCHE, "bundled copy"
    if source != "bundled":
        import keras
        try:
            with contextlib.redirect_stdout(io.StringIO()), _socket_timeout(DOWNLOAD_TIMEOUT):
                path = keras.utils.get_file("nietzsche.txt", origin=NIETZSCHE_ORIGIN,
                                            file_hash=NIETZSCHE_MD5)
            where = "keras.utils.get_file"
        except Exception as error:  # no network and no cache: fall back to the bundled copy
            if source == "keras":
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise UserError(
                    f"keras.utils.get_file('nietzsche.txt') failed: {message}") from None
    try:
        raw = pathlib.Path(path).read_text(encoding="utf-8").lower()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the Nietzsche corpus {path}: {error}") from None
    if not raw:
        raise UserError(f"the Nietzsche corpus {path} is empty")
    # Code points sort like Python strings, so np.unique gives sorted(set(raw)) and the indices.
    code_points = np.frombuffer(raw.encode("utf-32-le"), dtype=np.uint32)
    unique, text = np.unique(code_points, return_inverse=True)
    chars = tuple(chr(code) for code in unique)
    return CharCorpus(text.astype(np.int32), chars,
                      source=f"Nietzsche, {where} {path} ({len(text):,} characters, "
                             f"{len(chars)} distinct)")


def linear_dense_sample_weights():
    """Weights for the two samples of :func:`linear_dense`: the first counts, the second is masked.

    custom_linear_layer also takes its loss with them, where a loss that reduces too early shows.
    """
    return np.array([1.0, 0.0], dtype=np.float32)
