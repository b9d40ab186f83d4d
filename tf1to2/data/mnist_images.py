"""Five-class RGB images for the image-classification nets (mobilenet_v2): tf_flowers or MNIST 0-4.

The handbook's MobileNetV2 (H11) trains on tf_flowers (3,670 photos of daisies, dandelions,
roses, sunflowers and tulips), which needs a download. :func:`five_classes` tries it first
(``source="auto"``: tensorflow_datasets when it is importable, else the same photos through
``keras.utils.get_file``, from the Keras cache or a download with a short timeout) and falls
back to real images that ship with the project: the bundled MNIST digits 0-4, resized and
copied to three channels (:func:`mnist_digits`). ``source="bundled"`` always uses the digits:
the equivalence checks do, so their figures never depend on a cache. The ``source`` field of
the result says which data was used.
"""
import contextlib
import dataclasses
import functools
import io
import pathlib

import numpy as np

from tf1to2 import data
from tf1to2.errors import UserError

CLASSES = 5
FLOWERS_ORIGIN = ("https://storage.googleapis.com/download.tensorflow.org/example_images/"
                  "flower_photos.tgz")
FLOWERS_EVAL_FRACTION = 0.1  # tf_flowers has one split: a seeded 10% of it is held out
FLOWERS_SPLIT_SEED = 0


@dataclasses.dataclass(frozen=True)
class ImageClasses(data.MNIST):
    """Float32 RGB images in [0, 1], [N, size, size, 3]; int32 class ids [N] in 0..4.

    The MNIST dataclass's fields and batching (``random_batches``, and
    :func:`tf1to2.data.epoch_batches` for whole passes), for images of any size.
    """
    class_names: tuple = ()


def to_rgb(images, size):
    """Grey images [N, h, w, 1] in [0, 1] as RGB ``size``×``size`` images: bilinear resizing,
    clipped to [0, 1] (bilinear overshoots nothing, but float rounding may), grey copied to
    R, G and B. float32 [N, size, size, 3]."""
    import tensorflow as tf
    resized = tf.image.resize(images, (size, size), method="bilinear").numpy()
    return np.repeat(np.clip(resized, 0.0, 1.0), 3, axis=-1).astype(np.float32)


@functools.lru_cache(maxsize=None)
def mnist_digits(size, classes=CLASSES):
    """The bundled MNIST digits 0..``classes``-1 (train: of its first 8,000 images, eval: of
    the last 2,000) as RGB ``size``×``size`` images; labels are the digits."""
    if not 2 <= classes <= 10:
        raise UserError(f"MNIST has the digits 0-9: cannot take {classes} classes")
    mnist = data.mnist("bundled")
    train = mnist.train_labels < classes
    held_out = mnist.eval_labels < classes
    return ImageClasses(
        to_rgb(mnist.train_images[train], size), mnist.train_labels[train],
        to_rgb(mnist.eval_images[held_out], size), mnist.eval_labels[held_out],
        source=f"{mnist.source}, digits 0-{classes - 1} resized to {size}x{size}x3 "
               f"({int(train.sum()):,} train / {int(held_out.sum()):,} eval)",
        class_names=tuple(str(digit) for digit in range(classes)))


def _flowers_split(images, labels, class_names, size, where):
    order = np.random.default_rng(FLOWERS_SPLIT_SEED).permutation(len(labels))
    images, labels = images[order], labels[order]
    held_out = int(round(FLOWERS_EVAL_FRACTION * len(labels)))
    return ImageClasses(images[held_out:], labels[held_out:], images[:held_out],
                        labels[:held_out],
                        source=f"tf_flowers ({where}), resized to {size}x{size}x3 "
                               f"({len(labels) - held_out:,} train / {held_out:,} eval)",
                        class_names=tuple(class_names))


def _resized_photo(tf, contents, size):
    image = tf.io.decode_image(contents, channels=3, expand_animations=False)
    return tf.image.resize(tf.cast(image, tf.float32) / 255.0, (size, size)).numpy()


def _flowers_from_tfds(size):
    import tensorflow as tf
    import tensorflow_datasets as tfds
    dataset, info = tfds.load("tf_flowers", split="train", as_supervised=True, with_info=True)
    images, labels = [], []
    for image, label in dataset:
        images.append(tf.image.resize(tf.cast(image, tf.float32) / 255.0, (size, size)).numpy())
        labels.append(int(label))
    return _flowers_split(np.stack(images).astype(np.float32), np.array(labels, np.int32),
                          info.features["label"].names, size, "tensorflow_datasets")


def _flowers_from_keras(size):
    import keras
    import tensorflow as tf
    path = pathlib.Path(keras.utils.get_file("flower_photos", origin=FLOWERS_ORIGIN, untar=True))
    root = next((candidate for candidate in (path, path / "flower_photos")
                 if len([d for d in candidate.glob("*") if d.is_dir()]) == CLASSES), None)
    if root is None:
        raise UserError(f"{path} does not hold the {CLASSES} tf_flowers class directories")
    class_names = sorted(directory.name for directory in root.iterdir() if directory.is_dir())
    images, labels = [], []
    for label, name in enumerate(class_names):
        for photo in sorted((root / name).glob("*.jpg")):
            images.append(_resized_photo(tf, photo.read_bytes(), size))
            labels.append(label)
    return _flowers_split(np.stack(images).astype(np.float32), np.array(labels, np.int32),
                          class_names, size, f"keras.utils.get_file {root}")


@functools.lru_cache(maxsize=None)
def tf_flowers(size):
    """The handbook's tf_flowers at ``size``×``size`` in [0, 1] (its /255), 90% train / 10% eval.

    tensorflow_datasets when it is installed, else ``keras.utils.get_file`` (the Keras cache, or
    a download that gives up after ``tf1to2.data.DOWNLOAD_TIMEOUT`` seconds without a network).
    A one-line UserError when neither works.
    """
    errors = []
    for loader in (_flowers_from_tfds, _flowers_from_keras):
        try:
            with contextlib.redirect_stdout(io.StringIO()), \
                    data._socket_timeout(data.DOWNLOAD_TIMEOUT):
                return loader(size)
        except ModuleNotFoundError as error:  # tensorflow_datasets is not installed
            errors.append(str(error))
        except Exception as error:  # noqa: BLE001  (no network and no cache)
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            errors.append(f"{loader.__name__.rsplit('_', 1)[-1]}: {message}")
    raise UserError(f"tf_flowers is not available: {'; '.join(errors)}")


def five_classes(size, source="auto"):
    """Five classes of RGB ``size``×``size`` images for the handbook's MobileNetV2.

    ``"auto"``: tf_flowers when it can be loaded, else the bundled MNIST digits 0-4 (the result's
    ``source`` says so, with the reason); ``"bundled"``: always the digits; ``"tf_flowers"``:
    only tf_flowers, a one-line UserError when it cannot be loaded.
    """
    if source not in ("auto", "bundled", "tf_flowers"):
        raise UserError(f"unknown image source {source!r}: use auto, bundled or tf_flowers")
    if source != "bundled":
        try:
            return tf_flowers(size)
        except UserError as error:
            if source == "tf_flowers":
                raise
            digits = mnist_digits(size)
            return dataclasses.replace(digits, source=f"{digits.source}; {error}")
    return mnist_digits(size)
